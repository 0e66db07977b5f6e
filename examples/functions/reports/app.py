"""Reports API handler, deployed from this folder by `sam deploy` or `aws cloudformation package`."""

from __future__ import annotations

import json
from typing import Any

REPORTS = {
    "daily": {"id": "daily", "title": "Daily orders", "rows": 24},
    "weekly": {"id": "weekly", "title": "Weekly orders", "rows": 7},
}


def _response(status: int, body: Any) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, sort_keys=True),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """GET /reports lists the reports; GET /reports/{name} returns one."""
    resource = event.get("resource")
    if resource == "/reports":
        return _response(200, {"reports": sorted(REPORTS)})
    if resource == "/reports/{name}":
        name = (event.get("pathParameters") or {}).get("name")
        report = REPORTS.get(str(name))
        if report is None:
            return _response(404, {"message": f"no report named {name}"})
        return _response(200, report)
    return _response(404, {"message": "no such route", "path": event.get("path")})
