"""Routes that call an AWS service directly (``services``): an AWS integration signed with a
credentials role of the service's own, allowed exactly one action on exactly one resource; a
request template per action that turns the HTTP request into the action's input; and
responses that pass the service's answer on success and hide its error text (which names
ARNs and accounts) behind a short message with the request id.

Shared by both flavours: the SAM flavour puts these routes in its OpenAPI definition with the
same integration, and the roles are the same resources.
"""

from __future__ import annotations

import json
from typing import Any

from awacs.aws import Action, Allow, PolicyDocument, Statement
from troposphere import AWSObject, GetAtt, Select, Split, Sub
from troposphere.apigateway import Integration, IntegrationResponse, MethodResponse
from troposphere.iam import Policy, Role

from privgw import naming
from privgw.config import Config
from privgw.config.service import Service
from privgw.resources import parameters, policy
from privgw.resources.common import tags_for
from privgw.resources.slots import service_arn_slot, service_key_slot

#: The AWS integration URI of an action (API Gateway developer guide, "Integration request
#: URI" of AWS integrations: ``arn:aws:apigateway:{region}:{service}:action/{action}``); SQS
#: takes the queue's path instead ("Tutorial: Create a REST API as an Amazon SQS proxy").
ACTION_URI = "arn:${AWS::Partition}:apigateway:${AWS::Region}:%s:action/%s"
SQS_URI = "arn:${AWS::Partition}:apigateway:${AWS::Region}:sqs:path/${Account}/${Queue}"

#: The JSON string of the request body, as EventBridge's Detail and Step Functions' input take
#: it: escapeJavaScript also escapes single quotes, which JSON does not allow escaped (API
#: Gateway developer guide, "$util variables").
BODY_AS_JSON_STRING = '$util.escapeJavaScript($input.body).replaceAll("\\\\\'", "\'")'

#: What each answer becomes: the service's own body on success; its 4xx and 5xx bodies name
#: ARNs, accounts and internal messages, so callers get a short message and the request id.
ERROR_STATUSES = (("400", r"4\d{2}", "the request was refused"), ("500", r"5\d{2}", "failed"))


def service_ids(name: str) -> str:
    """The credentials role of service ``name``."""
    return naming.capitalised(name) + "ServiceRole"


def _arn(cfg: Config, name: str) -> Any:
    """The service's ARN: the config's, or its parameter in a reusable template."""
    service = cfg.services[name]
    return parameters.value(cfg, service_arn_slot(name, service.aws), service.arn)


def _arn_part(cfg: Config, name: str, index: int, separator: str = ":") -> Any:
    """One part of the ARN split at ``separator`` (a literal, or Select/Split of the
    parameter in a reusable template)."""
    arn = _arn(cfg, name)
    if isinstance(arn, str):
        return arn.split(separator)[index]
    return Select(index, Split(separator, arn))


def _after_slash(cfg: Config, name: str) -> Any:
    """The resource's name in a table/, stream/ or event-bus/ ARN."""
    return _arn_part(cfg, name, 1, "/")


def request_template(cfg: Config, name: str) -> Any:
    """The action's input as a Velocity template (application/json), with the ARN or name
    filled in: the config's own ``request_template`` if it gives one."""
    service = cfg.services[name]
    if service.request_template is not None:
        return service.request_template
    fields: dict[str, Any]
    values: dict[str, Any] = {}
    op = service.operation
    if service.aws == "sqs":
        return "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
    if service.aws == "step_functions":
        fields = {"input": "@BODY@", "stateMachineArn": "${Arn}"}
        values["Arn"] = _arn(cfg, name)
    elif service.aws == "eventbridge":
        fields = {
            "Entries": [
                {
                    "Source": service.source,
                    "DetailType": service.detail_type,
                    "Detail": "@BODY@",
                    "EventBusName": "${Arn}",
                }
            ]
        }
        values["Arn"] = _arn(cfg, name)
    elif service.aws == "kinesis":
        fields = {
            "StreamName": "${Name}",
            "Data": "$util.base64Encode($input.body)",
            "PartitionKey": "$context.requestId",
        }
        values["Name"] = _after_slash(cfg, name)
    else:  # dynamodb
        values["Name"] = _after_slash(cfg, name)
        key = {"S": f"$util.escapeJavaScript($input.params('{service.key}'))"}
        if op == "PutItem":
            fields = {"TableName": "${Name}", "Item": "@ITEM@"}
        elif op == "GetItem":
            fields = {"TableName": "${Name}", "Key": {str(service.key): key}}
        else:
            fields = {
                "TableName": "${Name}",
                "KeyConditionExpression": "#k = :v",
                "ExpressionAttributeNames": {"#k": service.key},
                "ExpressionAttributeValues": {":v": key},
            }
    text = (
        json.dumps(fields, indent=2)
        .replace('"@BODY@"', f'"{BODY_AS_JSON_STRING}"')
        .replace('"@ITEM@"', "$input.json('$')")
    )
    if all(isinstance(v, str) for v in values.values()):
        for key_name, value in values.items():
            text = text.replace("${" + key_name + "}", str(value))
        return text
    return Sub(text, **values)


