"""Turning an example into a stack on the local endpoint, as a user would: real ids, built,
packaged when its code is a local folder, and (SAM) transformed by samtranslator locally."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import yaml

from privgw import build_template, render
from privgw.config import load_config
from privgw.flavours import Flavour
from privgw.rendering import parse_template
from tests.support.localaws.endpoint import REGION, ROOT, LocalAws, Network

FUNCTIONS = ROOT / "examples" / "functions"


class NoManagedPolicies:
    """samtranslator's policy loader for templates that name no managed policy (privgw's SAM
    function uses its own role; the bench's SAM app none): a lookup is a bug, so it fails."""

    def load(self) -> dict[str, str]:
        raise AssertionError("SAM tried to resolve managed policies")


#: The account moto's endpoint runs as.
LOCAL_ACCOUNT = "123456789012"


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """What `sam package` / `aws cloudformation package` leave: local code replaced by S3."""
    result = copy.deepcopy(template)
    for resource in result["Resources"].values():
        props = resource.get("Properties", {})
        uri = props.get("CodeUri")
        if isinstance(uri, str) and not uri.startswith("s3://"):
            props["CodeUri"] = f"s3://packaged-artifacts/{abs(hash(uri))}.zip"
    return result


def sam_transform(template: dict[str, Any]) -> dict[str, Any]:
    """SAM's own transform, run locally, on the template as packaging leaves it."""
    from samtranslator.translator.transform import transform

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # samtranslator asks boto3

    result: dict[str, Any] = transform(packaged(template), {}, NoManagedPolicies())
    return result


def example_data(example: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(example.read_text(encoding="utf-8"))
    return data


def localise(data: dict[str, Any], net: Network, local: LocalAws) -> dict[str, Any]:
    """The example's config with the ids of things that exist on this endpoint."""
    data = copy.deepcopy(data)
    if "network" in data:
        data["network"]["vpc_id"] = net.vpc_id
        data["network"]["subnet_ids"] = net.subnet_ids[: len(data["network"]["subnet_ids"])]
        if data["network"].get("source_security_group_ids"):
            data["network"]["source_security_group_ids"] = [net.caller_group_id]
    if data.get("access", {}).get("vpc_ids"):
        data["access"]["vpc_ids"] = [net.vpc_id]
    groups = data.get("endpoint", {}).get("security_group_ids")
    if groups:
        data["endpoint"]["security_group_ids"] = [net.caller_group_id]
    existing = data.get("endpoint", {}).get("existing_ids")
    if existing:
        data["endpoint"]["existing_ids"] = net.shared_endpoint_ids[: len(existing)]
    functions = [data["function"]] if "function" in data else []
    functions += list(data.get("functions", {}).values())
    for function in functions:
        _localise_function(function, net, local)
    for backend in data.get("backends", {}).values():
        _localise_backend(backend, net, local)
    for existing in data.get("existing_functions", {}).values():
        existing["arn"] = create_existing_function(local, existing["arn"])
    for service in data.get("services", {}).values():
        service["arn"] = _local_arn(service["arn"])
        if service.get("kms_key_arn"):
            service["kms_key_arn"] = _local_arn(service["kms_key_arn"])
    return data


#: A Lambda function's ARN (with its alias or version) in an OpenAPI document's integration.
_LAMBDA_ARN = re.compile(
    r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9$_-]+)?"
)


def _local_arn(arn: str) -> str:
    """The same resource in the local endpoint's region and account."""
    parts = arn.split(":", 5)
    parts[3], parts[4] = REGION, LOCAL_ACCOUNT
    return ":".join(parts)


