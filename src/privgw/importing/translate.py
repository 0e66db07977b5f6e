"""A snapshot of a live private API (``live``) as the privgw config that describes it, and the
report of what that config cannot say, each line naming the AWS field and why.

The config keeps what runs where it runs: the API's VPC endpoints as ``endpoint.existing_ids``
(privgw does not create a second endpoint beside them) and its Lambda functions as
``existing_functions`` (their code stays where it is). Deploying it builds a new stack beside
the old API; the report says what changes, holes first.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from privgw.evaluate import ApiArn
from privgw.importing.cors import read_cors
from privgw.importing.live import Snapshot
from privgw.importing.policy import PolicyReading, compare, parse_policy, read_policy
from privgw.importing.routes import Targets, config_name, read_routes, throttle

_OPEN = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))


def api_arn(snapshot: Snapshot) -> ApiArn:
    """The API's ARN parts: the account from its policy's resources, else from its
    endpoints' owner (the evaluator matches the policy's resources against it)."""
    api = snapshot["api"]
    found = re.search(
        rf"arn:(aws[a-z-]*):execute-api:([a-z0-9-]+):(\d{{12}}):{re.escape(api['id'])}",
        str(api.get("policy") or "").replace("\\", ""),
    )
    if found:
        return ApiArn(api["id"], found.group(2), found.group(3), found.group(1))
    owners = [e.get("OwnerId") for e in snapshot.get("endpoints", []) if e.get("OwnerId")]
    return ApiArn(
        api["id"], snapshot.get("region", "us-east-1"), owners[0] if owners else "000000000000"
    )


def _name(text: str) -> str:
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    name = "-".join(words)[:63].strip("-")
    return name if name[:1].isalpha() else f"api-{name}"[:63].strip("-")


def _open_groups(snapshot: Snapshot) -> list[str]:
    """A HOLE line per endpoint security group that admits the whole internet on 443."""
    lines = []
    for group in snapshot.get("security_groups", []):
        for rule in group.get("IpPermissions", []):
            protocol = str(rule.get("IpProtocol"))
            low, high = rule.get("FromPort", 0), rule.get("ToPort", 65535)
            if protocol not in ("-1", "tcp", "6") or (
                protocol != "-1" and not (low <= 443 <= high)
            ):
                continue
            ranges = [r.get("CidrIp") for r in rule.get("IpRanges", [])]
            ranges += [r.get("CidrIpv6") for r in rule.get("Ipv6Ranges", [])]
            for cidr in ranges:
                if cidr and ipaddress.ip_network(cidr, strict=False) in _OPEN:
                    lines.append(
                        f"security group {group['GroupId']}: HOLE: admits {cidr} on port 443 "
                        "of the API's endpoint; narrow it to the callers' CIDRs (an endpoint "
                        "privgw creates admits only network.allowed_cidrs)"
                    )
    return lines


def _stage(stage: Mapping[str, Any] | None, report: list[str]) -> dict[str, Any]:
    if stage is None:
        report.append("stage: the API has no stage, so nothing can call it; the config adds v1")
        return {}
    settings: dict[str, Any] = {"name": stage["stageName"]}
    everywhere = (stage.get("methodSettings") or {}).get("*/*") or {}
    if everywhere.get("metricsEnabled"):
        settings["metrics"] = True
    level = everywhere.get("loggingLevel")
    if level in ("ERROR", "INFO"):
        settings["logging_level"] = level
    pair = throttle(
        everywhere.get("throttlingRateLimit"),
        everywhere.get("throttlingBurstLimit"),
        "stage throttling",
        report,
    )
    if pair is not None:
        settings["throttling_rate_limit"], settings["throttling_burst_limit"] = pair
    if everywhere.get("dataTraceEnabled"):
        settings["data_trace"] = settings["allow_body_logging"] = True
        report.append(
            "stage dataTraceEnabled: on, so CloudWatch holds request and response bodies; "
            "carried (data_trace with allow_body_logging): turn both off unless needed"
        )
    if stage.get("cacheClusterEnabled"):
        size = str(stage.get("cacheClusterSize", "0.5"))
        settings["cache"] = {
            "size": size,
            "encrypted": bool(everywhere.get("cacheDataEncrypted", False)),
        }
    if not stage.get("tracingEnabled"):
        report.append(
            "stage tracingEnabled: off; the config turns X-Ray tracing on (privgw's default; "
            "stage.tracing: false keeps it off)"
        )
    if not stage.get("accessLogSettings"):
        report.append(
            "stage accessLogSettings: none; the config writes access logs to a log group of "
            "its own (privgw's default; stage.access_logging: false keeps them off)"
        )
    else:
        report.append(
            f"stage accessLogSettings: logs went to "
            f"{stage['accessLogSettings'].get('destinationArn')}; the config's go to a log "
            "group the stack creates"
        )
    for name in sorted(stage.get("variables") or {}):
        report.append(f"stage variables.{name}: not carried (privgw has no stage variables)")
    return settings


def _consumers(snapshot: Snapshot, report: list[str], api_name: str) -> dict[str, Any]:
    """Each usage plan of the API as a consumer, named as its plan without the API's name
    (privgw names a consumer's plan ``<api>-<consumer>``)."""
    consumers: dict[str, Any] = {}
    for plan in snapshot.get("usage_plans", []):
        plan_name = str(plan.get("name") or plan["id"])
        name = config_name(plan_name.removeprefix(f"{api_name}-") or plan_name, set(consumers))
        consumer: dict[str, Any] = {}
        if plan.get("description"):
            consumer["description"] = str(plan["description"])[:256]
        limits = plan.get("throttle") or {}
        pair = throttle(
            limits.get("rateLimit"),
            limits.get("burstLimit"),
            f"usage plan {plan_name} throttle",
            report,
        )
        if pair is not None:
            consumer["throttle"] = {"rate": pair[0], "burst": pair[1]}
        quota = plan.get("quota") or {}
        if quota.get("limit") is not None:
            consumer["quota"] = {"limit": quota["limit"], "period": quota.get("period", "DAY")}
        consumers[name] = consumer
        keys = ", ".join(plan.get("keys") or []) or "none"
        report.append(
            f"usage plan {plan.get('name')} ({plan['id']}): consumer {name}; its keys ({keys}) "
            "stay with the old plan: the stack creates a new key for the consumer (key values "
            "are never read)"
        )
    return consumers


def _access(reading: PolicyReading) -> dict[str, Any]:
    access: dict[str, Any] = {}
    if reading.vpc_ids:
        access["vpc_ids"] = reading.vpc_ids
    if reading.source_cidrs:
        access["source_cidrs"] = reading.source_cidrs
    if reading.principals:
        access["iam_principals"] = reading.principals
    return access


def _function_notes(snapshot: Snapshot, targets: Targets) -> list[str]:
    lines = []
    for name, existing in sorted(targets.existing_functions.items()):
        fn = snapshot.get("functions", {}).get(existing["arn"], {})
        if not fn:
            continue
        vpc = (fn.get("VpcConfig") or {}).get("SubnetIds")
        variables = sorted((fn.get("Environment") or {}).get("Variables") or {})
        settings = (
            f"{fn.get('Runtime', fn.get('PackageType'))}, handler {fn.get('Handler')}, "
            f"{fn.get('MemorySize')} MB, {fn.get('Timeout')} s"
            + (f", in subnets {', '.join(vpc)}" if vpc else "")
            + (f", environment {', '.join(variables)}" if variables else "")
        )
        policies = ", ".join(fn.get("RolePolicies") or []) or "none"
        lines.append(
            f"function {fn.get('FunctionName')}: existing_functions.{name} ({settings}); its "
            f"code and role ({fn.get('Role')}; policies: {policies}) stay as they are"
        )
    return lines


@dataclass(frozen=True)
class LivePolicy:
    """The live resource policy as read once: its document, its reading, the API's ARN."""

    document: dict[str, Any] | None
    reading: PolicyReading
    arn: ApiArn

    def differences(self, built: Mapping[str, Any], endpoint_ids: list[str]) -> list[str]:
        """How the live policy and ``built`` (the config's) decide calls differently."""
        return compare(self.document, built, self.reading, endpoint_ids, self.arn)


def translate(snapshot: Snapshot) -> tuple[dict[str, Any], list[str], LivePolicy]:
    """The config describing the live API in ``snapshot``, the report lines, and the live
    policy (for the comparison once the config is built)."""
    api = snapshot["api"]
    arn = api_arn(snapshot)
    live_policy = parse_policy(api.get("policy"))
    reading = read_policy(live_policy, arn)
    listed = sorted((api.get("endpointConfiguration") or {}).get("vpcEndpointIds") or [])
    report = [*reading.report, *_open_groups(snapshot)]
    targets = Targets(read=snapshot.get("functions", {}), api=arn)
    routes = read_routes(snapshot, targets)
    config: dict[str, Any] = {"name": _name(str(api.get("name") or api["id"]))}
    if api.get("description"):
        config["description"] = str(api["description"])[:1024]
    tags = {  # AWS's own (aws:...) and privgw's (privgw:api, which the stack sets again) aside
        str(k): str(v)
        for k, v in sorted((api.get("tags") or {}).items())
        if not str(k).startswith(("aws:", "privgw:"))
    }
    if tags:
        config["tags"] = tags
    endpoint_ids = sorted({*listed, *reading.endpoint_ids})
    for vpce in sorted(set(reading.endpoint_ids) - set(listed)):
        report.append(
            f"endpointConfiguration vpcEndpointIds: lacks {vpce}, which the policy admits; the "
            "config lists it in both (endpoint.existing_ids), so the new API also answers its "
            "endpoint-specific alias name"
        )
    config["endpoint"] = {"create": False, "existing_ids": endpoint_ids}
    access = _access(reading)
    if access:
        config["access"] = access
    for existing in targets.existing_functions.values():  # the default is left unsaid
        if existing.get("integration_timeout_ms") == 29000:
            del existing["integration_timeout_ms"]
    sections = {
        "existing_functions": targets.existing_functions,
        "backends": targets.backends,
        "services": targets.services,
    }
    config.update({section: named for section, named in sections.items() if named})
    routes, cors = read_cors(routes, targets.report)
    config["routes"] = routes
    if cors is not None:
        config["cors"] = cors
    report += targets.report
    stage = _stage(snapshot.get("stage"), report)
    if stage:
        config["stage"] = stage
    binary = sorted(str(t).replace("~1", "/") for t in api.get("binaryMediaTypes") or [])
    if binary:
        config["binary_media_types"] = binary
    consumers = _consumers(snapshot, report, config["name"])
    if consumers and not any(r.get("api_key_required") for r in routes):
        report.append(  # a plan's throttle and quota count per key: with no key asked, none
            f"usage plans ({', '.join(sorted(consumers))}): left out: no method requires an "
            "API key, so their throttles and quotas apply to no call"
        )
    elif consumers:
        config["consumers"] = consumers
    report += _function_notes(snapshot, targets)
    domain = _custom_domain(snapshot, config.get("stage", {}).get("name"), report)
    if domain:
        config["custom_domain"] = domain
    responses = _gateway_responses(snapshot, report, cors)
    if responses:
        config["gateway_responses"] = responses
    return config, report, LivePolicy(live_policy, reading, arn)


def _custom_domain(snapshot: Snapshot, stage: str | None, report: list[str]) -> dict[str, Any]:
    """The private custom domain name mapped to the API (one; others reported)."""
    found: dict[str, Any] = {}
    for index, domain in enumerate(snapshot.get("domains", [])):
        name = domain["domainName"]
        mappings = domain.get("mappings") or []
        if index > 0 or len(mappings) > 1:
            report.append(
                f"custom domain {name}: {'another domain' if index else 'a second mapping'} "
                "of the API; not carried (the config has one custom domain and one base path)"
            )
            continue
        mapping = mappings[0]
        if mapping.get("stage") != stage:
            report.append(
                f"custom domain {name}: maps stage {mapping.get('stage')}, not the config's "
                f"{stage}; the config maps its own stage"
            )
        settings: dict[str, Any] = {"name": name, "certificate_arn": domain.get("certificateArn")}
        base = str(mapping.get("basePath") or "(none)")
        if base != "(none)":
            settings["base_path"] = base
        report.append(
            f"custom domain {name}: the config's stack creates its own private domain name of "
            "that name (a new domain name id), its policy and mapping; access associations of "
            "callers name the old one's ARN"
        )
        found = settings
    return found


def _gateway_responses(
    snapshot: Snapshot, report: list[str], cors: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The customised gateway responses as the config's own answers; privgw's defaults
    (which it writes anyway) are left out, and so are the CORS headers ``cors`` adds."""
    added = {}
    if cors is not None:
        added["Access-Control-Allow-Origin"] = cors["allow_origins"][0]
        if cors.get("allow_credentials"):
            added["Access-Control-Allow-Credentials"] = "true"
    from privgw.resources.responses import (  # noqa: PLC0415 - the builders load on use
        AUTHORIZER_RESPONSES,
        DEFAULT_RESPONSES,
    )

    defaults = {**DEFAULT_RESPONSES, **AUTHORIZER_RESPONSES}
    found: dict[str, Any] = {}
    for response in sorted(
        snapshot.get("gateway_responses", []), key=lambda r: str(r.get("responseType"))
    ):
        kind = str(response.get("responseType"))
        if response.get("defaultResponse", True):
            continue
        where = f"gateway response {kind}"
        templates = response.get("responseTemplates") or {}
        headers = {}
        for key, value in sorted((response.get("responseParameters") or {}).items()):
            static = re.fullmatch(r"'(.*)'", str(value), re.DOTALL)
            if not key.startswith("gatewayresponse.header.") or static is None:
                report.append(f"{where}: maps {key} from {value}; not carried (static only)")
                continue
            header = key.removeprefix("gatewayresponse.header.")
            if added.get(header) != static.group(1):
                headers[header] = static.group(1)
        if len(templates) > 1:
            report.append(f"{where}: answers in {len(templates)} content types; not carried")
            continue
        settings: dict[str, Any] = {}
        if response.get("statusCode"):
            settings["status"] = int(response["statusCode"])
        for content_type, body in templates.items():
            settings["content_type"], settings["body"] = str(content_type), str(body or "")
        if headers:
            settings["headers"] = headers
        if kind in defaults and settings == {
            "status": defaults[kind][0],
            "content_type": "application/json",
            "body": defaults[kind][1],
        }:
            continue  # privgw's own answer, which the config gets anyway
        found[kind] = settings
    return found
