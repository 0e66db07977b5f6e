"""Replaces: moto 5.2.5 moto/cloudformation/parsing.py ResourceMap.validate_outputs and
clean_json (an output's Fn::GetAtt on a resource type moto does not model: HTTP 500).

Drop this module when moto does what the reason below says.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "unmodelled-getatt-outputs",
    "An output with Fn::GetAtt on a resource type moto does not model (an untransformed "
    "AWS::Serverless::Function: moto creates nothing for it) crashes moto with an HTTP 500 "
    "(it calls has_cfn_attr on None), so the stack can be neither created nor described. AWS "
    "never gets there, since it runs the SAM transform first. The patch leaves such an "
    "output's value unresolved, as the text ${Logical.Attribute}, the way moto already leaves "
    "such a resource's Fn::Sub references, so privgw deploy's check for unresolved outputs "
    "sees it.",
)
def _unmodelled_getatt() -> None:
    parsing: Any = importlib.import_module("moto.cloudformation.parsing")
    original_clean_json = parsing.clean_json
    original_validate_outputs = parsing.ResourceMap.validate_outputs

    def unmodelled(resources_map: Any, value: Any) -> str | None:
        """``${Logical.Attribute}`` for a GetAtt on a type moto does not model, else None."""
        if not (isinstance(value, dict) and list(value) == ["Fn::GetAtt"]):
            return None
        name, attribute = value["Fn::GetAtt"][:2]
        declared = resources_map._resource_json_map.get(name) or {}
        if parsing.resource_class_from_type(declared.get("Type", "")) is not None:
            return None
        return f"${{{name}.{attribute}}}"

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        text = unmodelled(resources_map, resource_json)
        return text if text is not None else original_clean_json(resource_json, resources_map)

    def validate_outputs(self: Any) -> None:
        outputs = self._template.get("Outputs") or {}
        skipped = {k: v for k, v in outputs.items() if unmodelled(self, v.get("Value"))}
        for key in skipped:
            del outputs[key]
        try:
            original_validate_outputs(self)
        finally:
            outputs.update(skipped)

    parsing.clean_json = clean_json
    parsing.ResourceMap.validate_outputs = validate_outputs
