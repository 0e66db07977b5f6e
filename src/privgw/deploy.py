"""`privgw deploy`: what `aws cloudformation deploy` does, plus what users miss in it.

Change set, execute, wait, as the aws CLI does; but the stack events stream as progress while
CloudFormation works (an interface endpoint takes minutes), a failure is explained from the
events (the first resource that failed, and why), and the outputs (every invoke URL and a
ready curl line) are printed at the end. ``endpoint_url`` points it at any CloudFormation
endpoint, such as the local one the tests start.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from privgw.aws import AwsError, aws_client, aws_errors, describe_failure
from privgw.limits import INLINE_TEMPLATE_LIMIT

#: How CloudFormation says a change set has nothing to do; the aws CLI's deploy accepts both
#: ("The submitted information didn't contain changes..." and "No updates are to be performed.").
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
TERMINAL_OK = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}
TERMINAL_FAILED = {
    "CREATE_FAILED",
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE",
    "UPDATE_ROLLBACK_FAILED",
    "UPDATE_FAILED",
    "DELETE_FAILED",
}


class DeployError(AwsError):
    """The deploy could not start or talk to CloudFormation (exit 2)."""


@dataclass
class DeployResult:
    """How a deploy ended: status, outputs, and the failure explanation if any."""

    stack_name: str
    status: str
    changed: bool
    outputs: dict[str, str] = field(default_factory=dict)
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """``Key=Value`` strings, as `aws cloudformation deploy --parameter-overrides` takes them."""
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise DeployError(f"parameter override {pair!r} is not Key=Value")
        result[key] = value
    return result


def _event_line(event: Mapping[str, Any]) -> str:
    stamp = event.get("Timestamp")
    when = stamp.strftime("%H:%M:%S") if isinstance(stamp, datetime) else "--:--:--"
    reason = event.get("ResourceStatusReason") or ""
    return (
        f"  {when}  {event.get('ResourceStatus', ''):<24} {event.get('ResourceType', ''):<36} "
        f"{event.get('LogicalResourceId', '')}" + (f"  ({reason})" if reason else "")
    )


def explain_failure(events: Sequence[Mapping[str, Any]], stack_name: str) -> str:
    """The first resource that failed (oldest event first) and CloudFormation's reason."""
    for event in sorted(events, key=lambda e: e.get("Timestamp") or datetime.min):
        status = str(event.get("ResourceStatus", ""))
        if status.endswith("_FAILED") and event.get("LogicalResourceId") != stack_name:
            return (
                f"{event.get('LogicalResourceId')} ({event.get('ResourceType')}) failed: "
                f"{event.get('ResourceStatusReason') or 'no reason given'}"
            )
    for event in events:
        if str(event.get("ResourceStatus", "")).endswith(("_FAILED", "ROLLBACK_COMPLETE")):
            return f"stack {stack_name}: {event.get('ResourceStatusReason') or 'failed'}"
    return f"stack {stack_name} did not complete"


