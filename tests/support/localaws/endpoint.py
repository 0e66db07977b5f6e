"""The AWS endpoint the deploy tests talk to: a patched moto server on a free loopback port
(default), or whatever ``PRIVGW_AWS_ENDPOINT_URL`` names (LocalStack, a sandbox account
behind a proxy, ...), so the same tests run against the real thing unchanged."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
AWS_CLI = str(Path(sys.executable).with_name("aws"))
REGION = os.environ.get("PRIVGW_AWS_REGION", "us-east-1")
#: The account moto serves every request as (its default).
ACCOUNT = "123456789012"
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class AwsError(RuntimeError):
    """An aws CLI call failed; the message is what the CLI printed."""


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LocalAws:
    """A running endpoint and the environment for talking to it."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen[str] | None = None
    is_moto: bool = True
    calls: list[list[str]] = field(default_factory=list)

    @classmethod
    def start(cls) -> LocalAws:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PRIVGW_AWS"))}
        base_env.update(AWS_DEFAULT_REGION=REGION, AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="")
        configured = os.environ.get("PRIVGW_AWS_ENDPOINT_URL")
        if configured:
            passthrough = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
            return cls(configured, {**base_env, **passthrough}, is_moto=False)
        port = free_loopback_port()
        url = f"http://127.0.0.1:{port}"
        # AWS_ENDPOINT_URL sends *every* service the CLI and boto3 touch (S3 uploads of
        # `aws cloudformation package` included) to the loopback endpoint, never elsewhere.
        env = {**base_env, **DUMMY_CREDENTIALS, "AWS_ENDPOINT_URL": url}
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.localaws.server", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        deadline = time.monotonic() + 90
        line = ""
        while time.monotonic() < deadline and process.poll() is None:
            line = process.stdout.readline()
            if line.startswith("ready "):
                break
        if not line.startswith("ready "):
            process.kill()
            raise RuntimeError("the local AWS endpoint did not start")
        assert line.split()[1] == url
        return cls(url, env, process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def client(self, service: str) -> Any:
        """A boto3 client for this endpoint (faster than the CLI for setup and read-back)."""
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=self.env.get("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=self.env.get("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=self.env.get("AWS_SESSION_TOKEN"),
            region_name=REGION,
        )
        return session.client(service, endpoint_url=self.url)

    def aws(self, *args: str, check: bool = True) -> Any:
        """Run the real aws CLI against this endpoint; JSON output parsed (None if empty)."""
        command = [
            AWS_CLI,
            "--endpoint-url",
            self.url,
            "--region",
            REGION,
            "--output",
            "json",
            *args,
        ]
        self.calls.append(command)
        result = subprocess.run(
            command, capture_output=True, text=True, env=self.env, timeout=300, check=False
        )
        if check and result.returncode != 0:
            raise AwsError(f"aws {' '.join(args[:2])} failed:\n{result.stderr}{result.stdout}")
        if not check:
            return result
        return json.loads(result.stdout) if result.stdout.strip() else None


@dataclass
class Network:
    """What the example templates expect to exist already."""

    vpc_id: str
    subnet_ids: list[str]
    cidr: str
    shared_endpoint_ids: list[str]
    caller_group_id: str
    bucket: str


def create_network(local: LocalAws, cidr: str = "10.42.0.0/16") -> Network:
    """A VPC with DNS support and hostnames, two subnets, two existing execute-api endpoints
    (private DNS off, like a second endpoint in a VPC), a caller security group and an
    artifact bucket."""
    ec2 = local.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    base = cidr.split(".")
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i}.0/24")["Subnet"][
            "SubnetId"
        ]
        for i in (1, 2)
    ]
    shared = [
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            VpcEndpointType="Interface",
            ServiceName=f"com.amazonaws.{REGION}.execute-api",
            SubnetIds=subnets[:1],
            PrivateDnsEnabled=False,
        )["VpcEndpoint"]["VpcEndpointId"]
        for _ in range(2)
    ]
    group = ec2.create_security_group(
        VpcId=vpc, GroupName=f"callers-{vpc[-6:]}", Description="API callers"
    )["GroupId"]
    bucket = f"privgw-artifacts-{vpc[-8:]}"
    local.client("s3").create_bucket(Bucket=bucket)
    return Network(vpc, subnets, cidr, shared, group, bucket)
