"""A running private REST API read back from AWS into plain data (a "snapshot"): the API, its
resources and methods, the stage, authorizers, validators, models, gateway responses, usage
plans (key names, never values), the VPC endpoints it lists with their security groups, the
Lambda functions its integrations invoke, and the custom domains mapped to it.

Reading is kept apart from translating (``translate``), so what a snapshot means is tested
without AWS, and the snapshot of a real API can be saved and replayed. Each call is one of
the read-only API Gateway, Lambda and EC2 calls a read-only IAM policy allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from privgw.aws import AwsError, aws_client, aws_errors, describe_failure

Snapshot = dict[str, Any]
Progress = Callable[[str], None]

#: A Lambda function invoked by an integration URI (proxy or authorizer).
_FUNCTION_IN_URI = re.compile(
    r"functions/(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9$_-]+)?)/invocations"
)


def _clean(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item of a paginated list call."""
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items += page.get(key, [])
    return items


def functions_in(uri: Any) -> list[str]:
    """The Lambda function ARNs an integration or authorizer URI invokes."""
    return _FUNCTION_IN_URI.findall(str(uri or ""))


class LiveReader:
    """The clients of one account and region, and what is asked of them."""

    def __init__(
        self,
        region: str | None,
        endpoint_url: str | None,
        profile: str | None,
        progress: Progress,
    ) -> None:
        self.apigw = aws_client("apigateway", region, endpoint_url, profile)
        self.lam = aws_client("lambda", region, endpoint_url, profile)
        self.ec2 = aws_client("ec2", region, endpoint_url, profile)
        self.iam = aws_client("iam", region, endpoint_url, profile)
        self.region: str = self.apigw.meta.region_name
        self.progress = progress

    def _ask(self, what: str, call: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except aws_errors() as exc:
            raise describe_failure(exc, what) from None

    def read(self, api_id: str, stage: str | None) -> Snapshot:
        """Everything ``translate`` needs about API ``api_id`` (and ``stage``, else its only
        stage)."""
        api = self._api(api_id)
        snapshot: Snapshot = {"region": self.region, "api": api}
        self.progress(f"reading API {api_id} ({api.get('name')})")
        resources = self._ask(
            f"list the resources of API {api_id}",
            _pages,
            self.apigw,
            "get_resources",
            "items",
            restApiId=api_id,
        )
        methods = sum(len(r.get("resourceMethods") or {}) for r in resources)
        self.progress(f"reading {methods} methods on {len(resources)} resources")
        for resource in resources:
            for verb in sorted(resource.get("resourceMethods") or {}):
                resource["resourceMethods"][verb] = _clean(
                    self._ask(
                        f"read {verb} {resource['path']}",
                        self.apigw.get_method,
                        restApiId=api_id,
                        resourceId=resource["id"],
                        httpMethod=verb,
                    )
                )
        snapshot["resources"] = sorted(resources, key=lambda r: r["path"])
        snapshot["stage"] = self._stage(api_id, stage)
        lists = {
            "authorizers": ("get_authorizers", "items"),
            "validators": ("get_request_validators", "items"),
            "models": ("get_models", "items"),
            "gateway_responses": ("get_gateway_responses", "items"),
        }
        for key, (operation, field) in lists.items():
            snapshot[key] = self._ask(
                f"list the {key.replace('_', ' ')} of API {api_id}",
                _pages,
                self.apigw,
                operation,
                field,
                restApiId=api_id,
            )
        snapshot["usage_plans"] = self._usage_plans(api_id)
        snapshot["functions"] = self._functions(snapshot)
        snapshot["endpoints"], snapshot["security_groups"] = self._endpoints(api)
        snapshot["domains"] = self._domains(api_id)
        return snapshot

    def _domains(self, api_id: str) -> list[dict[str, Any]]:
        """The private custom domain names with a base path mapping to this API."""
        domains = self._ask(
            "list custom domain names", _pages, self.apigw, "get_domain_names", "items"
        )
        found = []
        for domain in sorted(domains, key=lambda d: (d["domainName"], d.get("domainNameId", ""))):
            if "PRIVATE" not in ((domain.get("endpointConfiguration") or {}).get("types") or []):
                continue
            which = {"domainName": domain["domainName"]}
            if domain.get("domainNameId"):
                which["domainNameId"] = domain["domainNameId"]
            mappings = self._ask(
                f"list the base path mappings of {domain['domainName']}",
                _pages,
                self.apigw,
                "get_base_path_mappings",
                "items",
                **which,
            )
            mine = [m for m in mappings if m.get("restApiId") == api_id]
            if mine:
                keep = ("domainName", "domainNameId", "certificateArn", "securityPolicy")
                found.append({**{k: domain[k] for k in keep if k in domain}, "mappings": mine})
        return found

    def _api(self, api_id: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError  # noqa: PLC0415

        try:
            api = _clean(self.apigw.get_rest_api(restApiId=api_id))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NotFoundException":
                raise AwsError(
                    f"there is no REST API {api_id} in {self.region} (`aws apigateway "
                    "get-rest-apis` lists them; HTTP APIs are not REST APIs)"
                ) from None
            raise describe_failure(exc, f"read API {api_id}") from None
        except aws_errors() as exc:
            raise describe_failure(exc, f"read API {api_id}") from None
        types = (api.get("endpointConfiguration") or {}).get("types") or []
        if "PRIVATE" not in types:
            raise AwsError(
                f"API {api_id} ({api.get('name')}) is {', '.join(types) or 'of no type'}, not "
                "PRIVATE: privgw imports private REST APIs"
            )
        return api

    def _stage(self, api_id: str, wanted: str | None) -> dict[str, Any] | None:
        stages = self._ask(
            f"list the stages of API {api_id}", self.apigw.get_stages, restApiId=api_id
        ).get("item", [])
        names = sorted(s["stageName"] for s in stages)
        if wanted is None:
            if len(names) > 1:
                raise AwsError(
                    f"API {api_id} has {len(names)} stages ({', '.join(names)}): name one "
                    "with --stage"
                )
            wanted = names[0] if names else None
        if wanted is None:
            return None
        if wanted not in names:
            raise AwsError(
                f"API {api_id} has no stage {wanted} (its stages: {', '.join(names) or 'none'})"
            )
        stage = next(s for s in stages if s["stageName"] == wanted)
        return {k: v for k, v in stage.items() if k not in ("createdDate", "lastUpdatedDate")}

    def _usage_plans(self, api_id: str) -> list[dict[str, Any]]:
        plans = self._ask("list usage plans", _pages, self.apigw, "get_usage_plans", "items")
        mine = []
        for plan in plans:
            if not any(s.get("apiId") == api_id for s in plan.get("apiStages") or []):
                continue
            keys = self._ask(
                f"list the keys of usage plan {plan['id']}",
                _pages,
                self.apigw,
                "get_usage_plan_keys",
                "items",
                usagePlanId=plan["id"],
            )
            plan["keys"] = sorted(k.get("name") or k["id"] for k in keys)  # never a key's value
            mine.append(plan)
        return sorted(mine, key=lambda p: str(p.get("name")))

    def _functions(self, snapshot: Snapshot) -> dict[str, Any]:
        arns: set[str] = set()
        for resource in snapshot["resources"]:
            for method in (resource.get("resourceMethods") or {}).values():
                arns.update(functions_in((method.get("methodIntegration") or {}).get("uri")))
        for authorizer in snapshot["authorizers"]:
            arns.update(functions_in(authorizer.get("authorizerUri")))
        found = {}
        for arn in sorted(arns):
            self.progress(f"reading function {arn.split(':function:')[1]}")
            read = self._ask(f"read function {arn}", self.lam.get_function, FunctionName=arn)
            found[arn] = {**read.get("Configuration", {}), "Tags": read.get("Tags") or {}}
            found[arn]["CodeLocation"] = (read.get("Code") or {}).get("Location")
            found[arn]["RolePolicies"] = self._role_policies(str(found[arn].get("Role", "")))
        return found

    def _role_policies(self, role_arn: str) -> list[str]:
        """The names of the policies of a function's role (attached and inline), for the
        report: what the function may do is its role's business, not the config's."""
        role = role_arn.rsplit("/", 1)[-1]
        if not role:
            return []
        attached = self._ask(
            f"list the policies of role {role}",
            _pages,
            self.iam,
            "list_attached_role_policies",
            "AttachedPolicies",
            RoleName=role,
        )
        inline = self._ask(
            f"list the inline policies of role {role}",
            _pages,
            self.iam,
            "list_role_policies",
            "PolicyNames",
            RoleName=role,
        )
        return sorted([p["PolicyName"] for p in attached] + [f"{n} (inline)" for n in inline])

    def _endpoints(self, api: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        ids = sorted((api.get("endpointConfiguration") or {}).get("vpcEndpointIds") or [])
        if not ids:
            return [], []
        self.progress(f"reading {len(ids)} VPC endpoints")
        endpoints = []
        for vpce in ids:  # one by one: an endpoint of another account is not described here
            try:
                endpoints += self.ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"]
            except aws_errors() as exc:
                if "NotFound" not in str(exc):
                    raise describe_failure(exc, f"describe VPC endpoint {vpce}") from None
                endpoints.append({"VpcEndpointId": vpce, "Foreign": True})
        groups = sorted({g["GroupId"] for e in endpoints for g in e.get("Groups") or []})
        described = (
            self._ask(
                "describe the endpoints' security groups",
                self.ec2.describe_security_groups,
                GroupIds=groups,
            )["SecurityGroups"]
            if groups
            else []
        )
        keep = ("VpcEndpointId", "VpcId", "SubnetIds", "Groups", "PrivateDnsEnabled", "OwnerId")
        slim = [{k: e[k] for k in (*keep, "Foreign") if k in e} for e in endpoints]
        return sorted(slim, key=lambda e: e["VpcEndpointId"]), sorted(
            described, key=lambda g: g["GroupId"]
        )
