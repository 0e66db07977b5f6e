"""`make deploy-local`: the whole flow without an AWS account.

Starts the local endpoint (patched moto on a loopback port), creates what the examples expect
(VPC, subnets, existing endpoints, an artifact bucket), then deploys every example with
`privgw deploy` and prints what it printed: progress, outputs, invoke URLs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from privgw.cli import main as privgw
from tests.localaws.endpoint import REGION, ROOT, LocalAws, create_network
from tests.localaws.stacks import deployable, example_data, localise


def run() -> int:
    local = LocalAws.start()
    print(f"local AWS endpoint: {local.url} (moto, patched; nothing leaves this machine)")
    os.environ.update({k: v for k, v in local.env.items() if k.startswith("AWS_")})
    failures = 0
    try:
        for example in sorted((ROOT / "examples").glob("*.yaml")):
            net = create_network(local)
            data = localise(example_data(example), net, local)
            with tempfile.TemporaryDirectory() as tmp:
                template = deployable(data, "cfn", net, local, Path(tmp))
                print(f"\n=== {example.name} -> stack {example.stem}")
                code = privgw(
                    [
                        "deploy",
                        str(template),
                        "--stack-name",
                        example.stem,
                        "--endpoint-url",
                        local.url,
                        "--region",
                        REGION,
                    ]
                )
                failures += code != 0
    finally:
        local.stop()
    print(f"\n{'all examples deployed' if not failures else f'{failures} deploy(s) failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run())
