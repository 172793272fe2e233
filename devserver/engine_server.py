"""The embedded engine's process: moto's server app, serving ONE request at a time.

`python -m moto.server` is threaded, and moto's TransactWriteItems rolls a cancelled
transaction back by restoring a copy of the whole table taken when it began: with two
requests in flight, a cancelled transaction can undo another one's committed write (seen
here as a lost increment under concurrent writers). DynamoDB itself never does that.
Serving requests one by one keeps every operation atomic, as DynamoDB's are; moto holds
the GIL for its work anyway, so little throughput is lost.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def _stop(signum: int, frame: Any) -> None:
    sys.exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    app = DomainDispatcherApplication(create_backend_app)
    # moto copies whole tables per transaction; the copies are freed by reference
    # counting, but they trigger full collections whose pauses grow with the data (seen:
    # 100-190 ms spikes every few writes on a few hundred items). Collect rarely.
    gc.freeze()
    gc.set_threshold(100_000, 50, 1_000)
    run_simple(
        args.host,
        args.port,
        app,
        threaded=False,
        use_reloader=False,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
