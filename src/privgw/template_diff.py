"""Where two CloudFormation templates differ, in a few lines a person reads: resources only in
one of them, and the first differing property of each resource in both. ``privgw doctor``
uses it to tell "the config and the stack differ" apart from drift, and to compare a deployed
resource policy with the template's in the form API Gateway stores it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from privgw.evaluate import ApiArn

#: A Deployment's logical id carries the hash of what the stage serves: two ids differ exactly
#: when the API's methods, integrations or policy do.
_DEPLOYMENT = re.compile(r"Deployment[0-9a-f]{12}")


def _collapse(value: Any) -> Any:
    """IAM's normal form: single-item lists as their item, keys sorted."""
    if isinstance(value, list):
        items = [_collapse(v) for v in value]
        return items[0] if len(items) == 1 else sorted(items, key=json.dumps)
    if isinstance(value, Mapping):
        return {k: _collapse(v) for k, v in sorted(value.items())}
    return value


def normal_policy(policy: Any, api: ApiArn) -> Any:
    """A policy as API Gateway stores it: execute-api:/ expanded to the API's ARN."""
    text = json.dumps(policy).replace('"execute-api:/', f'"{api.prefix}/')
    document = json.loads(text)
    document.pop("Version", None)
    return _collapse(document)


def _first_difference(a: Any, b: Any, path: str) -> str | None:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{path}.{key}"
            found = _first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else path


def template_differences(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """What ``actual`` (a deployed stack's template) lacks or has otherwise than ``expected``
    (what a config builds), resource by resource; empty when they agree."""
    mine = dict(expected.get("Resources") or {})
    theirs = dict(actual.get("Resources") or {})
    differences = []
    deployments = [k for k in (*mine, *theirs) if _DEPLOYMENT.fullmatch(str(k))]
    if deployments and (set(mine) & set(deployments)) != (set(theirs) & set(deployments)):
        differences.append("the API's methods, integrations or policy (its Deployment's hash)")
    only_config = sorted(k for k in mine if k not in theirs and k not in deployments)
    only_stack = sorted(k for k in theirs if k not in mine and k not in deployments)
    if only_config:
        differences.append(f"resources only in the config's template: {', '.join(only_config)}")
    if only_stack:
        differences.append(f"resources only in the stack: {', '.join(only_stack)}")
    for name in sorted(set(mine) & set(theirs)):
        where = _first_difference(mine[name], theirs[name], name)
        if where and not _DEPLOYMENT.fullmatch(name):
            differences.append(f"{where} differs")
    for section in ("Parameters", "Conditions", "Rules"):
        if (expected.get(section) or {}) != (actual.get(section) or {}):
            differences.append(f"the template's {section}")
    return differences
