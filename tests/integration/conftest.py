"""The local CloudFormation endpoint (patched moto on 127.0.0.1), one per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.localaws.endpoint import LocalAws


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAws]:
    local = LocalAws.start()
    try:
        yield local
    finally:
        local.stop()
