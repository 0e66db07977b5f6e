"""The errors privgw raises; the CLI catches only ``PrivgwError``, so anything else is a bug."""

from __future__ import annotations

from dataclasses import dataclass


class PrivgwError(Exception):
    """Base class of every error privgw reports to a user (exit code 2 in the CLI)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config, in the user's words and located by its field path."""

    path: str
    message: str
    got: str | None = None
    expected: str | None = None
    #: Where the setting is written in the config file (1-based), when the format tells.
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        details = []
        if self.got is not None:
            details.append(f"got {self.got}")
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        suffix = f" ({'; '.join(details)})" if details else ""
        where = self.path or "<config>"
        return f"{where}: {self.message}{suffix}"


class ConfigError(PrivgwError):
    """Every problem found in one config, reported together so the user fixes them in one pass."""

    def __init__(
        self, problems: list[Problem], source: str | None = None, incomplete: bool = False
    ) -> None:
        self.problems = list(problems)
        self.source = source
        #: Some rules that combine fields could not run: the fields they read are invalid.
        self.incomplete = incomplete
        super().__init__(self._render())

    def _render(self) -> str:
        where = f" in {self.source}" if self.source else ""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"invalid config{where}: {count} {noun}"]
        lines.extend(f"  - {self._located(problem)}" for problem in self.problems)
        if self.incomplete:
            lines.append(
                "  fix the above first: the rules that combine these fields with others run "
                "once they are valid"
            )
        return "\n".join(lines)

    def _located(self, problem: Problem) -> str:
        """``file:line:col: path: message`` as linters write it, when the line is known."""
        if problem.line is None:
            return str(problem)
        line, column = problem.line, problem.column or 1
        where = f"{self.source}:{line}:{column}" if self.source else f"line {line}:{column}"
        text = str(problem)
        return f"{where}: {text.removeprefix('<config>: ')}"


class OutputError(PrivgwError):
    """A template could not be written where the user asked (nothing was changed on disk)."""


class RegionError(PrivgwError):
    """A region cfn-lint (and so CloudFormation) does not know; nothing was written."""


class TemplateReadError(PrivgwError):
    """A template given to ``privgw lint`` could not be read or parsed."""
