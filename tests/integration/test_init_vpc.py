"""``privgw init --vpc`` on the local endpoint: the VPC's CIDRs and one subnet per
Availability Zone are read, and the starter builds with them; without credentials it says so
in one line and writes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from privgw.cli import main
from privgw.config import load_any
from tests.support.localaws.endpoint import REGION, LocalAws


def _init(local: LocalAws, vpc: str, out: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["init", "orders", "--vpc", vpc, "--region", REGION, "--endpoint-url", local.url]
    code = main([*argv, "-o", str(out)], stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_the_vpcs_cidrs_and_a_subnet_per_zone_are_read(aws_env: LocalAws, tmp_path: Path) -> None:
    ec2 = aws_env.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.91.0.0/16")
    made = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for cidr, zone in (("10.90.1.0/24", "a"), ("10.90.2.0/24", "b"), ("10.90.3.0/24", "a"))
    ]
    config = tmp_path / "orders.yaml"
    code, out, err = _init(aws_env, vpc, config)
    assert code == 0, err
    assert f"init: reading VPC {vpc}" in err
    assert "REPLACE" not in out
    cfg = load_any(config)
    assert cfg.network is not None
    zone_a = sorted([made[0], made[2]])[0]
    assert cfg.network.subnet_ids == sorted([zone_a, made[1]])
    assert [str(c) for c in cfg.network.allowed_cidrs] == ["10.90.0.0/16", "10.91.0.0/16"]
    assert f"# Network read from {vpc}." in config.read_text(encoding="utf-8")


def test_no_credentials_is_one_line_and_nothing_written(
    aws_env: LocalAws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    config = tmp_path / "orders.yaml"
    code, _, err = _init(aws_env, "vpc-0a1b2c3d4e5f67890", config)
    assert code == 2
    assert [line for line in err.splitlines() if line.startswith("privgw: error:")] == [
        line for line in err.splitlines() if line.strip()
    ]
    assert "no AWS credentials found, so nothing was sent" in err
    assert not config.exists()
    assert not (tmp_path / "privgw.schema.json").exists()
