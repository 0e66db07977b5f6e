"""Replaces: moto 5.2.5 moto/cloudformation/parsing.py ResourceMap.load_parameters (splits list
parameters only when passed).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "list-parameter-defaults",
    "moto splits List<...>/CommaDelimitedList parameter values only when they are passed, not "
    "when the Default applies, so a reusable template deployed with its defaults got a "
    "string where a list belongs; the patch splits defaults too, as AWS does.",
)
def _list_defaults() -> None:
    parsing: Any = importlib.import_module("moto.cloudformation.parsing")
    original = parsing.ResourceMap.load_parameters

    def load_parameters(self: Any) -> None:
        original(self)
        for name, slot in (self._template.get("Parameters") or {}).items():
            kind = str(slot.get("Type", ""))
            value = self.resolved_parameters.get(name)
            if (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(
                value, str
            ):
                self.resolved_parameters[name] = value.split(",")
                if name in self._parsed_resources:  # what Ref resolves from
                    self._parsed_resources[name] = self.resolved_parameters[name]

    parsing.ResourceMap.load_parameters = load_parameters
