"""Benchmark of the evaluation: the full eval (every model, test playlist and scenario) and query latency.

Run from the repository root after `dvc repro` (or point --root at another pipeline folder, e.g. the
1M-playlist one that bench/eval_scale.py builds):

    PYTHONPATH=src .venv/bin/python bench/eval.py [--root .] [--repeats 50]

Prints the cold start of loading the models (as the CLI and the web page load them) + first title query, the
p50/p95 latency of one title query (model loaded, encoder warm, a new title each time, 500 tracks; target
< 30 ms) and of one blend query with 5 seed tracks of a test playlist, then wall and CPU seconds and the
peak memory of `run_evaluation` (targets:
under 2 minutes on 2 cores at the default 20k playlists, under 15 minutes at 1M). The load average is
printed because wall times on a shared machine are only comparable at similar load.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

from playlistrec import paths
from playlistrec.artefacts import load_pipeline
from playlistrec.evaluate.run import EvalSettings, run_evaluation
from playlistrec.io import load_params
from playlistrec.service import pipeline_loader

REPO = Path(__file__).resolve().parents[1]

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


def latency_ms(model, titles: list[str], seeds: list[list[str]]) -> tuple[float, float]:
    """p50 and p95 milliseconds of `model.recommend(title, seeds, n=500)` over the given queries."""
    times = [timed(model.recommend, title, uris, n=500)[1] * 1000 for title, uris in zip(titles, seeds, strict=True)]
    p50, p95 = np.percentile(times, [50, 95])
    return float(p50), float(p95)


def test_seeds(root: Path, count: int, k: int = 5) -> list[list[str]]:
    """The first k track URIs of `count` test playlists (a seeded draw), as a blend query's seeds."""
    data = load_pipeline(root)
    playlists, items = data.subset("test")
    pids = np.random.default_rng(0).choice(playlists["pid"].to_numpy(), count)
    first = items.sort_values(["pid", "pos"]).groupby("pid").head(k).groupby("pid")["track_id"].apply(list)
    return [data.catalogue.uris(np.asarray(first.get(pid, []))) for pid in pids]


def stage_settings(params: dict[str, Any]) -> EvalSettings:
    """The evaluation's settings exactly as the eval stage maps them from params.yaml (stages/evaluate.py)."""
    spec = importlib.util.spec_from_file_location("eval_stage", REPO / "stages" / "evaluate.py")
    stage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stage)
    return stage.eval_settings(params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--repeats", type=int, default=50, help="queries timed for each latency")
    parser.add_argument("--model", default="title_finetuned", help="model of the title latency figure")
    parser.add_argument("--seeded-model", default="blend", help="model of the 5-seed latency figure (e.g. ranked)")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at start", flush=True)

    models, load_wall, _ = timed(pipeline_loader, args.root, [args.model, args.seeded_model])
    _, first_wall, _ = timed(models[args.model].recommend, f"{QUERIES[0]} cold start", n=500)  # a new title
    print(
        f"cold start: loading the models {load_wall:.2f} s + first title query (loads the encoder) {first_wall:.2f} s"
    )
    # A new title each time, so that the encoder runs for every query.
    titles = [f"{QUERIES[i % len(QUERIES)]} {i}" for i in range(args.repeats)]
    p50, p95 = latency_ms(models[args.model], titles, [[]] * args.repeats)
    print(f"title query ({args.model}, n=500): p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    seeded = args.seeded_model
    p50, p95 = latency_ms(models[seeded], [f"{t} seeded" for t in titles], test_seeds(args.root, args.repeats))
    print(f"{seeded} query (new title + 5 seeds of a test playlist, n=500): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    del models

    params = load_params(args.root / paths.PARAMS)
    result, wall, cpu = timed(run_evaluation, args.root, params["recommend"], stage_settings(params))
    n_queries = int(result.by_scenario.groupby("model")["n_queries"].sum().iloc[0])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"full eval: {wall:.1f} s wall, {cpu:.1f} s CPU, {len(result.headline)} models x {n_queries} "
        f"scenario queries; peak RSS {peak:.1f} GiB; load average {os.getloadavg()[0]:.1f} at end"
    )


if __name__ == "__main__":
    main()
