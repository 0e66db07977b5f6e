"""One import: read the live API, translate it, prove the config builds, compare the policy
it builds with the live one by decision, and write the config with its report on top."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from privgw.errors import ConfigError, PrivgwError
from privgw.evaluate import resolve
from privgw.importing.code import download, function_settings
from privgw.importing.live import LiveReader, Snapshot
from privgw.importing.translate import translate


class ImportError_(PrivgwError):
    """The live API read back into a config privgw refuses: a bug of import's, reported."""


class NothingToCarry(PrivgwError):
    """An API none of whose methods privgw can say: there is no config to write."""


@dataclass
class Imported:
    """A live API as a config, with what the config cannot say."""

    api_id: str
    config: dict[str, Any]
    report: list[str]
    snapshot: Snapshot
    template: dict[str, Any]


def _with_code(
    config: dict[str, Any], snapshot: Snapshot, code: Path, folder: Path, report: list[str]
) -> dict[str, str]:
    """Each existing function with a ZIP package as one of the config's functions, its code
    downloaded into ``code/<name>`` (a path relative to the config's ``folder``); the existing
    entries they replace, by name, so a function the config refuses can go back."""
    existing = config.get("existing_functions", {})
    moved: dict[str, Any] = {}
    for name, settings in sorted(existing.items()):
        read = snapshot.get("functions", {}).get(settings["arn"]) or {}
        if read.get("PackageType", "Zip") != "Zip" or not read.get("CodeLocation"):
            report.append(f"function {name}: no ZIP package to download; kept as it runs")
            continue
        target = code / name
        download(str(read["CodeLocation"]), target, name)
        entry = function_settings(read, os.path.relpath(target, folder))
        if "integration_timeout_ms" in settings:
            entry["integration_timeout_ms"] = settings["integration_timeout_ms"]
        config.setdefault("functions", {})[name] = entry
        moved[name] = existing.pop(name)
        policies = ", ".join(read.get("RolePolicies") or []) or "none"
        report.append(
            f"function {name}: its package is in {target}; the stack creates the function "
            f"anew with privgw's least-privilege role (logs only): its role's policies "
            f"({policies}) and any alias or version are not carried"
        )
    if not existing:
        config.pop("existing_functions", None)
    return moved


def _put_back(
    config: dict[str, Any], moved: dict[str, Any], error: ConfigError, report: list[str]
) -> bool:
    """The functions a problem names back as the existing ones they were; True if any."""
    back = False
    for problem in error.problems:
        name = problem.path.split(".")[1] if problem.path.startswith("functions.") else ""
        if name in moved and name in config.get("functions", {}):
            del config["functions"][name]
            config.setdefault("existing_functions", {})[name] = moved.pop(name)
            report[:] = [r for r in report if not r.startswith(f"function {name}: its package")]
            report.append(f"function {name}: kept as it runs (its package downloaded): {problem}")
            back = True
    if not config.get("functions"):
        config.pop("functions", None)
    return back


def imported_from(snapshot: Snapshot, code: tuple[Path, Path] | None = None) -> Imported:
    """``snapshot`` translated (``code``: the folder for the functions' packages and the
    config's own folder), validated, built, and its policy compared by decision."""
    from privgw import build_template, validate_config  # noqa: PLC0415

    config, report, live = translate(snapshot)
    if not config.get("routes"):
        reasons = "; ".join(
            line.removeprefix("method ").replace(": left out: it ", ": it ")
            for line in report
            if ": left out: it " in line
        )
        raise NothingToCarry(
            f"API {snapshot['api']['id']} has no method privgw can carry: "
            + (reasons or "it has no methods at all")
        )
    moved = _with_code(config, snapshot, code[0], code[1], report) if code else {}
    try:
        try:
            cfg = validate_config(config, folder=code[1] if code else None)
        except ConfigError as error:
            if not _put_back(config, moved, error, report):
                raise
            cfg = validate_config(config, folder=code[1] if code else None)
        template = build_template(cfg).to_dict()
    except ConfigError as exc:
        raise ImportError_(
            "the API was read, but the config import wrote for it is refused (a bug in "
            f"privgw import; please report it with the API's shape): {exc}"
        ) from None
    arn = live.arn
    refs = {
        "AWS::AccountId": arn.account,
        "AWS::Region": arn.region,
        "AWS::Partition": arn.partition,
    }
    built = resolve(template["Resources"]["RestApi"]["Properties"]["Policy"], refs)
    differences = live.differences(built, list(config["endpoint"]["existing_ids"]))
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
    return Imported(snapshot["api"]["id"], config, holes + rest, snapshot, template)


def import_api(
    api_id: str,
    *,
    stage: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
    code: tuple[Path, Path] | None = None,
) -> Imported:
    """Read private REST API ``api_id`` from AWS and describe it as a privgw config (with
    ``code``, its functions' packages too)."""
    reader = LiveReader(region, endpoint_url, profile, progress)
    return imported_from(reader.read(api_id, stage), code)


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


def adopt_files(imported: Imported) -> tuple[str, str, list[str]]:
    """``--adopt``: the IMPORT change set's template and resources-to-import as JSON text,
    and what the update after it does. The template is checked with cfn-lint's rules in the
    API's region: one it refuses is a bug of import's. privgw's own rules judge what privgw
    builds; the running policy is judged by decision, in the report."""
    import json  # noqa: PLC0415

    from privgw.importing.adopt import TEMPLATE_BODY_LIMIT, adoption  # noqa: PLC0415
    from privgw.lint import run_cfn_lint  # noqa: PLC0415 - cfn-lint is heavy

    adopted = adoption(imported.snapshot, imported.template)
    template = json.dumps(adopted.template, indent=2) + "\n"
    if len(template.encode()) > TEMPLATE_BODY_LIMIT:  # compact before sending it through S3
        template = json.dumps(adopted.template, separators=(",", ":")) + "\n"
    region = str(imported.snapshot.get("region") or "us-east-1")
    findings = [f for f in run_cfn_lint(template, (region,)) if f.source != "privgw"]
    if findings:
        raise ImportError_(
            "the API was read, but the import template for --adopt does not pass cfn-lint (a "
            "bug in privgw import; please report it): "
            + "; ".join(f"{f.rule} {f.message}" for f in findings)
        )
    resources = json.dumps(adopted.resources, indent=2) + "\n"
    return template, resources, adopted.report
