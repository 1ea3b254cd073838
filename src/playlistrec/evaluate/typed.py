"""Typed queries: titles no playlist has (paraphrases, synonyms, typos, emoji), scored by theme.

The synthetic data's ground truth gives each typed query a theme and each track a theme; a recommended
track is relevant when its theme is the query's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from playlistrec import metrics
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries
from playlistrec.text import normalise_title


def theme_truth(query_themes: np.ndarray, track_theme: np.ndarray) -> sp.csr_matrix:
    """Binary [n_queries, n_tracks]: the tracks whose theme is the query's (through integer theme codes, not
    a comparison of every query with every track's theme string: 2.3M tracks at MPD scale)."""
    codes, themes = pd.factorize(track_theme)
    by_theme = sp.csr_matrix(
        (np.ones(len(codes), dtype=np.float32), (codes, np.arange(len(codes)))), shape=(len(themes), len(codes))
    )
    rows = pd.Index(themes).get_indexer(query_themes)
    known = sp.diags((rows >= 0).astype(np.float32))
    return sp.csr_matrix(known @ by_theme[np.maximum(rows, 0)])


def typed_query_metrics(
    models: dict[str, Recommender],
    queries: pd.DataFrame,
    track_theme: np.ndarray,
    n: int,
    cutoffs: Sequence[int],
) -> pd.DataFrame:
    """Theme precision@N and NDCG of each model on typed queries (query, theme, kind) never seen as titles.

    A recommended track is relevant when its ground-truth theme is the query's theme (`track_theme[id]`,
    "" for tracks without one); NDCG's ideal is a list made only of the theme's tracks.
    """
    truth = theme_truth(queries["theme"].to_numpy(), track_theme)
    batch = Queries.titles_only([normalise_title(q) for q in queries["query"]], len(track_theme))
    frames = []
    for name, model in models.items():
        hits = metrics.hit_matrix(model.recommend_batch(batch, n), truth)
        columns = {f"theme_precision@{c}": metrics.precision_at(hits, c) for c in cutoffs}
        columns["ndcg"] = metrics.ndcg(hits, metrics.n_relevant(truth))
        frames.append(pd.DataFrame(columns).assign(model=name, kind=queries["kind"].to_numpy()))
    return pd.concat(frames, ignore_index=True)
