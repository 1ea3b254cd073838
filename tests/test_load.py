"""A small run of bench/load.py's load against the app over the fake service (no timing assertions).

The bench itself runs `playlistrec serve` over real artefacts with 1,000 requests, 50 in flight and 300
slow clients (bench/RESULTS.md); here 120 requests, 10 in flight and 20 slow clients must all get the answer
they must get, while the slow clients are cut at the request deadline.
"""

from __future__ import annotations

import importlib.util
import random
import sys
import threading
import time
from pathlib import Path

from test_web import catalogue, fake_service

from playlistrec.web.app import create_app
from playlistrec.web.server import ServerLimits, listen, make_server

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
load = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # registered first: it has dataclasses
spec.loader.exec_module(load)


def test_mixed_requests_with_slow_clients_all_get_their_answer() -> None:
    sock = listen("127.0.0.1", 0)
    server = make_server(create_app(fake_service()), ServerLimits(request_timeout_s=1.0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        port = sock.getsockname()[1]
        rng = random.Random(0)
        calls: list = []
        while len(calls) < 120:
            calls += load.request_mix(["popular", "blend"], list(catalogue()["track_uri"]), rng)
        with load.ThreadPoolExecutor(1) as background:
            slow = background.submit(load.run_slow_clients, port, 20, 10.0)
            figures = load.run_requests(port, calls[:120], 10)
            held = slow.result()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert figures["errors"] == 0, figures["error_examples"]
    assert figures["requests"] == 120 and {"200", "400", "404", "422"} <= set(figures["statuses"])
    assert held["held_s"]["max"] < 5  # cut at the 1 s deadline, not held until the client gives up (10 s)