def _uri(cfg: Config, name: str) -> Sub:
    service = cfg.services[name]
    if service.aws == "sqs":
        return Sub(
            SQS_URI,
            Account=_arn_part(cfg, name, 4),
            Queue=_arn_part(cfg, name, 5),
        )
    return Sub(ACTION_URI % (service.kind.uri_service, service.operation))


#: Headers some services need besides the template: SQS reads a form (its query protocol);
#: Kinesis and EventBridge read AWS JSON 1.1.
_HEADERS = {
    "sqs": "'application/x-www-form-urlencoded'",
    "kinesis": "'application/x-amz-json-1.1'",
    "eventbridge": "'application/x-amz-json-1.1'",
}


def service_integration(cfg: Config, name: str) -> Integration:
    """The AWS integration of a route to service ``name``. Requests of other content types
    than JSON get 415 (PassthroughBehavior NEVER): a raw body never reaches the service."""
    service = cfg.services[name]
    extra: dict[str, Any] = {}
    content_type = _HEADERS.get(service.aws)
    if content_type:
        extra["RequestParameters"] = {"integration.request.header.Content-Type": content_type}
    responses = [IntegrationResponse(StatusCode="200")]
    for status, pattern, what in ERROR_STATUSES:
        body = json.dumps({"message": f"{service.aws} {service.operation}: {what}"})
        responses.append(
            IntegrationResponse(
                StatusCode=status,
                SelectionPattern=pattern,
                ResponseTemplates={
                    "application/json": body[:-1] + ', "requestId": "$context.requestId"}'
                },
            )
        )
    return Integration(
        Type="AWS",
        IntegrationHttpMethod="POST",
        Uri=_uri(cfg, name),
        Credentials=GetAtt(service_ids(name), "Arn"),
        PassthroughBehavior="NEVER",
        RequestTemplates={"application/json": request_template(cfg, name)},
        IntegrationResponses=responses,
        TimeoutInMillis=service.wait_ms,
        **extra,
    )


def service_method_responses() -> list[MethodResponse]:
    """The statuses a service route answers with (its integration responses')."""
    return [MethodResponse(StatusCode=s) for s in ("200", *(e[0] for e in ERROR_STATUSES))]


def service_role_policy(service: Service, arn: Any, key_arn: Any = None) -> PolicyDocument:
    """Exactly the service's one action on its one resource (and, for an encrypted queue or
    stream, kms:GenerateDataKey on its key: what a producer needs, AWS KMS developer guide)."""
    statements = [
        Statement(
            Sid="OneActionOnOneResource",
            Effect=Allow,
            Action=[Action(service.kind.iam_prefix, service.operation)],
            Resource=[arn],
        )
    ]
    if key_arn is not None:
        statements.append(
            Statement(
                Sid="EncryptWithTheResourcesKey",
                Effect=Allow,
                Action=[Action("kms", "GenerateDataKey")],
                Resource=[key_arn],
            )
        )
    return PolicyDocument(Version="2012-10-17", Statement=statements)


def service_roles(cfg: Config) -> list[AWSObject]:
    """One credentials role per service, assumable by API Gateway only."""
    roles: list[AWSObject] = []
    for name, service in sorted(cfg.services.items()):
        key = (
            parameters.value(cfg, service_key_slot(name), service.kms_key_arn)
            if service.kms_key_arn
            else None
        )
        roles.append(
            Role(
                service_ids(name),
                Description=f"API {cfg.name} calls {service.iam_action} on one "
                f"{service.aws} resource ({name}) and nothing else",
                AssumeRolePolicyDocument=policy.service_trust_policy("apigateway.amazonaws.com"),
                Policies=[
                    Policy(
                        PolicyName="one-action-on-one-resource",
                        PolicyDocument=service_role_policy(service, _arn(cfg, name), key),
                    )
                ],
                Tags=tags_for(cfg),
            )
        )
    return roles
