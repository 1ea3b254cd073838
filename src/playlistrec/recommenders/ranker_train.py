"""Training the re-ranker: LightGBM lambdarank on the candidates of VALIDATION queries, never test ones.

The queries are the ten challenge scenarios built from the validation split's playlists (the candidate models
are fitted on the train split, as in the eval); a candidate's label is 1 when it is one of the playlist's
held-out tracks. Queries whose candidates hold no held-out track teach nothing and are left out. The
validation playlists are divided by pid into the booster's training and early-look part (`valid_share`), so
the per-round NDCG curve is measured on playlists the trees never saw.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from playlistrec.artefacts import PipelineData
from playlistrec.recommenders.ranker import Candidates, RankedRecommender
from playlistrec.recommenders.ranking import pair_membership
from playlistrec.scenarios import ScenarioQueries, build_scenarios
from playlistrec.workers import worker_count


@dataclass(frozen=True)
class RankerSettings:
    """LightGBM's settings and how many validation queries to train on."""

    rounds: int = 100
    learning_rate: float = 0.1
    num_leaves: int = 31
    min_data_in_leaf: int = 50
    max_queries: int = 400  # per scenario, drawn evenly by pid
    valid_share: float = 0.2
    eval_at: int = 500
    truncation: int = 100  # lambdarank pairs a document with those above this rank only: cost ~ n x truncation
    seed: int = 42
    extra: dict[str, Any] = field(default_factory=dict)  # any other LightGBM parameter


@dataclass
class LabelledQueries:
    """Candidates of a set of queries with their labels, query groups and each query's pid and scenario."""

    candidates: Candidates
    labels: np.ndarray
    groups: np.ndarray
    pids: np.ndarray
    scenarios: np.ndarray


@dataclass
class TrainedRanker:
    """The booster and what the stage reports about it."""

    booster: Any
    importance: pd.DataFrame  # feature, gain share, split count
    curve: pd.DataFrame  # round, train_ndcg, valid_ndcg
    summary: dict[str, Any]
    query_pids: np.ndarray  # the pid of every query the booster was trained or checked on


def labelled_queries(ranker: RankedRecommender, scenarios: list[ScenarioQueries], max_queries: int) -> LabelledQueries:
    """Candidates and labels of at most `max_queries` queries per scenario (an even spread of its rows); the
    queries whose candidates hold no held-out track are dropped."""
    parts = []
    for scenario in scenarios:
        if not len(scenario.pids):
            continue
        rows = np.unique(np.linspace(0, len(scenario.pids) - 1, min(max_queries, len(scenario.pids))).astype(int))
        queries = scenario.queries.take(rows)
        ranker._prepare(queries)
        candidates = ranker.features_.build(queries)
        labels = pair_membership(candidates.rows, candidates.cols, scenario.truth[rows]).astype(np.float32)
        positives = np.bincount(candidates.rows, weights=labels, minlength=len(rows))
        keep = positives[candidates.rows] > 0
        kept_rows = np.flatnonzero(positives > 0)
        renumber = np.cumsum(positives > 0) - 1
        kept = Candidates(renumber[candidates.rows[keep]], candidates.cols[keep], candidates.features[keep])
        parts.append(
            (kept, labels[keep], scenario.pids[rows[kept_rows]], np.full(kept_rows.size, scenario.scenario.name))
        )
    return concat(parts)


def concat(parts: list[tuple[Candidates, np.ndarray, np.ndarray, np.ndarray]]) -> LabelledQueries:
    """One set of labelled queries from several, query rows renumbered in order."""
    offsets = np.cumsum([0] + [len(pids) for _, _, pids, _ in parts])
    candidates = Candidates(
        np.concatenate([c.rows + offset for (c, _, _, _), offset in zip(parts, offsets, strict=False)]),
        np.concatenate([c.cols for c, _, _, _ in parts]),
        np.vstack([c.features for c, _, _, _ in parts]),
    )
    pids = np.concatenate([p for _, _, p, _ in parts])
    return LabelledQueries(
        candidates,
        np.concatenate([labels for _, labels, _, _ in parts]),
        candidates.group_sizes(len(pids)),
        pids,
        np.concatenate([s for _, _, _, s in parts]),
    )


