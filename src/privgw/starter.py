"""``privgw init``: a starter config that builds lint-clean as written.

A newcomer's first config is the hardest: which keys, which values, what a VPC endpoint
needs. The starter is one of each kind (an API, an endpoint stack, a consumer), commented
line by line, with the editor schema line on top. Values privgw cannot know (the VPC, its
subnets and CIDRs, a provider's domain) are either read from the VPC (boto3, read-only
``ec2:DescribeVpcs`` and ``ec2:DescribeSubnets``) or written as placeholders that validate,
each marked ``REPLACE``, so ``privgw build`` works at once and ``grep REPLACE`` lists what is
left to fill in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KINDS = ("api", "endpoint", "consumer")

#: Placeholders that pass validation and cannot be mistaken for real ids.
PLACEHOLDER_VPC = "vpc-00000000000000000"
PLACEHOLDER_SUBNETS = ("subnet-00000000000000001", "subnet-00000000000000002")
PLACEHOLDER_CIDRS = ("10.0.0.0/16",)
MARK = "  # REPLACE: "


@dataclass
class Network:
    """The VPC the starter names, and whether each value is real or a placeholder."""

    vpc_id: str = PLACEHOLDER_VPC
    subnet_ids: list[str] = field(default_factory=lambda: list(PLACEHOLDER_SUBNETS))
    cidrs: list[str] = field(default_factory=lambda: list(PLACEHOLDER_CIDRS))
    placeholders: set[str] = field(default_factory=lambda: {"vpc", "subnets", "cidrs"})
    source: str = ""


def read_network(
    vpc_id: str, client: Callable[[str], Any], progress: Callable[[str], None]
) -> Network:
    """The VPC's CIDRs and one subnet per Availability Zone (the lowest id in each), read
    with ``client`` (an EC2 client factory); an interface endpoint puts one network
    interface in each subnet it is given, and two zones keep it up when one is down."""
    from privgw.aws import aws_errors, describe_failure  # noqa: PLC0415 - boto3 only here

    ec2 = client("ec2")
    progress(f"reading VPC {vpc_id}")
    try:
        vpcs = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    except aws_errors() as exc:
        raise describe_failure(exc, f"describe VPC {vpc_id}") from None
    cidrs = sorted(
        {
            a["CidrBlock"]
            for v in vpcs
            for a in v.get("CidrBlockAssociationSet") or [{"CidrBlock": v["CidrBlock"]}]
            if (a.get("CidrBlockState") or {}).get("State", "associated") == "associated"
        }
    )
    by_zone: dict[str, str] = {}
    for subnet in sorted(subnets, key=lambda s: str(s["SubnetId"])):
        by_zone.setdefault(str(subnet.get("AvailabilityZone")), str(subnet["SubnetId"]))
    found = Network(vpc_id, sorted(by_zone.values())[:3], cidrs, set(), f"read from {vpc_id}")
    if not found.subnet_ids:
        found.subnet_ids, found.placeholders = list(PLACEHOLDER_SUBNETS), {"subnets"}
    return found


def _list(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _network_lines(net: Network, cidr_note: str) -> list[str]:
    def mark(what: str, text: str) -> str:
        return MARK + text if what in net.placeholders else ""

    return [
        "network:",
        f"  vpc_id: {net.vpc_id}" + mark("vpc", "your VPC's id"),
        f"  subnet_ids: {_list(net.subnet_ids)}"
        + mark("subnets", "subnets of that VPC, one per Availability Zone"),
        f"  allowed_cidrs: {_list(net.cidrs)}" + mark("cidrs", cidr_note),
    ]


_HANDLER = '''\
    inline: |
      import json


      def handler(event, context):
          """Answer with a greeting and the endpoint the call came through."""
          identity = (event.get("requestContext") or {}).get("identity") or {}
          body = {"message": "Hello from a private API", "vpce": identity.get("vpceId")}
          return {
              "statusCode": 200,
              "headers": {"Content-Type": "application/json"},
              "body": json.dumps(body),
          }'''


def _api(name: str, net: Network) -> list[str]:
    return [
        f"# {name}: a private REST API (GET /hello on one Lambda function), callable only",
        "# through an execute-api VPC endpoint of the VPC below, which the stack creates.",
        "name: " + name,
        f"description: Private API {name}",
        *_network_lines(net, "the CIDRs that may call: the VPC's, and peered ones"),
        "function:  # the Lambda function behind every route (functions: for several)",
        "  runtime: python3.13",
        "  handler: index.handler",
        "  memory: 128",
        "  timeout: 5",
        "  code:  # or path: a folder, zipped at build time",
        _HANDLER,
        "routes:  # METHOD /path; a route may also name its target, auth, throttling ...",
        "  - GET /hello",
    ]


def _endpoint(name: str, net: Network) -> list[str]:
    return [
        f"# {name}: an execute-api VPC endpoint (and its security group) that API stacks",
        "# share: each names it with endpoint.import_from.",
        "kind: endpoint",
        "name: " + name,
        f"description: Shared execute-api endpoint {name}",
        *_network_lines(net, "the CIDRs that may reach the endpoint on port 443"),
        "private_dns: true  # public execute-api names in this VPC resolve to the endpoint",
    ]


def _consumer(name: str, net: Network) -> list[str]:
    return [
        f"# {name}: this account's way in to another account's private API: an endpoint",
        "# here, its access association with the provider's shared domain name, and a private",
        "# hosted zone that makes the domain resolve to the endpoint.",
        "kind: consumer",
        "name: " + name,
        f"description: Consumer {name} of a private API in another account",
        *_network_lines(net, "the CIDRs that may call through the endpoint"),
        "provider:  # what the provider's privgw build prints as its consumer outputs",
        "  domain_name_arn: arn:aws:apigateway:eu-west-1:111122223333:/domainnames/"
        "api.example.com+a1b2c3d4e5" + MARK + "the provider's domain name ARN",
        "  domain_name: api.example.com" + MARK + "the provider's private domain name",
        "  api_id: a1b2c3d4e5" + MARK + "the provider's API id",
        "  region: eu-west-1" + MARK + "the provider's region",
    ]


BUILDERS: dict[str, Callable[[str, Network], list[str]]] = {
    "api": _api,
    "endpoint": _endpoint,
    "consumer": _consumer,
}


def starter(name: str, kind: str, net: Network, schema: str, file: str) -> str:
    """The starter config's text (for ``file``): the header, then the kind's keys,
    commented."""
    lines = BUILDERS[kind](name, net)
    head = [lines[0], *[line for line in lines[1:] if line.startswith("#")]]
    body = [line for line in lines[1:] if not line.startswith("#")]
    notes = [
        f"# Written by `privgw init`. Build it: privgw build {file}",
    ]
    if net.placeholders:
        notes.append("# Values marked REPLACE are placeholders: the config builds, but deploy")
        notes.append("# needs your own (grep REPLACE).")
    if net.source:
        notes.append(f"# Network {net.source}.")
    return "\n".join([*head, *notes, f"# yaml-language-server: $schema={schema}", *body]) + "\n"
