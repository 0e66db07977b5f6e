"""One import: read the live API, translate it, prove the config builds, compare the policy
it builds with the live one by decision, and write the config with its report on top."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from privgw.errors import ConfigError, PrivgwError
from privgw.evaluate import resolve
from privgw.importing.live import LiveReader, Snapshot
from privgw.importing.translate import api_arn, policy_differences, translate


class ImportError_(PrivgwError):
    """The live API read back into a config privgw refuses: a bug of import's, reported."""


@dataclass
class Imported:
    """A live API as a config, with what the config cannot say."""

    api_id: str
    config: dict[str, Any]
    report: list[str]
    snapshot: Snapshot


def imported_from(snapshot: Snapshot) -> Imported:
    """``snapshot`` translated, validated, built, and its policy compared by decision."""
    from privgw import build_template, validate_config  # noqa: PLC0415

    config, report = translate(snapshot)
    try:
        cfg = validate_config(config)
        template = build_template(cfg).to_dict()
    except ConfigError as exc:
        raise ImportError_(
            "the API was read, but the config import wrote for it is refused (a bug in "
            f"privgw import; please report it with the API's shape): {exc}"
        ) from None
    arn = api_arn(snapshot)
    refs = {"AWS::AccountId": arn.account, "AWS::Region": arn.region, "AWS::Partition": "aws"}
    built = resolve(template["Resources"]["RestApi"]["Properties"]["Policy"], refs)
    differences = policy_differences(snapshot, config, built)
    open_to_all = any("allows a call through an endpoint neither lists" in d for d in differences)
    if open_to_all and not any(line.startswith("policy: HOLE") for line in report):
        report.append(  # a shape import does not read that still admits any endpoint
            "policy: HOLE: the live policy allows a call through a VPC endpoint it does not "
            "name (any endpoint, in any account); the config admits only the API's own "
            "endpoints: deploy it to close the hole"
        )
    report += differences
    holes = [line for line in report if "HOLE" in line]
    rest = [line for line in report if "HOLE" not in line]
    return Imported(snapshot["api"]["id"], config, holes + rest, snapshot)


def import_api(
    api_id: str,
    *,
    stage: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Imported:
    """Read private REST API ``api_id`` from AWS and describe it as a privgw config."""
    reader = LiveReader(region, endpoint_url, profile, progress)
    return imported_from(reader.read(api_id, stage))


def config_text(imported: Imported) -> str:
    """The config as YAML, the report as comments above it (deterministic for one API)."""
    api = imported.snapshot["api"]
    lines = [
        f"# Imported by `privgw import {imported.api_id}` from API {api.get('name')} in "
        f"{imported.snapshot.get('region')}.",
        "# What this config does not carry, or changes (holes first):",
        *(f"#   - {line}" for line in imported.report),
    ]
    if not imported.report:
        lines.append("#   (nothing: every setting read is in the config)")
    body = yaml.safe_dump(imported.config, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(lines) + "\n" + body
