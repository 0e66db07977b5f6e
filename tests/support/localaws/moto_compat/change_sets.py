"""Replaces: moto 5.2.5 moto/cloudformation/models.py FakeStack/FakeChangeSet apply (template
order, no outputs/exports, HTTP errors for failures).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "change-set-order-outputs-failures",
    "On the change-set path (every `aws cloudformation deploy`) moto creates new resources in "
    "template order, ignoring DependsOn and references, never computes Outputs or Exports, "
    "cannot resolve Fn::ImportValue, and turns a failing resource into an HTTP error instead "
    "of a failed stack. The patch creates added resources in dependency order, gives the stack "
    "the account's exports and publishes its own, rebuilds the outputs after execution, and "
    "records a failure as CREATE_FAILED/ROLLBACK_COMPLETE with the resource's reason, as AWS "
    "does.",
)
def _change_sets() -> None:
    models: Any = importlib.import_module("moto.cloudformation.models")
    parsing: Any = importlib.import_module("moto.cloudformation.parsing")

    original_update = parsing.ResourceMap.update

    def update(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
        resources = template.get("Resources", {})
        order = _dependency_order(resources)
        template = {**template, "Resources": {k: resources[k] for k in order}}
        original_update(self, template, parameters)

    parsing.ResourceMap.update = update

    for name in ("parse_and_create_resource", "parse_and_update_resource"):
        setattr(parsing, name, _naming_failures(getattr(parsing, name)))

    def execute_change_set(self: Any, change_set_name: str, stack_name: Any = None) -> None:
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        kind = change_set.change_set_type
        stack.cross_stack_resources = self.exports  # Fn::ImportValue sees other stacks' exports
        stack.resource_map.cross_stack_resources = self.exports
        stack._add_stack_event(f"{kind}_IN_PROGRESS", resource_status_reason="User Initiated")
        try:
            change_set.apply()
        except Exception as exc:  # any resource failure fails the stack, as in AWS
            failed = getattr(exc, "logical_id", None) or _failing_resource(change_set, stack)
            reason = getattr(exc, "message", None) or str(exc)
            stack.events.append(
                models.Event(
                    stack_id=stack.stack_id,
                    stack_name=stack.name,
                    logical_resource_id=failed or stack.name,
                    physical_resource_id="",
                    resource_type=_resource_type(change_set, failed),
                    resource_status=f"{kind}_FAILED",
                    resource_status_reason=reason,
                    resource_properties=None,
                )
            )
            final = "ROLLBACK_COMPLETE" if kind == "CREATE" else "UPDATE_ROLLBACK_COMPLETE"
            stack._add_stack_event(final, resource_status_reason=reason)
            stack.status = final
            change_set.execution_status = "EXECUTE_FAILED"
            return
        stack._add_stack_event(f"{kind}_COMPLETE")
        change_set.execution_status = "EXECUTE_COMPLETE"
        stack.status = f"{kind}_COMPLETE"
        stack.template = change_set.template
        stack._parse_template()
        stack.output_map = stack._create_output_map()
        for export in stack.exports:
            self.exports[export.name] = export

    models.CloudFormationBackend.execute_change_set = execute_change_set


def _naming_failures(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Tag an exception with the logical id of the resource that raised it."""

    def wrapper(logical_id: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(logical_id, *args, **kwargs)
        except Exception as exc:
            tagged: Any = exc
            if not hasattr(tagged, "logical_id"):
                tagged.logical_id = logical_id
                if isinstance(exc, KeyError):
                    tagged.message = f"missing property or reference {exc}"
            raise

    return wrapper


def _dependency_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids with every resource after what it references or DependsOn."""

    def deps(body: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(body, dict):
            for key, value in body.items():
                if key == "Ref" and isinstance(value, str):
                    found.add(value)
                elif key == "Fn::GetAtt":
                    target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                    found.add(target)
                elif key == "Fn::Sub":
                    text = value if isinstance(value, str) else value[0]
                    found.update(part.split(".")[0] for part in _sub_names(text))
                    found |= deps(value)
                else:
                    found |= deps(value)
        elif isinstance(body, list):
            for item in body:
                found |= deps(item)
        return found

    graph = {}
    for name, body in resources.items():
        depends = body.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else list(depends)
        graph[name] = {d for d in deps(body.get("Properties", {})) | set(depends) if d in resources}
    order: list[str] = []
    placed: set[str] = set()

    def visit(name: str, seen: frozenset[str]) -> None:
        if name in placed or name in seen:
            return
        for dep in sorted(graph[name]):
            visit(dep, seen | {name})
        placed.add(name)
        order.append(name)

    for name in resources:
        visit(name, frozenset())
    return order


def _sub_names(text: str) -> list[str]:
    import re

    return [m for m in re.findall(r"\$\{([^}!]+)\}", text) if "::" not in m]


def _failing_resource(change_set: Any, stack: Any) -> str | None:
    created = set(stack.resource_map._parsed_resources)
    for name in _dependency_order(change_set.template_dict.get("Resources", {})):
        if name not in created:
            return name
    return None


def _resource_type(change_set: Any, logical_id: str | None) -> str:
    resources = change_set.template_dict.get("Resources", {})
    if logical_id in resources:
        return str(resources[logical_id].get("Type", ""))
    return "AWS::CloudFormation::Stack"
