"""Benchmark of the evaluation: the full eval (every model, test playlist and scenario) and query latency.

Run from the repository root after `dvc repro` (or point --root at another pipeline folder):

    PYTHONPATH=src .venv/bin/python bench/eval.py [--root .] [--repeats 50]

Prints wall and CPU seconds of `run_evaluation` (targets: under 2 minutes on 2 cores at the default
20k playlists), the cold start of `load_recommenders` + first title query, and the p50/p95 latency of one
title query (model loaded, encoder warm, 500 tracks; target < 30 ms). The load average is printed
because wall times on a shared machine are only comparable at similar load.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from playlistrec.evaluate import load_recommenders, run_evaluation
from playlistrec.io import load_params

QUERIES = (
    "workout",
    "rainy sunday",
    "beast mode",
    "songs for the gym 💪",
    "chill vibes",
    "old school hip hop",
)


def timed(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--repeats", type=int, default=50, help="title queries timed for the latency")
    parser.add_argument("--model", default="title_finetuned", help="model of the latency figure")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at start")

    models, load_wall, _ = timed(load_recommenders, args.root, models=[args.model])
    model = models[args.model]
    _, first_wall, _ = timed(model.recommend, QUERIES[0], n=500)
    print(f"cold start: load_recommenders {load_wall:.2f} s + first title query (loads the encoder) {first_wall:.2f} s")
    latencies = []
    for i in range(args.repeats):
        title = f"{QUERIES[i % len(QUERIES)]} {i}"  # a new title each time: the encoder runs every query
        latencies.append(timed(model.recommend, title, n=500)[1] * 1000)
    p50, p95 = np.percentile(latencies, [50, 95])
    print(f"title query ({args.model}, n=500): p50 {p50:.1f} ms, p95 {p95:.1f} ms")

    result, wall, cpu = timed(run_evaluation, args.root, load_params(args.root / "params.yaml"))
    n_queries = int(result.by_scenario.groupby("model")["n_queries"].sum().iloc[0])
    print(
        f"full eval: {wall:.1f} s wall, {cpu:.1f} s CPU, {len(result.compact)} models x {n_queries} "
        f"scenario queries; load average {os.getloadavg()[0]:.1f} at end"
    )


if __name__ == "__main__":
    main()
