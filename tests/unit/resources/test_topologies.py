"""Topologies: one shared endpoint stack, many API stacks importing it (or a parameter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.cli import main, output_name
from privgw.config import EndpointStack, load_any
from privgw.flavours import FLAVOURS
from privgw.resources.template import build_any, build_endpoint_stack
from tests.support.configs import ROOT, TOPOLOGIES, topology_texts
from tests.support.proof import proof_failures

COMMITTED = ROOT / "templates" / "topologies"


def endpoint_stack() -> EndpointStack:
    (cfg,) = [c for c in map(load_any, TOPOLOGIES) if isinstance(c, EndpointStack)]
    return cfg


def api_stacks() -> list[Config]:
    return [c for c in map(load_any, TOPOLOGIES) if isinstance(c, Config)]


def test_endpoint_stack_exports_what_api_stacks_import() -> None:
    cfg = endpoint_stack()
    template = build_endpoint_stack(cfg).to_dict()
    assert sorted(r["Type"] for r in template["Resources"].values()) == [
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::VPCEndpoint",
    ]
    exports = {k: v["Export"]["Name"] for k, v in template["Outputs"].items()}
    assert exports == {
        "VpcEndpointId": f"{cfg.exports}-VpcEndpointId",
        "EndpointDnsName": f"{cfg.exports}-EndpointDnsName",
        "SecurityGroupId": f"{cfg.exports}-SecurityGroupId",
    }
    for api in api_stacks():
        assert cfg.exports in api.endpoint.imports
        props = build_template(api).to_dict()["Resources"]["RestApi"]["Properties"]
        imported = {"Fn::ImportValue": f"{cfg.exports}-VpcEndpointId"}
        assert imported in props["EndpointConfiguration"]["VpcEndpointIds"]
        assert (
            imported
            in props["Policy"]["Statement"][1]["Condition"]["StringNotEquals"]["aws:SourceVpce"]
        )
        assert not {"Endpoint", "EndpointSecurityGroup"} & set(
            build_template(api).to_dict()["Resources"]
        ), "API stacks must not create endpoints of their own"


def test_parameter_endpoint() -> None:
    (billing,) = [c for c in api_stacks() if c.endpoint.parameter]
    template = build_template(billing).to_dict()
    parameter = template["Parameters"]["VpcEndpointId"]
    assert parameter["Type"] == "String"
    assert parameter["AllowedPattern"] == "^vpce-([0-9a-f]{8}|[0-9a-f]{17})$"
    ids = template["Resources"]["RestApi"]["Properties"]["EndpointConfiguration"]["VpcEndpointIds"]
    assert {"Ref": "VpcEndpointId"} in ids


@pytest.mark.parametrize(("label", "text"), list(topology_texts()))
def test_topology_templates_lint_clean(label: str, text: str) -> None:
    assert lint_text(text) == [], label


def test_api_stacks_are_private_for_every_route() -> None:
    for cfg in api_stacks():
        assert proof_failures(cfg, build_template(cfg).to_dict()) == []


def test_committed_topology_templates_are_fresh() -> None:
    expected = {}
    for path in TOPOLOGIES:
        cfg = load_any(path)
        if not isinstance(cfg, Config):
            expected[output_name(path.stem, "cfn", "yaml")] = render(build_any(cfg), "yaml")
        else:
            for flavour in FLAVOURS:
                text = render(build_template(cfg, flavour, COMMITTED), "yaml")
                expected[output_name(path.stem, flavour, "yaml")] = text
    actual = {p.name: p.read_text(encoding="utf-8") for p in COMMITTED.glob("*.yaml")}
    assert actual == expected, "run `make templates` and commit the result"


def test_endpoint_stack_config_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("kind: endpoint\nname: x\nnetwork: {vpc_id: vpc-1}\nroutes: []\n")
    with pytest.raises(ConfigError) as info:
        load_any(path)
    paths = {p.path for p in info.value.problems}
    assert {"network.vpc_id", "network.subnet_ids", "routes"} <= paths


def test_cli_builds_one_template_for_an_endpoint_stack(tmp_path: Path) -> None:
    endpoint = next(p for p in TOPOLOGIES if isinstance(load_any(p), EndpointStack))
    code = main(["build", str(endpoint), "-o", str(tmp_path), "--flavour", "all", "--no-lint"])
    assert code == 0
    assert [p.name for p in tmp_path.iterdir()] == [f"{endpoint.stem}.yaml"]