def deploy(
    template_path: Path,
    stack_name: str,
    *,
    parameters: Mapping[str, str] | None = None,
    capabilities: Sequence[str] = ("CAPABILITY_IAM",),
    region: str | None = None,
    endpoint_url: str | None = None,
    s3_bucket: str | None = None,
    out: TextIO,
    poll_seconds: float = 2.0,
    timeout_seconds: float = 3600.0,
    sleep: Callable[[float], None] = time.sleep,
) -> DeployResult:
    """Create or update ``stack_name`` from ``template_path`` and wait for the result."""
    try:
        body = template_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeployError(f"cannot read {template_path}: {exc}") from None
    caps = list(dict.fromkeys(capabilities))
    if "Transform" in body and "CAPABILITY_AUTO_EXPAND" not in caps:
        caps.append("CAPABILITY_AUTO_EXPAND")
    cfn = aws_client("cloudformation", region, endpoint_url)
    errors = aws_errors()
    try:
        template_args = _template_argument(body, stack_name, s3_bucket, region, endpoint_url)
        exists = _stack_exists(cfn, stack_name)
        name = f"privgw-{int(time.time())}"
        change_set = cfn.create_change_set(
            StackName=stack_name,
            ChangeSetName=name,
            ChangeSetType="UPDATE" if exists else "CREATE",
            Capabilities=caps,
            Parameters=[
                {"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()
            ],
            **template_args,
        )
        print(f"Creating change set {name} for stack {stack_name} ...", file=out)
        status = _wait_change_set(cfn, change_set["Id"], poll_seconds, timeout_seconds, sleep)
        if status["Status"] == "FAILED":
            reason = str(status.get("StatusReason", ""))
            if any(wording in reason for wording in NO_CHANGES):
                cfn.delete_change_set(ChangeSetName=change_set["Id"])
                print(f"No changes to deploy: stack {stack_name} is up to date.", file=out)
                result = DeployResult(stack_name, "UNCHANGED", False, _outputs(cfn, stack_name))
                _print_outputs(result, out)
                return result
            raise DeployError(f"change set for {stack_name} failed: {reason}")
        before = {e["EventId"] for e in _newest_events(cfn, stack_name)}
        seen = set(before)
        cfn.execute_change_set(ChangeSetName=change_set["Id"])
        print(f"Executing change set; stack events for {stack_name}:", file=out)
        final = _follow(
            cfn,
            stack_name,
            seen=seen,
            out=out,
            poll=poll_seconds,
            timeout=timeout_seconds,
            sleep=sleep,
        )
        if final not in TERMINAL_OK:
            this_run = [e for e in _events(cfn, stack_name, before) if e["EventId"] not in before]
            failure = explain_failure(this_run, stack_name)
            print(f"Stack {stack_name} failed ({final}): {failure}", file=out)
            return DeployResult(stack_name, final, True, failure=failure)
        result = DeployResult(stack_name, final, True, _outputs(cfn, stack_name))
        print(f"Stack {stack_name}: {final}", file=out)
        _print_outputs(result, out)
        unresolved = unresolved_outputs(result.outputs)
        if unresolved:
            result.failure = _unresolved_failure(unresolved, transform="Transform" in body)
            print(f"Stack {stack_name} is not usable: {result.failure}", file=out)
        return result
    except errors as exc:
        raise DeployError(str(describe_failure(exc, "deploy the stack"))) from None


def _template_argument(
    body: str, stack_name: str, bucket: str | None, region: str | None, endpoint_url: str | None
) -> dict[str, str]:
    size = len(body.encode("utf-8"))
    if size <= INLINE_TEMPLATE_LIMIT and bucket is None:
        return {"TemplateBody": body}
    if bucket is None:
        raise DeployError(
            f"template is {size:,} bytes, over the {INLINE_TEMPLATE_LIMIT:,} CloudFormation "
            "accepts inline: pass --s3-bucket BUCKET (privgw uploads it there), or build with "
            "--format json --compact"
        )
    key = f"privgw/{stack_name}/{hashlib.sha256(body.encode()).hexdigest()[:16]}.template"
    s3 = aws_client("s3", region, endpoint_url)
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    return {"TemplateURL": str(url).split("?")[0]}


def _stack_exists(cfn: Any, stack_name: str) -> bool:
    from botocore.exceptions import ClientError  # noqa: PLC0415

    try:
        stacks = cfn.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return False
        raise
    status = stacks[0]["StackStatus"] if stacks else "REVIEW_IN_PROGRESS"
    if status == "ROLLBACK_COMPLETE":
        raise DeployError(
            f"stack {stack_name} is ROLLBACK_COMPLETE (its creation failed) and cannot be "
            f"updated: delete it first (aws cloudformation delete-stack --stack-name "
            f"{stack_name})"
        )
    return status != "REVIEW_IN_PROGRESS"


#: What an output looks like when the endpoint left a reference in it unresolved.
_UNRESOLVED = re.compile(r"\$\{[^}]+\}|\{'(Ref|Fn::[A-Za-z]+)'|\{\"(Ref|Fn::[A-Za-z]+)\"")


def unresolved_outputs(outputs: Mapping[str, str]) -> list[str]:
    """Outputs still holding ``${Name}`` or an intrinsic: CloudFormation always resolves them, so
    the endpoint did not really create the stack (a local endpoint without the SAM transform)."""
    return sorted(key for key, value in outputs.items() if _UNRESOLVED.search(value))


def _unresolved_failure(keys: Sequence[str], transform: bool) -> str:
    shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
    cause = (
        "this CloudFormation endpoint did not run the SAM transform (a local endpoint such as "
        "moto cannot): transform the template first (`sam package`/`sam deploy` against AWS, or "
        "samtranslator locally, as `make deploy-local` does), or deploy the plain flavour"
        if transform
        else "this CloudFormation endpoint did not resolve them"
    )
    return f"the stack reports success but outputs {shown} hold unresolved references; {cause}"


def _wait_change_set(
    cfn: Any, change_set_id: str, poll: float, timeout: float, sleep: Callable[[float], None]
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = cfn.describe_change_set(ChangeSetName=change_set_id)
        if status["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return status
        if time.monotonic() > deadline:
            raise DeployError("timed out waiting for the change set")
        sleep(poll)


def _newest_events(cfn: Any, stack_name: str) -> list[dict[str, Any]]:
    """The first page of events: every event after them is this deploy's."""
    events: list[dict[str, Any]] = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
    return events


def _events(cfn: Any, stack_name: str, known: set[str]) -> list[dict[str, Any]]:
    """Stack events, newest first, page after page (CloudFormation returns them 100 a page)
    until a page reaches an event in ``known``, older than everything not yet seen."""
    events: list[dict[str, Any]] = []
    request = {"StackName": stack_name}
    while True:
        page = cfn.describe_stack_events(**request)
        batch = page["StackEvents"]
        events.extend(batch)
        token = page.get("NextToken")
        if not token or any(e["EventId"] in known for e in batch):
            return events
        request["NextToken"] = token


def _follow(
    cfn: Any,
    stack_name: str,
    *,
    seen: set[str],
    out: TextIO,
    poll: float,
    timeout: float,
    sleep: Callable[[float], None],
) -> str:
    """Print new stack events as they come; return the stack's terminal status."""
    deadline = time.monotonic() + timeout
    while True:
        fresh = [e for e in reversed(_events(cfn, stack_name, seen)) if e["EventId"] not in seen]
        for event in fresh:
            seen.add(event["EventId"])
            print(_event_line(event), file=out, flush=True)
        status = str(cfn.describe_stacks(StackName=stack_name)["Stacks"][0]["StackStatus"])
        if status in TERMINAL_OK or status in TERMINAL_FAILED:
            return status
        if time.monotonic() > deadline:
            raise DeployError(f"timed out waiting for stack {stack_name} ({status})")
        sleep(poll)


def _outputs(cfn: Any, stack_name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs") or []}


def _print_outputs(result: DeployResult, out: TextIO) -> None:
    if not result.outputs:
        return
    print("Outputs:", file=out)
    width = max(len(k) for k in result.outputs)
    for key in sorted(result.outputs):
        print(f"  {key:<{width}}  {result.outputs[key]}", file=out)
