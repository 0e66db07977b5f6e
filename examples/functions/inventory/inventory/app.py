"""Inventory API handler; `make` zips this folder for the S3 example's deploy test."""

from __future__ import annotations

import json
from typing import Any

STOCK = {"sku-1": 12, "sku-2": 0}


def _response(status: int, body: Any) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, sort_keys=True),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """GET /items, GET /items/{sku}, PUT /items/{sku} (body: {"count": n})."""
    resource, method = event.get("resource"), event.get("httpMethod")
    sku = (event.get("pathParameters") or {}).get("sku")
    if resource == "/items" and method == "GET":
        return _response(200, {"items": sorted(STOCK)})
    if resource == "/items/{sku}" and method == "GET":
        if sku not in STOCK:
            return _response(404, {"message": f"unknown sku {sku}"})
        return _response(200, {"sku": sku, "count": STOCK[sku]})
    if resource == "/items/{sku}" and method == "PUT":
        try:
            count = int(json.loads(event.get("body") or "{}")["count"])
        except (KeyError, TypeError, ValueError):
            return _response(400, {"message": "body must be {\"count\": <integer>}"})
        return _response(200, {"sku": sku, "count": count})
    return _response(404, {"message": "no such route", "path": event.get("path")})
