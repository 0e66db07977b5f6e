"""``privgw import --adopt``: the running API brought under a CloudFormation stack without
replacing it.

A stack can take over resources that already run with an IMPORT change set: a template that
says each resource as it runs, each with a ``DeletionPolicy``, and a file naming each logical
id's live identifier (AWS CloudFormation User Guide, "Import AWS resources into a
CloudFormation stack manually"). Then a normal update with the template privgw builds turns
the stack into privgw's: it changes what the config changes, creates what privgw adds, and a
new Deployment carries it all to the stage.

Adopted are the resources the config's template has a live counterpart for, of the types
CloudFormation lists as importable (User Guide, "Resource type support",
resource-import-supported-resources) and ``mirror`` can say as they run: the API, its
resources, methods, stage, authorizers, models and request validators, matched to privgw's
logical ids by what identifies them (path and verb, stage or name). The Deployment is not
adopted on purpose: privgw names a deployment by its content so the stage moves when the API
changes, and the update's changes must reach the stage. Each resource's identifier keys come
from its CloudFormation resource schema (``primaryIdentifier``), as cfn-lint ships it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from privgw.errors import PrivgwError
from privgw.evaluate import resolve
from privgw.importing import mirror
from privgw.importing.live import Snapshot
from privgw.importing.translate import api_arn

#: What the update after the import does with a resource privgw's template has and the
#: import does not adopt, by type: it is created, and this is what that means.
CREATED: dict[str, str] = {
    "AWS::ApiGateway::Deployment": (
        "a new deployment of the adopted API, and the stage moves to it: the update's changes "
        "reach callers (the live deployment stays in the API's history)"
    ),
    "AWS::ApiGateway::GatewayResponse": (
        "written over the API's response of that type (API Gateway keeps one per type)"
    ),
    "AWS::Lambda::Permission": (
        "a new statement in the function's resource policy; a hand-made one for the API stays "
        "until removed (aws lambda remove-permission)"
    ),
    "AWS::Logs::LogGroup": "a new log group",
    "AWS::ApiGateway::UsagePlan": (
        "a new usage plan on the stage beside the live one; move keys over, then delete the old"
    ),
    "AWS::ApiGateway::ApiKey": "a new API key with a new value: callers need it",
    "AWS::ApiGateway::DomainNameV2": (
        "a new private custom domain name: the update fails while the live one of that name "
        "exists in the account; delete it first (or drop custom_domain until you have)"
    ),
}


class AdoptRefused(PrivgwError):
    """An API CloudFormation will not import as it is."""


#: The largest template ``--template-body`` takes; a larger one is read from S3 (AWS
#: CloudFormation User Guide, "CloudFormation quotas": template body size in a request).
TEMPLATE_BODY_LIMIT = 51_200


#: The generated id a Ref to an adopted resource of each type gives (the others' Ref is a
#: name the live resource has: a model's or a stage's).
_OWN_ID = {
    "AWS::ApiGateway::RestApi": "RestApiId",
    "AWS::ApiGateway::Resource": "ResourceId",
    "AWS::ApiGateway::Authorizer": "AuthorizerId",
    "AWS::ApiGateway::RequestValidator": "RequestValidatorId",
}


@dataclass
class Adoption:
    """The IMPORT change set's two files, and what the update after it changes."""

    template: dict[str, Any]
    resources: list[dict[str, Any]]
    report: list[str] = field(default_factory=list)


def _ref(value: Any) -> str | None:
    """The logical id a Ref or GetAtt names."""
    if isinstance(value, Mapping) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" and isinstance(arg, str):
            return arg
        if key == "Fn::GetAtt":
            return str(arg[0] if isinstance(arg, list) else str(arg).split(".")[0])
    return None


def _paths(resources: Mapping[str, Any]) -> dict[str, str]:
    """Each built API Gateway resource (and the RestApi, ``/``) by its logical id, as a path."""
    paths = {k: "/" for k, v in resources.items() if v["Type"] == "AWS::ApiGateway::RestApi"}

    def path(logical: str, seen: frozenset[str]) -> str | None:
        if logical in paths:
            return paths[logical]
        props = resources.get(logical, {}).get("Properties", {})
        parent = _ref(props.get("ParentId"))
        part = props.get("PathPart")
        if parent is None or parent in seen or not isinstance(part, str):
            return None
        above = path(parent, seen | {logical})
        if above is None:
            return None
        paths[logical] = above.rstrip("/") + "/" + part
        return paths[logical]

    for logical, body in resources.items():
        if body["Type"] == "AWS::ApiGateway::Resource":
            path(logical, frozenset())
    return paths


