"""Hyper-parameters of the seed models chosen on the VALIDATION split (never test), and the re-ranker
against the blend on validation playlists held out of its trees.

Run from the repository root after `dvc repro` (the train_ranker stage for --ranked):

    PYTHONPATH=src .venv/bin/python bench/sweep.py [--models rp3beta artists als] [--max-queries 300] [--ranked]

Each configuration is fitted on train and scored on at most --max-queries validation queries per seeded
scenario (an even spread); prints mean NDCG@500, R-precision and clicks over the seeded scenarios, and the
load average (wall times on a shared machine are only comparable at similar load).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from playlistrec import paths
from playlistrec.artefacts import load_pipeline
from playlistrec.evaluate.aggregate import evaluate_models
from playlistrec.io import load_params
from playlistrec.recommenders.ranker_train import held_out, validation_scenarios
from playlistrec.recommenders.registry import build, with_artefacts
from playlistrec.scenarios import ScenarioQueries

GRIDS: dict[str, list[dict[str, Any]]] = {
    "rp3beta": [{"alpha": a, "beta": b} for a in (0.5, 0.7, 1.0) for b in (0.0, 0.2)],
    "artists": [{"popularity_power": p} for p in (0.0, 0.5, 1.0)],
    "als": [
        {"factors": f, "regularization": r, "iterations": i, "confidence": c}
        for f in (64, 128)
        for r in (0.01, 0.1)
        for i in (15,)
        for c in (1.0, 5.0)
    ],
}


def spread(scenario: ScenarioQueries, rows: np.ndarray) -> ScenarioQueries:
    """The scenario's queries at `rows`."""
    return ScenarioQueries(
        scenario.scenario, scenario.pids[rows], scenario.titles[rows], scenario.queries.take(rows), scenario.truth[rows]
    )


def seeded(
    scenarios: list[ScenarioQueries], max_queries: int, keep_pids: np.ndarray | None = None
) -> list[ScenarioQueries]:
    """The seeded scenarios, each cut to an even spread of at most `max_queries` (of `keep_pids` if given)."""
    out = []
    for scenario in scenarios[1:]:
        rows = np.arange(len(scenario.pids))
        if keep_pids is not None:
            rows = rows[np.isin(scenario.pids, keep_pids)]
        rows = rows[np.unique(np.linspace(0, len(rows) - 1, min(max_queries, len(rows))).astype(int))]
        out.append(spread(scenario, rows))
    return out


def score(models: dict, scenarios: list[ScenarioQueries], track_artist: np.ndarray) -> pd.DataFrame:
    """Mean NDCG, R-precision and clicks per model over the scenarios (each scenario weighs the same)."""
    buckets = [np.full(len(s.pids), "all") for s in scenarios]
    per_query = evaluate_models(models, scenarios, buckets, track_artist, 500, [10])
    by_scenario = per_query.groupby(["model", "scenario"], sort=False)[["ndcg", "r_precision", "clicks"]].mean()
    return by_scenario.groupby("model", sort=False).mean().round(4)


def configurations(name: str, hyper: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(the grid point, the hyper mapping with it as the model's sub-section) for each grid point of `name`."""
    for point in GRIDS[name]:
        yield point, {**hyper, name: {**hyper.get(name, {}), **point}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--models", nargs="*", default=list(GRIDS))
    parser.add_argument("--max-queries", type=int, default=300)
    parser.add_argument("--ranked", action="store_true", help="ranked vs blend on held-out validation playlists")
    args = parser.parse_args()
    params = load_params(args.root / paths.PARAMS)
    hyper = params["recommend"]
    data = load_pipeline(args.root)
    train = data.train_set()
    scenarios = validation_scenarios(data, params["seed"])
    track_artist = data.catalogue.tracks["artist_id"].to_numpy()
    print(f"load average {os.getloadavg()}")
    for name in args.models:
        for point, config in configurations(name, hyper):
            start = time.perf_counter()
            model = build(name, config).fit(train)
            figures = score({name: model}, seeded(scenarios, args.max_queries), track_artist).iloc[0]
            print(
                f"{name} {point}: val seeded ndcg {figures['ndcg']:.4f} rprec {figures['r_precision']:.4f} "
                f"clicks {figures['clicks']:.2f} ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
    if args.ranked:
        cfg = params["train_ranker"]
        all_pids = np.unique(np.concatenate([s.pids for s in scenarios]))
        held = all_pids[held_out(all_pids, cfg["valid_share"], params["seed"])]
        names = ["blend", "rp3beta", "ranked"]
        models = {n: build(n, with_artefacts(hyper, args.root)).fit(train) for n in names}
        print(score(models, seeded(scenarios, args.max_queries, held), track_artist).to_string())


if __name__ == "__main__":
    main()
