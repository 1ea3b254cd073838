"""Title-only NDCG@500 of the title models on the VALIDATION (choosing) or test split, by title bucket.

    PYTHONPATH=src .venv/bin/python bench/cf_title.py [--split val] [--models title_cf title_pretrained ...]
        [--set title_cf.vote=title_pretrained ...]

Models are fitted on the train split (as the eval stage fits them) with params.yaml's `recommend` section,
`--set name.key=value` or `--set key=value` written over it, and scored on the title-only queries of the split's
playlists (the eval's first scenario). Prints one line per model: overall, head, torso, tail, unseen NDCG@500,
tail+unseen together, and the wall time of fitting and scoring; the load average first. `--latency N` then
times N new titles (never a train title, so each one is encoded) through `recommend(title, n=500)` of each
fitted model: p50 and p95 milliseconds of encode + score + rank, model loaded and encoder warm.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import yaml

from playlistrec.artefacts import load_pipeline
from playlistrec.evaluate.aggregate import evaluate_models, title_buckets
from playlistrec.io import load_params
from playlistrec.recommenders.registry import make_models
from playlistrec.scenarios import SCENARIOS, build_scenarios


def override(hyper: dict, assignments: list[str]) -> dict:
    """`hyper` with each `key=value` or `model.key=value` (a YAML value) written over it."""
    hyper = {key: dict(value) if isinstance(value, dict) else value for key, value in hyper.items()}
    for assignment in assignments:
        key, value = assignment.split("=", 1)
        *section, name = key.split(".")
        target = hyper.setdefault(section[0], {}) if section else hyper
        target[name] = yaml.safe_load(value)
    return hyper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--split", choices=["val", "test"], default="val")
    parser.add_argument("--models", nargs="+", default=["exact_title", "title_pretrained", "title_cf"])
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--latency", type=int, default=0, metavar="N", help="time N new title queries per model")
    args = parser.parse_args()
    params = load_params(args.root / "params.yaml")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; split {args.split}")
    data = load_pipeline(args.root)
    train = data.train_set()
    playlists, items = data.subset(args.split)
    title_only = build_scenarios(playlists, items, len(data.catalogue), params["seed"], SCENARIOS[:1])
    buckets = [title_buckets(title_only[0].titles, data.titles)]
    artists = data.catalogue.tracks["artist_id"].to_numpy()
    for name, model in make_models(args.models, override(params["recommend"], args.set)).items():
        started = time.perf_counter()
        per_query = evaluate_models({name: model.fit(train)}, title_only, buckets, artists, 500, [10])
        ndcg = per_query.groupby("bucket")["ndcg"].mean()
        rare = per_query["bucket"].isin(["tail", "unseen"])
        figures = " ".join(f"{b} {ndcg.get(b, np.nan):.4f}" for b in ("head", "torso", "tail", "unseen"))
        overall, rare_ndcg = per_query["ndcg"].mean(), per_query.loc[rare, "ndcg"].mean()
        print(
            f"{name:18s} all {overall:.4f} {figures} tail+unseen {rare_ndcg:.4f} "
            f"({time.perf_counter() - started:.0f} s, {len(per_query)} queries)",
            flush=True,
        )
        if args.latency:
            model.recommend("warm up the encoder", n=500)
            titles = [f"new title {i} songs" for i in range(args.latency)]
            times = []
            for title in titles:
                started = time.perf_counter()
                model.recommend(title, n=500)
                times.append((time.perf_counter() - started) * 1000)
            p50, p95 = np.percentile(times, [50, 95])
            print(f"{name:18s} new title query p50 {p50:.1f} ms, p95 {p95:.1f} ms ({args.latency} titles)", flush=True)


if __name__ == "__main__":
    main()