def lambda_role(local: LocalAws, name: str) -> str:
    """A role Lambda may assume (no policies: what a function may do is not tested here)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    created = local.client("iam").create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
    )
    return str(created["Role"]["Arn"])


def create_existing_function(local: LocalAws, arn: str) -> str:
    """The function an ``existing_functions`` ARN names, made here as another stack would have
    made it (with its alias, when the ARN names one); returns its local ARN."""
    name, _, qualifier = arn.split(":", 6)[6].partition(":")
    lam = local.client("lambda")
    try:
        found = lam.get_function(FunctionName=name, Qualifier=qualifier or "$LATEST")
    except lam.exceptions.ResourceNotFoundException:
        pass
    else:  # made for an earlier stack on this endpoint
        return str(found["Configuration"]["FunctionArn"])
    role = lambda_role(local, f"{name}-role")
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {}\n")
    created = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": package.getvalue()},
        Publish=True,
    )
    if not qualifier or qualifier == "$LATEST":
        return str(created["FunctionArn"]) + (f":{qualifier}" if qualifier else "")
    if qualifier.isdigit():
        return f"{created['FunctionArn']}:{created['Version']}"
    alias = lam.create_alias(FunctionName=name, Name=qualifier, FunctionVersion=created["Version"])
    return str(alias["AliasArn"])


def _localise_function(function: dict[str, Any], net: Network, local: LocalAws) -> None:
    if function.get("vpc"):
        function["vpc"] = {
            "subnet_ids": net.subnet_ids,
            "security_group_ids": [net.caller_group_id],
        }
    code = function["code"]
    if "s3_bucket" in code:
        package = _zip(FUNCTIONS / "inventory")
        local.aws(
            "s3api",
            "put-object",
            "--bucket",
            net.bucket,
            "--key",
            code["s3_key"],
            "--body",
            str(package),
        )
        code["s3_bucket"] = net.bucket


def _localise_backend(backend: dict[str, Any], net: Network, local: LocalAws) -> None:
    """A created VPC link goes into the local subnets and caller group; an existing link (v1
    or v2) is created here first, as the account would already have it."""
    link = backend.get("vpc_link")
    if link and link.get("subnet_ids"):
        link["subnet_ids"] = net.subnet_ids[: len(link["subnet_ids"])]
        link["security_group_ids"] = [net.caller_group_id]
    elif link:
        created = local.client("apigatewayv2").create_vpc_link(
            Name="existing-v2", SubnetIds=net.subnet_ids, SecurityGroupIds=[net.caller_group_id]
        )
        link["id"] = created["VpcLinkId"]
    if backend.get("vpc_link_v1") and not backend["vpc_link_v1"].get("create"):
        created = local.client("apigateway").create_vpc_link(
            name="existing-v1",
            targetArns=[
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                "loadbalancer/net/existing/0123456789abcdef"
            ],
        )
        backend["vpc_link_v1"]["id"] = created["id"]


def _zip(folder: Path) -> Path:
    target = folder.parent.parent.parent / "build" / f"{folder.name}.zip"
    target = Path(str(target).replace(str(ROOT), str(ROOT / ".pytest_cache")))
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*.py")):
            archive.write(file, file.relative_to(folder).as_posix())
    return target


def deployable(
    data: dict[str, Any], flavour: Flavour, net: Network, local: LocalAws, tmp: Path
) -> Path:
    """A template file ready for `aws cloudformation deploy`, as a user would get it: built,
    packaged if its code is a local folder, and (SAM) transformed by samtranslator locally."""
    shutil.copytree(FUNCTIONS, tmp / "functions", dirs_exist_ok=True)
    if "openapi" in data:  # the examples' documents, naming the functions made here
        local_arns = {
            existing["arn"].split(":")[6]: existing["arn"]
            for existing in data.get("existing_functions", {}).values()
        }
        shutil.copytree(FUNCTIONS.parent / "openapi", tmp / "openapi", dirs_exist_ok=True)
        for document in (tmp / "openapi").iterdir():
            text = _LAMBDA_ARN.sub(  # as localise named them
                lambda found: local_arns.get(found.group(0).split(":")[6], found.group(0)),
                document.read_text(encoding="utf-8"),
            )
            document.write_text(text, encoding="utf-8")
    config = tmp / "config.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    cfg = load_config(config)
    template = tmp / f"template.{flavour}.yaml"
    template.write_text(render(build_template(cfg, flavour, tmp), "yaml"), encoding="utf-8")
    if any(fn.code.path is not None for fn in cfg.all_functions.values()):
        packaged = tmp / f"packaged.{flavour}.yaml"
        local.aws(
            "cloudformation",
            "package",
            "--template-file",
            str(template),
            "--s3-bucket",
            net.bucket,
            "--output-template-file",
            str(packaged),
            check=False,
        ).check_returncode()
        template = packaged
    if flavour == "sam":
        transformed = sam_transform(parse_template(template.read_text(encoding="utf-8")))
        template = tmp / "transformed.json"
        template.write_text(json.dumps(transformed), encoding="utf-8")
    return template
