"""``python -m docsgen [--check]``: write the reference pages, or only say which are stale."""

from __future__ import annotations

import sys

from docsgen import REFERENCE, pages, stale


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        old = stale()
        for name in old:
            print(f"docs/reference/{name} is stale: run `make reference`", file=sys.stderr)
        return 1 if old else 0
    REFERENCE.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (REFERENCE / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/reference/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
