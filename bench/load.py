"""Load test of `playlistrec serve` on loopback: many requests over every endpoint while slow clients hang on.

    PYTHONPATH=src python bench/load.py [--root .] [--requests 1000] [--concurrency 50] [--slow 300]

Starts `playlistrec serve --port 0` over the pipeline folder `--root` (its artefacts must exist: run
`dvc repro` first), waits for it to load its models, warms it up (every title and seed track of the mix once
per model: the title vectors and neighbour lists a user fills anyway), then at the same time

- sends `--requests` requests, `--concurrency` in flight (one keep-alive connection per client thread),
  mixed over every endpoint: the page, its script and style sheet (GET and HEAD), models, search, recommend
  by title, by seeds and by both with every model, plus requests the API must refuse (unknown seed, bad
  types, a 300 KB body, too many search words, unknown path, a foreign Host header), each with the status
  it must get;
- holds `--slow` slow clients, each sending a request one byte per second, which the server must cut
  (its request deadline) instead of waiting for them;

and then sends `--big` bodies of 30 MB, which must be refused (413) without being kept.

Prints one JSON object: statuses, unexpected answers (errors), latency percentiles of the requests, how
long the slow clients were held, and the server's resident memory (VmRSS) after the warm-up, after the
load and once the slow clients are gone. Loopback only; it stops by itself and stops the server.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
TITLES = ["summer vibes", "gym", "chill", "road trip", "party 🎉", "sad songs", "throwback", "study", "rock", "worship"]


@dataclass(frozen=True)
class Call:
    """One request of the mix and the statuses it may get."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    expected: tuple[int, ...] = (200,)
    headers: dict[str, str] = field(default_factory=dict)


def request_mix(models: list[str], uris: list[str], rng: random.Random) -> list[Call]:
    """One round of requests over every endpoint, valid ones with their answer, refused ones with their 4xx."""
    title = rng.choice(TITLES)
    seeds = rng.sample(uris, k=min(5, len(uris)))
    calls = [
        Call("GET", "/"),
        Call("HEAD", "/"),
        Call("GET", "/static/app.js"),
        Call("GET", "/static/style.css"),
        Call("GET", "/api/models"),
        Call("HEAD", "/api/models"),
        Call("GET", f"/api/search?q={title.split()[0]}&limit=20"),
        Call("GET", "/api/search?q=" + "+".join(["a"] * 30), None, (400,)),  # over the word cap: refused
        Call("POST", "/api/recommend", {"title": title, "n": 20}),
        Call("POST", "/api/recommend", {"title": "", "seeds": seeds, "n": 50}),
        Call("POST", "/api/recommend", {"title": "x", "seeds": ["spotify:track:" + "Z" * 22]}, (400,)),
        Call("POST", "/api/recommend", {"title": "x", "n": "5"}, (422,)),
        Call("POST", "/api/recommend", {"title": "x" * 300_000}, (413,)),  # over the body limit
        Call("GET", "/no/such/page", None, (404,)),
        Call("GET", "/api/models", None, (400,), {"Host": "evil.example"}),
    ]
    calls += [Call("POST", "/api/recommend", {"title": title, "seeds": seeds[:2], "model": m}) for m in models]
    return calls


def warm_up_calls(models: list[str], uris: list[str]) -> list[Call]:
    """Every title of the mix and every seed of the pool once per model: the caches a real user fills anyway
    (title vectors, item-item neighbour lists) are full before the memory is first measured."""
    calls = [Call("POST", "/api/recommend", {"title": title, "model": m}) for m in models for title in TITLES]
    chunks = [uris[i : i + 5] for i in range(0, len(uris), 5)]
    return calls + [Call("POST", "/api/recommend", {"seeds": chunk, "model": m}) for m in models for chunk in chunks]


