"""privgw deploy against a scripted CloudFormation: the answers moto never gives (a second
page of stack events, the other wording of "no changes")."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from privgw import deploy as deploy_module
from tests.support.cli import run


class ScriptedCloudFormation:
    """Answers the calls privgw deploy makes, from a script; pages events 2 at a time."""

    def __init__(self, change_set_reason: str | None, final_events: list[dict[str, Any]]):
        self.change_set_reason = change_set_reason
        self.events: list[dict[str, Any]] = [_event("old-1", "CREATE_COMPLETE", "Stack")]
        self.final_events = final_events
        self.executed = False
        self.deleted_change_sets: list[str] = []

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        failed = any(e["ResourceStatus"].endswith("FAILED") for e in self.final_events)
        status = "UPDATE_ROLLBACK_COMPLETE" if failed else "UPDATE_COMPLETE"
        if not self.executed:
            status = "CREATE_COMPLETE"
        return {
            "Stacks": [{"StackStatus": status, "Outputs": [{"OutputKey": "K", "OutputValue": "V"}]}]
        }

    def create_change_set(self, **_: Any) -> dict[str, str]:
        return {"Id": "cs-1"}

    def describe_change_set(self, ChangeSetName: str) -> dict[str, Any]:
        if self.change_set_reason is not None:
            return {"Status": "FAILED", "StatusReason": self.change_set_reason}
        return {"Status": "CREATE_COMPLETE"}

    def delete_change_set(self, ChangeSetName: str) -> None:
        self.deleted_change_sets.append(ChangeSetName)

    def execute_change_set(self, ChangeSetName: str) -> None:
        self.executed = True
        self.events = [*reversed(self.final_events), *self.events]

    def describe_stack_events(self, StackName: str, NextToken: str = "0") -> dict[str, Any]:
        start = int(NextToken)
        page: dict[str, Any] = {"StackEvents": self.events[start : start + 2]}
        if start + 2 < len(self.events):
            page["NextToken"] = str(start + 2)
        return page


def _event(event_id: str, status: str, logical_id: str, reason: str = "") -> dict[str, Any]:
    return {
        "EventId": event_id,
        "ResourceStatus": status,
        "LogicalResourceId": logical_id,
        "ResourceType": "AWS::X::Y",
        "ResourceStatusReason": reason,
        "Timestamp": datetime(2026, 1, 1, 0, 0, int(event_id.split("-")[1])),
    }


def _run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cfn: ScriptedCloudFormation
) -> tuple[deploy_module.DeployResult, str]:
    monkeypatch.setattr(deploy_module, "aws_client", lambda *_: cfn)
    monkeypatch.setattr(deploy_module, "_stack_exists", lambda *_: True)
    template = tmp_path / "t.json"
    template.write_text("{}", encoding="utf-8")
    out = io.StringIO()
    result = deploy_module.deploy(template, "Stack", out=out, sleep=lambda _: None)
    return result, out.getvalue()


@pytest.mark.parametrize(
    "reason",
    [
        "The submitted information didn't contain changes. Submit different information to "
        "create a change set.",
        "No updates are to be performed.",
    ],
)
def test_both_wordings_of_no_changes_are_no_change(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, reason: str
) -> None:
    cfn = ScriptedCloudFormation(reason, [])
    result, text = _run(monkeypatch, tmp_path, cfn)
    assert (result.status, result.changed, result.ok) == ("UNCHANGED", False, True)
    assert cfn.deleted_change_sets == ["cs-1"]
    assert not cfn.executed
    assert "is up to date" in text


def test_events_beyond_the_first_page_are_shown_and_explain_the_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Five new events, two a page: the failure is the oldest, on the last new page."""
    events = [
        _event("new-1", "UPDATE_IN_PROGRESS", "Stack"),
        _event("new-2", "UPDATE_FAILED", "Endpoint", "subnet-1 does not exist"),
        _event("new-3", "UPDATE_ROLLBACK_IN_PROGRESS", "Stack"),
        _event("new-4", "UPDATE_COMPLETE", "Endpoint"),
        _event("new-5", "UPDATE_ROLLBACK_COMPLETE", "Stack"),
    ]
    result, text = _run(monkeypatch, tmp_path, ScriptedCloudFormation(None, events))
    assert result.failure == "Endpoint (AWS::X::Y) failed: subnet-1 does not exist"
    shown = [line.split()[1] for line in text.splitlines() if line.startswith("  00:00:0")]
    assert shown == [e["ResourceStatus"] for e in events], "every new event, oldest first, once"


def _no_aws_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in (
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    template = tmp_path / "t.json"
    template.write_text("{}", encoding="utf-8")
    return template


def test_no_region_is_said_plainly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    template = _no_aws_settings(monkeypatch, tmp_path)
    code, _, err = run("deploy", str(template), "--stack-name", "s")
    assert code == 2
    assert err.startswith("privgw: error: no AWS region configured, so nothing was sent")
    assert "--region" in err
    assert "Traceback" not in err


def test_no_credentials_is_said_plainly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    template = _no_aws_settings(monkeypatch, tmp_path)
    code, _, err = run("deploy", str(template), "--stack-name", "s", "--region", "eu-west-1")
    assert code == 2
    assert "no AWS credentials found, so nothing was sent" in err
    assert "refused" not in err


def test_parameter_overrides_do_not_swallow_the_template(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    template = _no_aws_settings(monkeypatch, tmp_path)
    code, _, err = run(
        "deploy", "--stack-name", "s", "--parameter-overrides", "A=1", "B=2", str(template),
        "--region", "eu-west-1",
    )  # fmt: skip
    # the template was taken as TEMPLATE: the run got as far as the credentials
    assert (code, "no AWS credentials found" in err) == (2, True), err
    code, _, err = run("deploy", "--stack-name", "s", "--capabilities", "CAPABILITY_IAM", "x.y")
    assert "cannot read x.y" in err
