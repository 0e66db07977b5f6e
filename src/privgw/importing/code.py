"""``privgw import --code DIR``: each Lambda function the API invokes, its deployment package
downloaded from the URL get-function answers (presigned, valid minutes) and unpacked into
``DIR/<name>/``, becomes one of the config's ``functions`` (code.path) with its runtime,
handler, memory, timeout, architecture, environment and VPC. A package is unpacked only inside
its folder (no entry may climb out), and only from HTTPS or a loopback endpoint.
"""

from __future__ import annotations

import io
import ipaddress
import urllib.request
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from privgw.aws import AwsError

#: Lambda's own cap on an unzipped package (Lambda developer guide, "Lambda quotas").
MAX_UNZIPPED_BYTES = 262_144_000


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    try:
        return parts.scheme == "http" and ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return False


def download(location: str, folder: Path, name: str) -> None:
    """The package at ``location`` unpacked into ``folder`` (emptied first if it exists)."""
    if not _allowed(location):
        raise AwsError(f"function {name}: its code is at {location}, neither HTTPS nor local")
    try:
        with urllib.request.urlopen(location, timeout=120) as answer:
            data = answer.read(MAX_UNZIPPED_BYTES + 1)
    except OSError as exc:
        raise AwsError(f"function {name}: its code could not be downloaded: {exc}") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise AwsError(f"function {name}: its code is not a ZIP package") from None
    root = folder.resolve()
    if sum(member.file_size for member in archive.infolist()) > MAX_UNZIPPED_BYTES:
        raise AwsError(f"function {name}: its package unzips to more than Lambda allows")
    for member in archive.infolist():
        target = (root / member.filename).resolve()
        if not target.is_relative_to(root):
            raise AwsError(f"function {name}: its package holds {member.filename}, outside it")
    root.mkdir(parents=True, exist_ok=True)
    archive.extractall(root)


def function_settings(read: dict[str, Any], path: str) -> dict[str, Any]:
    """A ``functions`` entry for the function get-function described as ``read``."""
    settings: dict[str, Any] = {
        "runtime": read.get("Runtime"),
        "handler": read.get("Handler"),
        "memory": read.get("MemorySize", 128),
        "timeout": read.get("Timeout", 3),
    }
    architectures = read.get("Architectures") or ["x86_64"]
    if architectures[0] != "x86_64":
        settings["architecture"] = architectures[0]
    if read.get("Description"):
        settings["description"] = read["Description"]
    variables = (read.get("Environment") or {}).get("Variables") or {}
    if variables:
        settings["environment"] = dict(sorted(variables.items()))
    vpc = read.get("VpcConfig") or {}
    if vpc.get("SubnetIds"):
        settings["vpc"] = {
            "subnet_ids": sorted(vpc["SubnetIds"]),
            "security_group_ids": sorted(vpc.get("SecurityGroupIds") or []),
        }
    settings["code"] = {"path": path}
    return settings
