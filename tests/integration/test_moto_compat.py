"""The local endpoint's moto patches: documented, version-pinned, and each one exercised.

Every patch is exercised end to end by tests/integration/test_deploy.py (COVERED_BY names the
assertion that fails without it); the pieces with logic of their own are unit-tested here.
"""

from __future__ import annotations

import moto
import pytest

from tests.support.configs import ROOT
from tests.support.docs import docs_text
from tests.support.localaws import moto_compat

COVERED_BY = {
    "custom-resources-in-process": "test_a_parameter_only_update_moves_the_stage_to_a_new_"
    "deployment",
    "rest-api-properties": "check_deployed: get-rest-api endpointConfiguration/policy; "
    "SAM examples' served routes; the allow-list update",
    "private-api-needs-policy": "test_private_api_without_policy_fails_the_deploy",
    "stage-resource": "check_deployed: get-stages",
    "deployment-ref": "check_deployed: the stage's deploymentId is a deployment",
    "endpoint-dns-entries": "check_deployed: EndpointDnsName and CurlWithHeader outputs",
    "change-set-order-outputs-failures": "every deploy (outputs), the broken-template tests",
    "security-group-inline-rules": "check_deployed: peered example's IPv6 ingress",
    "endpoint-subnets-exist": "test_missing_subnet_fails_the_deploy",
    "list-parameter-defaults": "test_every_example_deploys[reusable-*] (defaults only)",
    "private-custom-domains": "check_deployed: get-domain-name and get-base-path-mappings",
    "private-hosted-zones": "check_custom_domain and the cross-account deploy: get-hosted-zone "
    "Name and VPCs",
    "ram-domain-shares": "test_cross_account_halves_deploy_provider_then_consumer: "
    "get-resource-shares, get-resource-share-associations",
    "template-url-on-loopback": "test_two_hundred_routes_deploy_through_s3",
    "unmodelled-getatt-outputs": "test_privgw_deploy_of_an_untransformed_sam_template_is_not_"
    "a_silent_success",
    "access-control-resources": "check_access_control: get-authorizers, get-usage-plans, "
    "get-api-keys, get-gateway-responses, get-request-validators",
    "lambda-code-on-loopback": "test_import.py: --code downloads each function's package "
    "from get-function's Code.Location",
    "put-integration-connection": "test_import.py: the richer hand-built API's VPC link "
    "route reads back with its link",
    "rest-api-endpoint-updates": "test_import.py: the seed's API, made PRIVATE and given its "
    "endpoint by update-rest-api as the console does",
    "private-integrations": "check_integrations: get-method of every route (mock, VPC link, "
    "target, streaming), get-vpc-link; test_missing_vpc_link_fails_the_deploy",
}


def test_every_patch_is_covered_and_documented() -> None:
    names = [name for name, _ in moto_compat.PATCHES]
    assert sorted(names) == sorted(COVERED_BY)
    readme = " ".join(docs_text().split())
    assert f"moto {moto_compat.MOTO_VERSION}" in readme
    for name, reason in moto_compat.PATCHES:
        assert f"`{name}`" in readme, name
        assert reason in readme, name


def test_pinned_to_the_moto_version_it_was_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    assert moto.__version__ == moto_compat.MOTO_VERSION
    monkeypatch.setattr(moto, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match=r"written for moto 5\.2\.5, not 9\.9\.9"):
        moto_compat.apply()


def test_dependency_order_follows_refs_getatts_subs_and_depends_on() -> None:
    resources = {
        "Stage": {"Properties": {"DeploymentId": {"Ref": "Deployment"}}},
        "Deployment": {"DependsOn": ["Method"], "Properties": {"RestApiId": {"Ref": "Api"}}},
        "Method": {"Properties": {"Uri": {"Fn::Sub": "x/${Function.Arn}/y"}}},
        "Function": {"Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
        "Role": {"Properties": {}},
        "Api": {"Properties": {}},
    }
    order = moto_compat.change_sets._dependency_order(resources)
    assert set(order) == set(resources)
    for before, after in [
        ("Role", "Function"),
        ("Function", "Method"),
        ("Method", "Deployment"),
        ("Api", "Deployment"),
        ("Deployment", "Stage"),
    ]:
        assert order.index(before) < order.index(after), (before, after)


def test_the_test_extras_pin_exactly_the_guarded_version() -> None:
    setup = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    assert f"moto[server]=={moto_compat.MOTO_VERSION}\n" in setup


def test_one_module_per_patch_each_naming_what_it_replaces() -> None:
    package = ROOT / "tests" / "support" / "localaws" / "moto_compat"
    modules = sorted(p for p in package.glob("*.py") if p.stem not in ("__init__", "registry"))
    assert len(modules) == len(moto_compat.PATCHES)
    for module in modules:
        text = module.read_text(encoding="utf-8")
        assert text.startswith('"""Replaces: moto 5.2.5 moto/'), module.name
        assert text.count("@patch(") == 1, module.name


def test_openapi_integrations_come_back_in_cloudformation_casing() -> None:
    from tests.support.localaws.moto_compat.private_integrations import from_openapi  # noqa: PLC0415

    mock = {
        "type": "mock",
        "passthroughBehavior": "never",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200", "responseTemplates": {"a/b": "x"}}},
    }
    assert from_openapi(mock) == {
        "Type": "MOCK",
        "PassthroughBehavior": "NEVER",
        "RequestTemplates": {"application/json": '{"statusCode": 200}'},
        "IntegrationResponses": [{"StatusCode": "200", "ResponseTemplates": {"a/b": "x"}}],
    }
    proxy = {"type": "http_proxy", "httpMethod": "ANY", "connectionId": "abc12"}
    assert from_openapi(proxy) == {
        "Type": "HTTP_PROXY",
        "IntegrationHttpMethod": "ANY",
        "ConnectionId": "abc12",
    }


class _Links:
    def __init__(self, *ids: str) -> None:
        self.vpc_links = dict.fromkeys(ids)


@pytest.mark.parametrize(
    ("integration", "refusal"),
    [
        ({"ConnectionType": "VPC_LINK", "ConnectionId": "nope1"}, "Invalid VPC link identifier"),
        ({"ConnectionType": "VPC_LINK", "ConnectionId": "v2abc"}, "requires an integration target"),
        (
            {"ConnectionType": "VPC_LINK", "ConnectionId": "v1abc", "IntegrationTarget": "arn:x"},
            "only allowed with a VPC link V2",
        ),
    ],
)
def test_vpc_link_integrations_are_checked_as_aws_does(
    integration: dict[str, str], refusal: str
) -> None:
    from tests.support.localaws.moto_compat.private_integrations import check_connection  # noqa: PLC0415

    with pytest.raises(Exception, match=refusal):
        check_connection(_Links("v1abc"), _Links("v2abc"), integration)
    check_connection(_Links("v1abc"), _Links("v2abc"), {"ConnectionType": "INTERNET"})
    check_connection(
        _Links("v1abc"),
        _Links("v2abc"),
        {"ConnectionType": "VPC_LINK", "ConnectionId": "v2abc", "IntegrationTarget": "arn:x"},
    )
