"""The k-means sweep on a sample vs on all playlists: do the elbow and coherence curves move?

    PYTHONPATH=src .venv/bin/python bench/cluster_sample.py [--root PIPELINE_FOLDER] [--samples 5000 10000]

Reads a pipeline folder's playlist vectors and titles (after `dvc repro`; default: the current folder),
runs `clustering.sweep` with params.yaml's `cluster` settings on all playlists and on each sample size, and
prints per k the inertia (scaled to all playlists) and the coherences, with the sample's relative
inertia difference and absolute coherence differences to the full sweep.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from playlistrec import paths
from playlistrec.clustering import sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--samples", type=int, nargs="+", default=[5000, 10000])
    args = parser.parse_args()
    params = yaml.safe_load((args.root / paths.PARAMS).read_text())
    cfg, seed = params["cluster"], params["seed"]
    vectors = np.load(args.root / paths.PLAYLIST_VECTORS)
    titles = pd.read_parquet(args.root / paths.PLAYLISTS, columns=["title"])["title"].tolist()
    tables = {}
    for size in [0, *args.samples]:
        started = time.perf_counter()
        tables[size] = sweep(vectors, titles, cfg["sweep"], cfg["min_coherence"], seed, cfg["n_init"], size)
        print(f"sample {size or len(vectors)}: sweep in {time.perf_counter() - started:.0f} s")
    full = tables[0].set_index("k")
    columns = ["inertia", "mean_coherence", "weighted_coherence", "kept_share"]
    print("| k | " + " | ".join(f"all: {c}" for c in columns) + " |")
    for k, row in full.iterrows():
        print(f"| {k} | " + " | ".join(f"{row[c]:.5g}" for c in columns) + " |")
    for size in args.samples:
        table = tables[size].set_index("k")
        inertia = (table["inertia"] / full["inertia"] - 1).abs()
        print(f"\nsample {size}:\n| k | inertia rel. diff | " + " | ".join(f"{c} diff" for c in columns[1:]) + " |")
        for k in full.index:
            diffs = [table.loc[k, c] - full.loc[k, c] for c in columns[1:]]
            print(f"| {k} | {inertia[k]:.3f} | " + " | ".join(f"{d:+.4f}" for d in diffs) + " |")
        elbow = np.diff(np.log(table["inertia"])) - np.diff(np.log(full["inertia"]))
        print(f"max |inertia diff| {inertia.max():.3f}; max slope diff of log inertia {np.abs(elbow).max():.3f}")


if __name__ == "__main__":
    main()
