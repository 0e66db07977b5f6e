"""Replaces: moto 5.2.5 moto/cloudformation/utils.py get_stack_from_s3_url (path style only for
'localhost').

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
import ipaddress
from typing import Any
from urllib.parse import urlparse

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "template-url-on-loopback",
    "moto reads a TemplateURL path-style (host/bucket/key) only when its host is 'localhost'; "
    "on the local endpoint's 127.0.0.1 it took '127' for the bucket, so a template deployed "
    "through S3 (`--s3-bucket`, needed over 51,200 bytes) failed with NoSuchBucket. The patch "
    "reads loopback URLs path-style too; the object still comes from moto's own S3.",
)
def _template_url() -> None:
    for module_name in ("moto.cloudformation.responses", "moto.cloudformation.models"):
        module: Any = importlib.import_module(module_name)
        original = module.get_stack_from_s3_url

        def get_stack_from_s3_url(
            template_url: str, account_id: str, partition: str, original: Any = original
        ) -> str:
            parts = urlparse(template_url)
            try:
                loopback = ipaddress.ip_address(parts.hostname or "").is_loopback
            except ValueError:
                loopback = False
            if loopback:
                template_url = parts._replace(netloc=f"localhost:{parts.port}").geturl()
            return str(original(template_url, account_id=account_id, partition=partition))

        module.get_stack_from_s3_url = get_stack_from_s3_url
