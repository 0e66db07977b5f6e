"""The body form deployed on the local endpoint: examples with every kind of target, an
authorizer, validation and gateway responses, as one OpenAPI Body (both flavours), read back
method by method exactly as the resources form is (``test_deploy.check_deployed``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from privgw import validate_config
from privgw.flavours import Flavour
from tests.integration.test_deploy import check_deployed
from tests.support.configs import ROOT
from tests.support.localaws.deployed import aws_deploy, stack_failure
from tests.support.localaws.endpoint import LocalAws, create_network
from tests.support.localaws.stacks import deployable, example_data, localise

BODY_EXAMPLES = [
    ROOT / "examples" / f"{name}.yaml" for name in ("services", "secured", "platform", "store")
]


@pytest.mark.parametrize("flavour", ["cfn", "sam"])
@pytest.mark.parametrize("example", BODY_EXAMPLES, ids=[p.stem for p in BODY_EXAMPLES])
def test_examples_deploy_as_one_body(
    local_aws: LocalAws, example: Path, flavour: Flavour, tmp_path: Path
) -> None:
    net = create_network(local_aws)
    data = localise(example_data(example), net, local_aws)
    data["api_definition"] = "body"
    stack = f"body-{example.stem}-{flavour}"
    result = aws_deploy(local_aws, deployable(data, flavour, net, local_aws, tmp_path), stack)
    assert result.returncode == 0, result.stderr + result.stdout + stack_failure(local_aws, stack)
    check_deployed(local_aws, stack, validate_config(data, folder=tmp_path), flavour)
