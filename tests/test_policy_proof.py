"""Proof, for every example, route and method, that only the allowed endpoints get in."""

from __future__ import annotations

import copy
from pathlib import Path

from privgw import Config, build_template, load_config
from tests.conftest import BASE_CONFIG, with_changes
from tests.proof import proof_failures


def test_every_example_is_private_for_every_route(example: Path) -> None:
    cfg = load_config(example)
    assert proof_failures(cfg, build_template(cfg).to_dict()) == []


def test_variants_are_private() -> None:
    for changes in (
        {},
        {"endpoint.existing_ids": ["vpce-0123456789abcdef0", "vpce-01234567"]},
        {"routes": ["ANY /", "ANY /{proxy+}", "POST /a/{b}/c"]},
    ):
        cfg = Config(**with_changes(BASE_CONFIG, **changes))
        assert proof_failures(cfg, build_template(cfg).to_dict()) == []


def test_leaky_policy_fails_the_proof() -> None:
    """Proof the proof can fail: an Allow without the endpoint Deny admits everyone."""
    cfg = Config(**BASE_CONFIG)
    template = build_template(cfg).to_dict()
    leaky = copy.deepcopy(template)
    statements = leaky["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"]
    del statements[1]
    failures = proof_failures(cfg, leaky)
    assert "GET /hello via no endpoint: allow, expected explicit-deny" in failures
    assert any("another account's endpoint" in f for f in failures)


def test_policy_missing_an_allowed_endpoint_fails_the_proof() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, **{"endpoint.existing_ids": ["vpce-01234567"]}))
    template = build_template(cfg).to_dict()
    deny = template["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"][1]
    deny["Condition"]["StringNotEquals"]["aws:SourceVpce"] = [{"Ref": "Endpoint"}]
    assert proof_failures(cfg, template) == [
        "GET /hello via endpoint vpce-01234567: explicit-deny, expected allow"
    ]
