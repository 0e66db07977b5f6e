"""The one type every check reports in, whichever tool found the problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True)
class Finding:
    """One thing wrong with (or worth knowing about) a template, whoever found it."""

    source: str
    line: int
    rule: str
    level: Level
    message: str
    #: Where in the template (keys and list indexes): cfn-lint turns it into a line number.
    path: tuple[str | int, ...] = field(default=(), compare=False)

    @property
    def fails(self) -> bool:
        """Errors and warnings fail a build; info is advice that does not."""
        return self.level != "info"

    def format(self, filename: str) -> str:
        return f"{filename}:{self.line}: {self.level} {self.rule} [{self.source}] {self.message}"
