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


@pytest.fixture
def aws_env(local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> LocalAws:
    """The local endpoint, with its AWS_* settings in this process's environment (for code
    under test that builds its own boto3 clients)."""
    for key, value in local_aws.env.items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    return local_aws
