"""The LLM baseline's place in the evaluation: the LLM and every fitted model on one seeded sample of queries.

An LLM answers a few queries a minute, so it is scored on a sample of the title-only scenario, next to the
other models on the same sample so the figures compare. With no backend configured it is recorded as skipped.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from playlistrec.evaluate.aggregate import HEADLINE, evaluate_models, title_buckets
from playlistrec.llm import make_generator
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import TrainSet
from playlistrec.recommenders.llm import LLMRecommender
from playlistrec.scenarios import ScenarioQueries

LLM_SKIPPED = {"status": "skipped", "reason": "no eval.llm.gguf_path or eval.llm.endpoint configured"}


@dataclass(frozen=True)
class LLMSettings:
    """The LLM baseline's settings (params.yaml `eval.llm`): a GGUF path (relative to the pipeline folder) or
    an endpoint and its model, both empty to skip it; the sample size; songs asked per title."""

    gguf_path: str
    endpoint: str
    model: str
    sample: int
    n_songs: int


def sample_scenario(queries: ScenarioQueries, size: int, seed: int) -> ScenarioQueries:
    """A fixed, seeded subset of `size` queries (all of them when fewer), in their original order.

    The stream is keyed on "llm" so the draw does not move when other random draws are added.
    """
    rng = np.random.default_rng([seed, zlib.crc32(b"llm")])
    keep = np.sort(rng.choice(len(queries.pids), size=min(size, len(queries.pids)), replace=False))
    return ScenarioQueries(
        queries.scenario, queries.pids[keep], queries.titles[keep], queries.queries.take(keep), queries.truth[keep]
    )


def llm_baseline(
    settings: LLMSettings,
    root: Path,
    train: TrainSet,
    title_only: ScenarioQueries,
    fitted: dict[str, Recommender],
    title_counts: pd.DataFrame,
    n: int,
    cutoffs: Sequence[int],
    seed: int,
) -> dict[str, Any]:
    """The LLM and every fitted model on the same seeded sample of `settings.sample` title-only queries.

    Returns the "llm" record of metrics/eval.json: status, backend, the run's counts (prompts, lines,
    matched share) and each model's headline metrics on the sample, comparable with each other.
    """
    generator = make_generator(settings.gguf_path, settings.endpoint, settings.model, root)
    if generator is None:
        return dict(LLM_SKIPPED)
    sample = sample_scenario(title_only, settings.sample, seed)
    llm = LLMRecommender(generator, settings.n_songs).fit(train)
    track_artist = train.catalogue.tracks["artist_id"].to_numpy()
    bucket = title_buckets(sample.titles, title_counts)
    per_query = evaluate_models({"llm": llm, **fitted}, [sample], [bucket], track_artist, n, cutoffs)
    means = per_query.groupby("model", sort=False)[list(HEADLINE)].mean().round(4)
    return {
        "status": "ok",
        "backend": generator.name,
        "scenario": sample.scenario.name,
        "n_queries": len(sample.pids),
        "n_songs": llm.n_songs,
        "run": llm.stats_.as_dict(),
        "models": means.to_dict(orient="index"),
    }