def select(data: LabelledQueries, keep: np.ndarray) -> LabelledQueries:
    """The queries where `keep` (one bool per query) is True, renumbered."""
    pair_keep = keep[data.candidates.rows]
    renumber = np.cumsum(keep) - 1
    c = data.candidates
    candidates = Candidates(renumber[c.rows[pair_keep]], c.cols[pair_keep], c.features[pair_keep])
    return LabelledQueries(candidates, data.labels[pair_keep], data.groups[keep], data.pids[keep], data.scenarios[keep])


def held_out(pids: np.ndarray, share: float, seed: int) -> np.ndarray:
    """Whether each pid is among the validation playlists held out of the booster's trees: a keyed
    multiplicative hash of the pid below `share`, so the choice depends on the pid alone (a bench can
    find the same playlists)."""
    mixed = (np.asarray(pids, dtype=np.uint64) + np.uint64(seed)) * np.uint64(0x9E3779B97F4A7C15)
    return (mixed >> np.uint64(40)).astype(np.float64) / 2**24 < share


def train_booster(
    ranker: RankedRecommender, scenarios: list[ScenarioQueries], settings: RankerSettings
) -> TrainedRanker:
    """Fit LightGBM lambdarank on the validation scenarios' candidates; the fitted `ranker` gives the features."""
    import lightgbm

    start = time.perf_counter()
    data = labelled_queries(ranker, scenarios, settings.max_queries)
    features_seconds = time.perf_counter() - start
    print(f"ranker: {len(data.pids)} queries, {len(data.labels)} candidates in {features_seconds:.0f} s", flush=True)
    held = held_out(data.pids, settings.valid_share, settings.seed)
    fit, check = select(data, ~held), select(data, held)
    names = ranker.features_.names
    train_set = lightgbm.Dataset(fit.candidates.features, fit.labels, group=fit.groups, feature_name=names)
    valid_set = lightgbm.Dataset(check.candidates.features, check.labels, group=check.groups, reference=train_set)
    params = {
        "objective": "lambdarank",
        "metric": "ndcg",
        "eval_at": [settings.eval_at],
        "lambdarank_truncation_level": settings.truncation,
        "learning_rate": settings.learning_rate,
        "num_leaves": settings.num_leaves,
        "min_data_in_leaf": settings.min_data_in_leaf,
        "num_threads": worker_count(),
        "deterministic": True,
        "force_col_wise": True,
        "seed": settings.seed,
        "verbosity": -1,
        **settings.extra,
    }
    record: dict[str, Any] = {}
    booster = lightgbm.train(
        params,
        train_set,
        num_boost_round=settings.rounds,
        valid_sets=[train_set, valid_set],
        valid_names=["train", "valid"],
        callbacks=[lightgbm.record_evaluation(record)],
    )
    metric = f"ndcg@{settings.eval_at}"
    curve = pd.DataFrame(
        {
            "round": np.arange(1, settings.rounds + 1),
            "train_ndcg": np.round(record["train"][metric], 5),
            "valid_ndcg": np.round(record["valid"][metric], 5),
        }
    )
    gain = booster.feature_importance("gain")
    importance = pd.DataFrame(
        {
            "feature": names,
            "gain_share": np.round(gain / max(gain.sum(), 1e-12), 5),
            "splits": booster.feature_importance(),
        }
    ).sort_values("gain_share", ascending=False)
    summary = {
        "queries": len(data.pids),
        "train_queries": len(fit.pids),
        "valid_queries": len(check.pids),
        "pairs": len(data.labels),
        "positive_share": round(float(data.labels.mean()), 5),
        "valid_ndcg": round(float(curve["valid_ndcg"].iloc[-1]), 5),
        "feature_seconds": round(features_seconds, 1),
        "seconds": round(time.perf_counter() - start, 1),
    }
    return TrainedRanker(booster, importance, curve, summary, data.pids)


def validation_scenarios(data: PipelineData, seed: int) -> list[ScenarioQueries]:
    """The ten challenge scenarios built from the VALIDATION split's playlists (never the test split's)."""
    playlists, items = data.subset("val")
    return build_scenarios(playlists, items, len(data.catalogue), seed)