def _built_identities(resources: Mapping[str, Any]) -> dict[tuple[str, ...], str]:
    """What identifies each adoptable built resource (its type and path, verb or name)."""
    paths = _paths(resources)
    found: dict[tuple[str, ...], str] = {}
    named = {
        "AWS::ApiGateway::Stage": "StageName",
        "AWS::ApiGateway::Authorizer": "Name",
        "AWS::ApiGateway::Model": "Name",
        "AWS::ApiGateway::RequestValidator": "Name",
    }
    for logical, body in resources.items():
        kind, props = body["Type"], body.get("Properties", {})
        if kind == "AWS::ApiGateway::RestApi":
            found[(kind,)] = logical
        elif kind == "AWS::ApiGateway::Resource" and logical in paths:
            found[(kind, paths[logical])] = logical
        elif kind == "AWS::ApiGateway::Method":
            where = paths.get(_ref(props.get("ResourceId")) or "")
            if where is not None and isinstance(props.get("HttpMethod"), str):
                found[(kind, where, props["HttpMethod"])] = logical
        elif kind in named and isinstance(props.get(named[kind]), str):
            found[(kind, props[named[kind]])] = logical
    return found


def _by_use(
    snapshot: Snapshot, resources: Mapping[str, Any], identities: dict[tuple[str, ...], str]
) -> None:
    """Authorizers, validators and models privgw names otherwise than the live ones, matched
    by the methods that use them: the live one a method uses is the built one its twin uses."""
    names = {
        (kind, str(x["id"])): str(x.get("name"))
        for key, kind in (
            ("authorizers", "AWS::ApiGateway::Authorizer"),
            ("validators", "AWS::ApiGateway::RequestValidator"),
        )
        for x in snapshot.get(key, [])
    }
    for live in snapshot.get("resources", []):
        for verb, method in (live.get("resourceMethods") or {}).items():
            twin = identities.get(("AWS::ApiGateway::Method", live["path"], verb))
            if twin is None:
                continue
            props = resources[twin].get("Properties", {})
            uses = [
                (
                    "AWS::ApiGateway::Authorizer",
                    method.get("authorizerId"),
                    props.get("AuthorizerId"),
                ),
                (
                    "AWS::ApiGateway::RequestValidator",
                    method.get("requestValidatorId"),
                    props.get("RequestValidatorId"),
                ),
            ]
            for kind, live_id, built in uses:
                name, logical = names.get((kind, str(live_id))), _ref(built)
                if name is not None and logical is not None:
                    identities.setdefault((kind, name), logical)
            built_models = props.get("RequestModels") or {}
            for content_type, model in (method.get("requestModels") or {}).items():
                logical = _ref(built_models.get(content_type))
                if logical is not None:
                    identities.setdefault(("AWS::ApiGateway::Model", str(model)), logical)


def _said(key: tuple[str, ...]) -> str:
    """A live resource as the report names it: ``PUT /orders``, ``resource /orders``,
    ``authorizer pool-auth``."""
    kind = key[0].rsplit("::", 1)[-1]
    if kind == "Method":
        return f"{key[2]} {key[1]}"
    return " ".join((kind[:1].lower() + kind[1:], *key[1:]))


def _live_resources(snapshot: Snapshot) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Each adoptable live resource: what identifies it, and its properties as it runs."""
    api_id = snapshot["api"]["id"]
    found: list[tuple[tuple[str, ...], dict[str, Any]]] = [
        (("AWS::ApiGateway::RestApi",), mirror.rest_api(snapshot["api"]))
    ]
    by_path = {r["path"]: r["id"] for r in snapshot.get("resources", [])}
    for live in snapshot.get("resources", []):
        if live["path"] != "/":
            said = mirror.resource(api_id, live, by_path)
            found.append((("AWS::ApiGateway::Resource", live["path"]), said))
        for verb, method in sorted((live.get("resourceMethods") or {}).items()):
            found.append(
                (
                    ("AWS::ApiGateway::Method", live["path"], verb),
                    mirror.method(api_id, live["id"], {"httpMethod": verb, **method}),
                )
            )
    if snapshot.get("stage"):
        stage = snapshot["stage"]
        found.append((("AWS::ApiGateway::Stage", stage["stageName"]), mirror.stage(api_id, stage)))
    kinds: tuple[tuple[str, str, Callable[[str, Mapping[str, Any]], dict[str, Any]]], ...] = (
        ("authorizers", "AWS::ApiGateway::Authorizer", mirror.authorizer),
        ("models", "AWS::ApiGateway::Model", mirror.model),
        ("validators", "AWS::ApiGateway::RequestValidator", mirror.validator),
    )
    for key, kind, say in kinds:
        for live in snapshot.get(key, []):
            found.append(((kind, str(live.get("name"))), say(api_id, live)))
    return found


def identifier(kind: str, props: Mapping[str, Any], live_ids: Mapping[str, str]) -> dict[str, str]:
    """The resource's identifier for ``--resources-to-import``: the properties its schema's
    ``primaryIdentifier`` names, from the live ids (a generated id) or its properties."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER  # noqa: PLC0415 - cfn-lint is heavy

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", kind).schema
    keys = [pointer.rsplit("/", 1)[-1] for pointer in schema["primaryIdentifier"]]
    return {key: str(live_ids.get(key, props.get(key))) for key in keys}


