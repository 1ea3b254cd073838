"""Every model on every scenario's queries, metrics per query, and their aggregation into the reported tables.

Aggregation: a metric is first averaged over a scenario's queries; "overall" is the mean of the ten
scenario means (each scenario weighs the same, as the challenge's 1,000 playlists per category do).
Buckets count the query's normalised title among TRAIN playlists: head (100+), torso (10-99), tail (1-9),
unseen (0); a scenario that hides the title is still bucketed by the playlist's title.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise, repeat
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from playlistrec import metrics
from playlistrec.recommenders.base import Recommender, masked_top_together
from playlistrec.recommenders.data import Queries
from playlistrec.scenarios import SCENARIOS, ScenarioQueries
from playlistrec.workers import worker_count

HEADLINE = ("ndcg", "r_precision", "clicks")  # every model's overall figures in metrics/eval.json
TITLE_BUCKETS = ("tail", "unseen")  # a title model's title-only NDCG on these buckets is in eval.json too


def title_buckets(titles: Sequence[str], counts: pd.DataFrame) -> np.ndarray:
    """Bucket of each normalised title by its number of train playlists: head/torso/tail/unseen."""
    n = pd.Series(counts["n_playlists"].to_numpy(), index=counts["title"]).reindex(list(titles)).fillna(0)
    return np.select([n >= 100, n >= 10, n >= 1], ["head", "torso", "tail"], "unseen")


def query_metrics(
    recs: np.ndarray, truth: sp.csr_matrix, track_artist: np.ndarray, cutoffs: Sequence[int]
) -> pd.DataFrame:
    """Every metric per query (one row per query)."""
    hits = metrics.hit_matrix(recs, truth)
    relevant = metrics.n_relevant(truth)
    columns: dict[str, np.ndarray] = {
        "ndcg": metrics.ndcg(hits, relevant),
        "r_precision": metrics.r_precision(recs, hits, truth, track_artist),
        "clicks": metrics.clicks(hits),
    }
    for n in cutoffs:
        columns[f"precision@{n}"] = metrics.precision_at(hits, n)
        columns[f"recall@{n}"] = metrics.recall_at(hits, relevant, n)
        columns[f"mrr@{n}"] = metrics.mrr_at(hits, n)
    return pd.DataFrame(columns)


def evaluate_models(
    models: dict[str, Recommender],
    scenarios: Sequence[ScenarioQueries],
    buckets: Sequence[np.ndarray],
    track_artist: np.ndarray,
    n: int,
    cutoffs: Sequence[int],
) -> pd.DataFrame:
    """Per-query metrics of every model in every scenario: columns model, scenario, pid, bucket, metrics.

    Each model answers all scenarios' queries in one batch, so a title asked in several scenarios is
    scored once (per chunk for the blend, once in all for the models that ignore seeds). The models that
    read seeds rank each chunk together (`masked_top_together`): the re-ranker reuses its candidates' scores.
    """
    everything = Queries.concat([s.queries for s in scenarios])
    bounds = np.cumsum([0] + [len(s.pids) for s in scenarios])
    truths = [s.truth for s in scenarios]
    frames: dict[str, list[pd.DataFrame]] = {}

    def add(name: str, recs: np.ndarray) -> None:
        slices = [recs[start:stop] for start, stop in pairwise(bounds)]
        with ThreadPoolExecutor(worker_count()) as pool:  # NumPy and SciPy release the GIL
            per_scenario = pool.map(query_metrics, slices, truths, repeat(track_artist), repeat(cutoffs))
            frames[name] = [
                frame.assign(model=name, scenario=s.scenario.name, pid=s.pids, bucket=bucket)
                for frame, s, bucket in zip(per_scenario, scenarios, buckets, strict=True)
            ]

    seeded = {name: model for name, model in models.items() if model.uses_seeds}
    for name, model in models.items():
        if name not in seeded:
            add(name, model.recommend_batch(everything, n, progress=f"evaluate {name}"))
    if seeded:
        together = masked_top_together(seeded, everything, n, progress=f"evaluate {', '.join(seeded)}")
        for name in seeded:
            add(name, together.pop(name))
    return pd.concat([frame for name in models for frame in frames[name]], ignore_index=True)


def _means(frame: pd.DataFrame, keys: list[str], columns: Sequence[str]) -> pd.DataFrame:
    """Mean of `columns` and the query count per group of `keys`, rounded for readable diffs."""
    grouped = frame.groupby(keys, sort=False)
    return grouped[list(columns)].mean().round(4).assign(n_queries=grouped.size()).reset_index()


def summarise(per_query: pd.DataFrame) -> tuple[dict, dict, pd.DataFrame, pd.DataFrame]:
    """(headline metrics, full breakdown, by-scenario table, by-bucket table) from per-query metrics.

    The headline is each model's overall `HEADLINE` figures (metrics/eval.json, a few dozen numbers that
    `dvc exp show` can list); the breakdown every metric overall, per scenario and per scenario and bucket
    (metrics/eval_detail.json).
    """
    metric_cols = [c for c in per_query.columns if c not in ("model", "scenario", "pid", "bucket")]
    by_scenario = _means(per_query, ["model", "scenario"], metric_cols)
    by_bucket = _means(per_query, ["model", "scenario", "bucket"], metric_cols)
    overall = by_scenario.groupby("model", sort=False)[metric_cols].mean().round(4)
    headline: dict[str, Any] = {}
    detail: dict[str, Any] = {}
    for model in by_scenario["model"].unique():
        scen = by_scenario[by_scenario["model"] == model].set_index("scenario")
        buck = by_bucket[by_bucket["model"] == model]
        headline[model] = overall.loc[model, list(HEADLINE)].to_dict()
        detail[model] = {
            "overall": overall.loc[model].to_dict(),
            "scenario": {
                name: {"all": scen.loc[name].to_dict(), **buck[buck["scenario"] == name].set_index("bucket")
                       .drop(columns=["model", "scenario"]).to_dict(orient="index")}
                for name in scen.index
            },
        }  # fmt: skip
    return headline, detail, by_scenario, by_bucket


def title_headline(detail: dict[str, Any], model: str) -> dict[str, float]:
    """A title model's extra headline figures: title-only NDCG on the `TITLE_BUCKETS` (e.g. "tail_ndcg")."""
    title_only = detail[model]["scenario"][SCENARIOS[0].name]
    return {f"{bucket}_ndcg": title_only[bucket]["ndcg"] for bucket in TITLE_BUCKETS if bucket in title_only}
