"""The rules reference: each of privgw's cfn-lint rules from its class (id, level, what it
checks, why, the AWS documentation), with a template it finds wrong and one it passes, both
linted here so the page cannot claim what the rule does not do."""

from __future__ import annotations


def _level(severity: str) -> str:
    return {"error": "error", "warning": "warning", "informational": "info"}.get(severity, severity)


def rules_page() -> str:
    from docsgen.rule_examples import EXAMPLES, checked  # noqa: PLC0415
    from privgw.rules import RULES  # noqa: PLC0415

    lines = [
        "# Lint rules",
        "",
        "After this page you can tell what each of privgw's lint rules checks, why, and what "
        "a template it refuses and one it passes look like.",
        "",
        "Generated from the rule classes in `src/privgw/rules/` (`python -m docsgen`). "
        "privgw runs them inside cfn-lint on every template it builds or lints; plain "
        "cfn-lint runs them with `--append-rules privgw.rules`. `privgw lint --list-rules` "
        "prints the same list.",
        "",
        "| rule | level | checks |",
        "| --- | --- | --- |",
    ]
    for rule in RULES:
        lines.append(
            f"| [{rule.id}](#{rule.id.lower()}) | {_level(rule().severity)} | {rule.shortdesc} |"
        )
    lines.append("")
    for rule in RULES:
        lines += [
            f"## {rule.id}",
            "",
            f"**{rule.shortdesc}** ({_level(rule().severity)})",
            "",
            rule.description,
            "",
            f"AWS documentation: <{rule.source_url}>",
            "",
        ]
        example = EXAMPLES.get(rule.id)
        if example is None:  # a size: a snippet would be as long as the limit
            lines += [
                "No snippet: the rule measures the template's size, so a refused example would "
                "be as long as the limit. Any template under it passes.",
                "",
            ]
            continue
        found, passed = checked(rule.id, example)
        lines += [
            f"Refused ({found}):",
            "",
            "```yaml",
            example.failing.strip(),
            "```",
            "",
            f"Passed ({passed}):",
            "",
            "```yaml",
            example.passing.strip(),
            "```",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