def _live_ids(snapshot: Snapshot, key: tuple[str, ...]) -> dict[str, str]:
    """The generated ids (not properties) an identifier needs, for one live resource."""
    ids = {"RestApiId": snapshot["api"]["id"]}
    if key[0] in ("AWS::ApiGateway::Resource", "AWS::ApiGateway::Method"):
        ids["ResourceId"] = next(r["id"] for r in snapshot["resources"] if r["path"] == key[1])
    listed = {
        "AWS::ApiGateway::Authorizer": ("authorizers", "AuthorizerId"),
        "AWS::ApiGateway::RequestValidator": ("validators", "RequestValidatorId"),
    }
    if key[0] in listed:
        where, name = listed[key[0]]
        ids[name] = next(x["id"] for x in snapshot[where] if x.get("name") == key[1])
    return ids


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of nested properties by dotted path, for saying what an update changes."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out |= _flat(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(value, list) and all(
        isinstance(v, Mapping) and set(v) == {"Key", "Value"} for v in value
    ):
        return {f"{prefix}.{v['Key']}": v["Value"] for v in value}  # tags, by key
    if isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value):
        out = {}
        for i, v in enumerate(value):
            out |= _flat(v, f"{prefix}[{i}]")
        return out
    return {prefix: value}


class _Ids(dict[str, Any]):
    """Refs in the built template resolved to live ids where the import adopts the target;
    anything else reads as what the update creates."""

    def __missing__(self, key: str) -> str:
        return f"(new {key.split('.', maxsplit=1)[0]})"


def _changes(logical: str, imported: Mapping[str, Any], built: Any, ids: _Ids) -> list[str]:
    """What the update after the import changes on one adopted resource."""
    wanted = resolve(built, ids)
    before = _flat({k: v for k, v in imported.items() if k != "Policy"})
    after = _flat({k: v for k, v in wanted.items() if k != "Policy"})
    changed = [
        f"{name}: {_short(before.get(name))} -> {_short(after.get(name))}"
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
        and (mirror.is_set(before.get(name)) or mirror.is_set(after.get(name)))
    ]
    if imported.get("Policy") != wanted.get("Policy"):
        changed.append("Policy: the live policy -> the config's (compared by decision above)")
    if not changed:
        return []
    return [f"adopt: {logical}: the update changes {'; '.join(changed)}"]


def _short(value: Any) -> str:
    if value is None:
        return "(unset)"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def adoption(snapshot: Snapshot, built: Mapping[str, Any]) -> Adoption:
    """The IMPORT change set for ``snapshot``'s API under the logical ids of ``built`` (the
    template the imported config builds), and what the update with ``built`` then does."""
    api = snapshot["api"]
    owner = (api.get("tags") or {}).get("aws:cloudformation:stack-name")
    if owner:
        raise AdoptRefused(
            f"API {api['id']} belongs to stack {owner}: CloudFormation imports only resources "
            "no stack manages. Deploy the config's template to that stack instead, or first "
            "remove the API from it with DeletionPolicy: Retain"
        )
    resources = built["Resources"]
    identities = _built_identities(resources)
    _by_use(snapshot, resources, identities)
    arn = api_arn(snapshot)
    ids = _Ids(
        {
            "AWS::Region": arn.region,
            "AWS::AccountId": arn.account,
            "AWS::Partition": arn.partition,
            "AWS::URLSuffix": "amazonaws.com",
        }
    )
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            f"privgw import --adopt: API {snapshot['api']['id']} as it runs, for a "
            "CloudFormation IMPORT change set; then update the stack with the template "
            "privgw builds from the config"
        ),
        "Resources": {},
    }
    to_import: list[dict[str, Any]] = []
    outside: list[str] = []
    adopted: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {}
    for key, props in _live_resources(snapshot):
        logical = identities.get(key)
        if logical is None or logical in adopted:  # two live ones for one built: one adopted
            outside.append(_said(key))
            continue
        live_ids = _live_ids(snapshot, key)
        adopted[logical] = (key, props)
        template["Resources"][logical] = {
            "Type": key[0],
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": props,
        }
        to_import.append(
            {
                "ResourceType": key[0],
                "LogicalResourceId": logical,
                "ResourceIdentifier": identifier(key[0], props, live_ids),
            }
        )
        own_id = _OWN_ID.get(key[0])
        if own_id:
            ids[logical] = live_ids[own_id]
        if key[0] == "AWS::ApiGateway::RestApi":
            root = next((r["id"] for r in snapshot.get("resources", []) if r["path"] == "/"), "")
            ids[f"{logical}.RootResourceId"] = root
        elif key[0] in ("AWS::ApiGateway::Model", "AWS::ApiGateway::Stage"):
            ids[logical] = key[1]
    report: list[str] = []
    for logical in sorted(adopted):
        report += _changes(logical, adopted[logical][1], resources[logical]["Properties"], ids)
    for logical, body in sorted(resources.items()):
        if logical not in adopted:
            why = CREATED.get(body["Type"], "created by the update")
            report.append(f"adopt: {logical} ({body['Type']}) is not imported: {why}")
    for what in outside:
        report.append(
            f"adopt: {what} runs in the API but not in the config's template: it stays as it "
            "is, outside the stack, and is deployed with the API"
        )
    to_import.sort(key=lambda r: str(r["LogicalResourceId"]))
    return Adoption(template, to_import, report)
