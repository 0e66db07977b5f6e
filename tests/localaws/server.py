"""A local AWS endpoint for the deploy tests: moto's server on a loopback port, patched.

    python -m tests.localaws.server --port 5055

Binds only to 127.0.0.1; prints "ready <url>" once it accepts requests.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from tests.localaws import moto_compat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    moto_compat.apply()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    print(f"ready http://127.0.0.1:{args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
