"""A local AWS endpoint: moto's server on a loopback port, patched (localaws/moto_compat/).

    make local-aws                                 # port 5055, or make local-aws PORT=N
    python -m tests.support.localaws.server --port 5055 --announce

Binds only to 127.0.0.1; prints "ready <url>" once it accepts requests (the deploy tests wait
for that line); with --announce also what to export in another shell. Ctrl-C (or SIGTERM)
stops it cleanly.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from tests.support.localaws import moto_compat
from tests.support.localaws.moto_compat.lambda_code import URL_VARIABLE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--announce", action="store_true", help="print the environment to export, for people"
    )
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}"
    os.environ[URL_VARIABLE] = url  # where a function's package is downloaded from
    moto_compat.apply()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    print(f"ready {url}", flush=True)
    if args.announce:
        print(ANNOUNCEMENT.format(url=url), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()
    if args.announce:
        print("local AWS endpoint stopped", flush=True)
    return 0


ANNOUNCEMENT = """\
local AWS endpoint at {url} (moto, patched; nothing leaves this machine). In another shell:

  export AWS_ENDPOINT_URL={url} AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \\
         AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
  aws ec2 create-vpc --cidr-block 10.0.0.0/16     # what your config refers to must exist here
  privgw deploy templates/NAME.yaml --stack-name NAME

SAM templates need the transform first (this endpoint cannot run it; `make deploy-local` shows
how). Ctrl-C stops the endpoint."""


if __name__ == "__main__":
    sys.exit(main())
