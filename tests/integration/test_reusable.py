"""A reusable template deployed twice on the local endpoint: one file, two environments,
told apart by parameters alone."""

from __future__ import annotations

from pathlib import Path

from privgw import Config, build_template, render
from tests.support.configs import REUSABLE
from tests.support.localaws.deployed import outputs_of
from tests.support.localaws.endpoint import LocalAws, create_network


def test_one_template_deploys_to_two_environments(local_aws: LocalAws, tmp_path: Path) -> None:
    path = tmp_path / "reusable.yaml"
    path.write_text(render(build_template(Config(**REUSABLE)), "yaml"), encoding="utf-8")
    for env, cidr in (("dev", "10.91.0.0/16"), ("prod", "10.92.0.0/16")):
        net = create_network(local_aws, cidr)
        result = local_aws.aws(
            "cloudformation",
            "deploy",
            "--template-file",
            str(path),
            "--stack-name",
            f"reusable-{env}",
            "--capabilities",
            "CAPABILITY_IAM",
            "--parameter-overrides",
            f"VpcId={net.vpc_id}",
            f"SubnetIds={','.join(net.subnet_ids)}",
            f"StageName={env}",
            f"AllowedCidr1={cidr}",
            check=False,
        )
        assert result.returncode == 0, result.stderr + result.stdout
        outputs = outputs_of(local_aws, f"reusable-{env}")
        assert outputs["StageName"] == env
        assert outputs["AliasUrl"].endswith(f"/{env}/")
        (endpoint,) = local_aws.client("ec2").describe_vpc_endpoints(
            VpcEndpointIds=[outputs["VpcEndpointIds"]]
        )["VpcEndpoints"]
        assert endpoint["VpcId"] == net.vpc_id