def send(connection: http.client.HTTPConnection, call: Call) -> tuple[int, float]:
    """Send one call on a keep-alive connection; return (status, seconds)."""
    body = json.dumps(call.body).encode() if call.body is not None else None
    headers = {"Content-Type": "application/json", **call.headers} if body else dict(call.headers)
    start = time.perf_counter()
    connection.request(call.method, call.path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close":
        connection.close()
    return response.status, time.perf_counter() - start


def run_requests(port: int, calls: list[Call], concurrency: int) -> dict[str, Any]:
    """Send `calls` with `concurrency` client threads; return statuses, unexpected answers and latencies."""
    local = threading.local()

    def one(call: Call) -> tuple[Call, int, float]:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            status, seconds = send(local.connection, call)
        except (OSError, http.client.HTTPException):
            local.connection.close()
            return call, -1, 0.0
        return call, status, seconds

    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, calls))
    latencies = sorted(seconds for _, status, seconds in results if status > 0)
    errors = [f"{c.method} {c.path}: {s}" for c, s, _ in results if s not in c.expected]

    def percentile(q: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else 0.0

    return {
        "requests": len(results),
        "statuses": dict(sorted(Counter(str(s) for _, s, _ in results).items())),
        "errors": len(errors),
        "error_examples": errors[:5],
        "latency_ms": {"p50": percentile(0.5), "p95": percentile(0.95), "p99": percentile(0.99), "max": percentile(1)},
    }


async def slow_client(port: int, give_up_s: float) -> float:
    """Send a request one byte a second until the server closes the connection; return the seconds held."""
    reader, writer = await asyncio.open_connection(HOST, port)
    start = time.perf_counter()
    request = b"POST /api/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n" + b"{" * 100000
    try:
        for byte in request:
            if time.perf_counter() - start > give_up_s:
                break
            writer.write(bytes([byte]))
            await writer.drain()
            try:
                if await asyncio.wait_for(reader.read(1024), timeout=1.0) == b"":
                    break  # closed by the server
            except TimeoutError:
                continue
    except ConnectionError:
        pass
    finally:
        writer.close()
    return time.perf_counter() - start


def run_slow_clients(port: int, count: int, give_up_s: float) -> dict[str, Any]:
    """Hold `count` slow clients at once; return how long the server let them hang on."""

    async def all_clients() -> list[float]:
        return list(await asyncio.gather(*(slow_client(port, give_up_s) for _ in range(count))))

    held = sorted(asyncio.run(all_clients())) if count else [0.0]
    return {"slow_clients": count, "held_s": {"median": round(held[len(held) // 2], 1), "max": round(held[-1], 1)}}


def big_bodies(port: int, count: int, megabytes: int = 30) -> dict[str, Any]:
    """Send `count` bodies of `megabytes` MB each (the server must answer 413 and keep none of it)."""
    body = b"{" + b" " * (megabytes * 2**20 - 2) + b"}"
    head = "POST /api/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    head += f"Content-Length: {len(body)}\r\n\r\n"
    statuses = Counter()
    for _ in range(count):
        with socket.create_connection((HOST, port), timeout=60) as client:
            client.sendall(head.encode() + body)
            statuses[client.recv(64).split(b" ")[1].decode()] += 1
    return {"big_bodies": count, "big_body_mib": megabytes, "big_body_statuses": dict(statuses)}


def rss_mib(pid: int) -> float:
    """The resident memory of a process in MiB (VmRSS)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024, 1)


def start_server(root: Path) -> tuple[subprocess.Popen[str], int]:
    """Start `playlistrec serve --port 0`; return it and its port once it serves."""
    command = [sys.executable, "-m", "playlistrec.cli", "serve", "--port", "0", "--root", str(root)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    match = re.search(r"http://[^/]+:(\d+)/", line)
    if not match:
        server.kill()
        raise SystemExit(f"load: the server did not start: {line!r}")
    return server, int(match[1])


def catalogue_uris(root: Path, count: int, seed: int) -> list[str]:
    """Random track URIs of the catalogue, for seed requests."""
    import pandas as pd

    uris = pd.read_parquet(root / "data" / "preprocessed" / "tracks.parquet", columns=["track_uri"])["track_uri"]
    return uris.sample(n=min(count, len(uris)), random_state=seed).tolist()


def main() -> None:
    """Run the load test and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="pipeline folder with artefacts")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--slow", type=int, default=300, help="slow clients held during the load")
    parser.add_argument("--big", type=int, default=10, help="30 MB bodies sent after the load")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    server, port = start_server(args.root)
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        connection.request("GET", "/api/models")
        models = json.loads(connection.getresponse().read())["models"]
        rng = random.Random(args.seed)
        uris = catalogue_uris(args.root, 200, args.seed)
        calls: list[Call] = []
        while len(calls) < args.requests:
            calls += request_mix(models, uris, rng)
        calls = calls[: args.requests]
        rss_loaded = rss_mib(server.pid)
        warm_up = run_requests(port, warm_up_calls(models, uris), args.concurrency)
        if warm_up["errors"]:
            raise SystemExit(f"load: the warm-up failed: {warm_up['error_examples']}")
        rss_start = rss_mib(server.pid)
        with ThreadPoolExecutor(1) as background:
            slow = background.submit(run_slow_clients, port, args.slow, 60.0)
            time.sleep(1.0)  # the slow clients are connected before the load starts
            started = time.perf_counter()
            figures = run_requests(port, calls, args.concurrency)
            figures["seconds"] = round(time.perf_counter() - started, 1)
            figures["rss_mib_after_load"] = rss_mib(server.pid)
            figures.update(slow.result())
        figures.update(big_bodies(port, args.big))
        time.sleep(2.0)
        figures["rss_mib"] = {"loaded": rss_loaded, "start": rss_start, "end": rss_mib(server.pid)}
        figures["rss_mib"]["growth"] = round(figures["rss_mib"]["end"] - rss_start, 1)
        print(json.dumps({"models": models, **figures}, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
