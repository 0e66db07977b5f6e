"""The ``privgw`` console script: SIGINT handling first, then the CLI's imports.

An interrupt while Python is still importing the CLI (troposphere, pydantic, cfn-lint's
child) would print an import traceback; until the CLI is loaded, Ctrl-C ends the run at once
with exit 130, as it does later (``cli.main`` turns KeyboardInterrupt into 130 after cleaning
up). Nothing is written during the imports, so there is nothing to clean up yet.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"privgw: interrupted\n")
    os._exit(EXIT_INTERRUPTED)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from privgw.cli import main as run_cli  # noqa: PLC0415 - imported under the handler

    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(run_cli())
