"""A template each privgw rule refuses and one it passes, for the rules reference. Each pair
is linted when the page is printed: a pair the rule does not tell apart stops the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Example:
    failing: str
    passing: str


_VPCE = "vpce-0a1b2c3d4e5f60718"


def _policy(principal: str = '"*"') -> str:
    """A deny-by-default resource policy (privgw's shape) as a template's Policy property."""
    return f"""\
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {principal}
            Action: execute-api:Invoke
            Resource: execute-api:/*
          - Effect: Deny
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
            Condition:
              StringNotEquals:
                aws:SourceVpce: {_VPCE}
"""


def _rest_api(policy: str) -> str:
    return f"""\
Resources:
  RestApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
      EndpointConfiguration:
        Types: [PRIVATE]
        VpcEndpointIds: [{_VPCE}]
{policy}"""


_API = _rest_api(_policy())

_ALLOW_ONLY = _API.split("          - Effect: Deny", 1)[0]

_ENDPOINT = """\
  Endpoint{n}:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Interface
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.execute-api
      VpcId: vpc-0a1b2c3d4e5f67890
      SubnetIds: [subnet-0a1b2c3d4e5f67891]
      PrivateDnsEnabled: {dns}
"""

_PERMISSION = """\
  InvokePermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: orders
      Principal: apigateway.amazonaws.com
"""

_DOMAIN = """\
  CustomDomain:
    Type: AWS::ApiGateway::DomainNameV2
    Properties:
      DomainName: orders.internal.example.com
      CertificateArn: arn:aws:acm:us-east-1:111122223333:certificate/abc
      EndpointConfiguration:
        Types: [PRIVATE]
"""

_DOMAIN_POLICY = _policy()

_METHOD = """\
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref RestApi
      ResourceId: !GetAtt RestApi.RootResourceId
      HttpMethod: GET
      AuthorizationType: {auth}
      Integration:
        Type: MOCK
"""

_PRINCIPALS = _rest_api(_policy("{AWS: arn:aws:iam::444455556666:role/caller}"))

EXAMPLES: dict[str, Example] = {
    "E9101": Example(_rest_api(""), _API),
    "E9102": Example(_ALLOW_ONLY, _API),
    "E9103": Example(
        _API.replace(
            "            Resource: execute-api:/*\n          - Effect: Deny",
            "            Resource: execute-api:/*\n            Condition:\n"
            "              IpAddress:\n                aws:SourceIp: 10.0.0.0/16\n"
            "          - Effect: Deny",
            1,
        ),
        _API,
    ),
    "E9104": Example(
        _API.replace(
            "        Types: [PRIVATE]\n", "        Types: [PRIVATE]\n        IpAddressType: ipv4\n"
        ),
        _API.replace(
            "        Types: [PRIVATE]\n",
            "        Types: [PRIVATE]\n        IpAddressType: dualstack\n",
        ),
    ),
    "E9105": Example(
        _API + _ENDPOINT.format(n="A", dns="true") + _ENDPOINT.format(n="B", dns="true"),
        _API + _ENDPOINT.format(n="A", dns="true") + _ENDPOINT.format(n="B", dns="false"),
    ),
    "W9106": Example(
        _API.replace(
            "            Resource: execute-api:/*\n          - Effect: Deny",
            "            Resource: execute-api:/*\n            Condition:\n"
            '              DateLessThan:\n                aws:CurrentTime: "2030-01-01T00:00:00Z"\n'
            "          - Effect: Deny",
            1,
        ),
        _API,
    ),
    "E9107": Example(
        _API.replace(f"aws:SourceVpce: {_VPCE}", "aws:SourceVpce: vpce-0123456789abcdef0"), _API
    ),
    "W9108": Example(
        _PRINCIPALS + _METHOD.format(auth="NONE"), _PRINCIPALS + _METHOD.format(auth="AWS_IAM")
    ),
    "E9109": Example(
        _API + _PERMISSION,
        _API
        + _PERMISSION
        + "      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:"
        "${AWS::AccountId}:${RestApi}/*\n",
    ),
    "E9110": Example(_API + _DOMAIN, _API + _DOMAIN + _DOMAIN_POLICY),
}


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags, as the examples write them."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)  # type: ignore[arg-type]
    return {name: value}


_Loader.add_multi_constructor("!", _tag)


def checked(rule: str, example: Example) -> tuple[str, str]:
    """What the rule says of each template: the failing one's finding, the passing one's
    silence; a pair the rule does not tell apart raises."""
    from privgw.checks import template_findings  # noqa: PLC0415

    said = []
    for text, should_fire in ((example.failing, True), (example.passing, False)):
        template = yaml.load(text, Loader=_Loader)
        found = [f.message for f in template_findings(template) if f.rule == rule]
        if bool(found) != should_fire:
            state = "does not find" if should_fire else "finds"
            raise AssertionError(
                f"{rule} {state} its {'failing' if should_fire else 'passing'} example"
            )
        said.append(f"{rule}: {found[0]}" if found else f"no {rule} finding")
    return said[0], said[1]
