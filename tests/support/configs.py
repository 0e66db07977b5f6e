"""What tests build from: the examples, a known-good config to vary, and template readers."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from privgw import Config, build_template, load_config, render
from privgw.config import load_any
from privgw.flavours import FLAVOURS
from privgw.rendering import FORMATS, Format
from privgw.resources.template import build_any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TOPOLOGIES = sorted((ROOT / "examples" / "topologies").glob("*.yaml"))

VPC = "vpc-0123456789abcdef0"
SUBNETS = ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]

BASE_CONFIG: dict[str, Any] = {
    "name": "svc",
    "network": {"vpc_id": VPC, "subnet_ids": SUBNETS, "allowed_cidrs": ["10.0.0.0/16"]},
    "function": {
        "runtime": "python3.13",
        "handler": "index.handler",
        "code": {"inline": "def handler(event, context):\n    return {'statusCode': 200}\n"},
    },
    "routes": ["GET /hello"],
}

#: A with_changes value that removes the key instead of setting it.
DELETE = object()

#: Access sections (as with_changes keys on BASE_CONFIG) that the policy proof walks.
ACCESS_VARIANTS: dict[str, dict[str, Any]] = {
    "vpc-only": {
        "endpoint": {"create": False},
        "network": DELETE,
        "access": {"vpc_ids": ["vpc-0a0a0a0a0a0a0a0a0"]},
    },
    "endpoints-or-vpcs": {
        "endpoint.existing_ids": ["vpce-01234567"],
        "access": {"vpc_ids": ["vpc-0a0a0a0a0a0a0a0a0", "vpc-01234567"]},
    },
    # the callers the created endpoint admits (network.allowed_cidrs: 10.0.0.0/16), narrowed
    "source-cidrs": {"access": {"source_cidrs": ["10.0.1.0/24", "fd00::/56"]}},
    "iam": {
        "access": {
            "iam_principals": ["111122223333", "arn:aws:iam::444455556666:role/orders-client"]
        }
    },
    "everything": {
        "endpoint.existing_ids": ["vpce-01234567"],
        "access": {
            "vpc_ids": ["vpc-01234567"],
            "source_cidrs": ["10.0.0.0/8"],
            "iam_principals": ["arn:aws:iam::444455556666:role/c"],
        },
    },
}


def with_changes(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Copy ``data`` and set dotted keys: with_changes(d, **{"network.vpc_id": "x"})."""
    result = copy.deepcopy(data)
    for dotted, value in changes.items():
        node = result
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if value is DELETE:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return result


#: A reusable config: environment values become typed Parameters.
REUSABLE = with_changes(
    BASE_CONFIG,
    reusable=True,
    **{"network.allowed_cidrs": ["10.0.0.0/16", "fd00::/56"]},
)

#: A reusable config that fills every account-specific field privgw knows.
EVERY_ID = with_changes(
    BASE_CONFIG,
    reusable=True,
    description="Every account-specific value as a parameter",
    log_kms_key_arn="arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    **{
        "network.allowed_cidrs": ["10.0.0.0/16", "10.1.0.0/16", "fd00::/56"],
        "network.source_security_group_ids": ["sg-0123456789abcdef0", "sg-01234567"],
        "endpoint.existing_ids": ["vpce-0123456789abcdef0"],
        "endpoint.security_group_ids": ["sg-0e0e0e0e0e0e0e0e0"],
        "endpoint.policy": {"principals": ["444455556666", "arn:aws:iam::555566667777:root"]},
        "access": {
            "vpc_ids": ["vpc-0b0b0b0b0b0b0b0b0"],
            "iam_principals": [
                "arn:aws:iam::444455556666:role/orders-client",
                "arn:aws:iam::555566667777:root",
                "666677778888",
            ],
        },
        "function.vpc": {
            "subnet_ids": ["subnet-0c0c0c0c0c0c0c0c0"],
            "security_group_ids": ["sg-0d0d0d0d0d0d0d0d0"],
        },
        "function.dead_letter_arn": "arn:aws:sqs:eu-west-1:111122223333:orders-dlq",
        "function.kms_key_arn": "arn:aws:kms:eu-west-1:111122223333:key/abcd",
        "custom_domain": {
            "name": "orders.internal.example.com",
            "certificate_arn": "arn:aws:acm:eu-west-1:111122223333:certificate/abc-123",
            "hosted_zone": {"create": True},
        },
    },
)


def assert_no_environment_literals(text: str) -> None:
    """No account id, region, partition or URL suffix written into a template's text (the
    caller first removes what its config itself names)."""
    assert not re.search(r"\b\d{12}\b", text), "hard-coded account id"
    assert not re.search(r"\b(us|eu|ap|sa|ca|me|af)-[a-z]+-\d\b", text), "hard-coded region"
    assert "arn:aws:" not in text, "hard-coded partition"
    assert "amazonaws.com/" not in text.replace("${AWS::URLSuffix}", "")


def resources_of(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def one_of(template: dict[str, Any], rtype: str) -> dict[str, Any]:
    found = resources_of(template, rtype)
    assert len(found) == 1, f"expected one {rtype}, found {sorted(found)}"
    return next(iter(found.values()))


def example_texts() -> Iterator[tuple[str, Format, str]]:
    """(label, format, text) of every example in both flavours and both formats."""
    for path in EXAMPLES:
        cfg = load_config(path)
        for flavour in FLAVOURS:
            template = build_template(cfg, flavour, ROOT / "templates")
            for fmt in FORMATS:
                yield f"{path.stem}.{flavour}", fmt, render(template, fmt)


def topology_texts(
    paths: list[Path] = TOPOLOGIES, committed: Path = ROOT / "templates" / "topologies"
) -> Iterator[tuple[str, str]]:
    """(label, YAML text) of every template of these configs (the topologies by default), as
    `make templates` writes them: endpoint and consumer stacks have one for both flavours."""
    for path in paths:
        cfg = load_any(path)
        if not isinstance(cfg, Config):
            yield path.stem, render(build_any(cfg), "yaml")
            continue
        for flavour in FLAVOURS:
            yield f"{path.stem}.{flavour}", render(build_template(cfg, flavour, committed), "yaml")


def leaky_text() -> str:
    """The base config's template with the resource policy's deny statement removed: what
    privgw's rules must catch."""
    template: dict[str, Any] = build_template(Config(**BASE_CONFIG)).to_dict()
    leaky = copy.deepcopy(template)
    del leaky["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"][1]
    return render(leaky, "yaml")
