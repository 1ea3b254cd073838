"""The learned re-ranker: candidate models' top lists merged, described by features, ordered by LightGBM.

For a batch of queries, each candidate model's scores (seeds masked, row max-normalised) give its best `depth`
tracks; the union of those lists is the query's candidates. Every (query, candidate) pair gets one feature row
(`FeatureBuilder`): each model's normalised score and rank (`depth` when outside its list), how many models
listed it, its log popularity, the query's seeds, title and best title match, and how many of the seeds share
its artist and album. A LightGBM lambdarank booster (trained on VALIDATION queries, `ranker_train`) scores the
rows; a track outside every list scores nothing, and the shared ranking fills it by popularity.

All of it is array work over the batch's pairs (no loop over queries or candidates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from playlistrec.recommenders.artists import artist_matrix
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries, TrainSet
from playlistrec.recommenders.ranking import max_normalise, pair_membership, ranked_stored
from playlistrec.workers import worker_count

BOOSTER_FILE = "booster.txt"  # the LightGBM model inside the ranker's artefact folder
QUERY_FEATURES = ("n_seeds", "has_title", "title_log_count", "best_title_sim")
TRACK_FEATURES = ("log_popularity", "n_models", "artist_seeds", "artist_share", "album_seeds", "album_share")


@dataclass(frozen=True)
class Candidates:
    """A batch's (query row, track) pairs grouped by row, tracks ascending, and their feature rows."""

    rows: np.ndarray
    cols: np.ndarray
    features: np.ndarray  # float32 [n_pairs, n_features]
    tail: sp.csr_matrix | None = None  # the first model's max-normalised scores: the order after the candidates

    def group_sizes(self, n_queries: int) -> np.ndarray:
        """Candidates per query (LightGBM's query groups), in row order."""
        return np.bincount(self.rows, minlength=n_queries)


def model_top(
    normalised: sp.csr_matrix, queries: Queries, depth: int, rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, score, 0-based rank) of each query's best `depth` positive non-seed entries of one model's
    max-normalised scores (ties by popularity `rank`)."""
    coo = normalised.tocoo()
    kept = (coo.data > 0) & ~pair_membership(coo.row, coo.col, queries.seeds)
    rows, cols, values = coo.row[kept], coo.col[kept], coo.data[kept]
    index, position = ranked_stored(rows, cols, values, rank, depth, np.full(len(queries), depth))
    return rows[index], cols[index], values[index], position


def batch_scores(model: Recommender, queries: Queries) -> sp.csr_matrix:
    """A candidate model's scores of the batch (`shared_score`); one that ignores seeds scores each distinct
    title once: a chunk in title order holds few, and a title model's similarity product costs 2 x 384 FLOP
    per train title (0.13 GFLOP per query at 1M playlists' 168k titles)."""
    if model.uses_seeds:
        return model.shared_score(queries)
    codes, distinct = queries.distinct_titles()
    return sp.csr_matrix(model.score(distinct))[codes]


def group_count(seeds: sp.csr_matrix, membership: sp.csr_matrix, rows: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per pair, how many of query rows[i]'s seeds belong to group groups[i] (an artist, an album; -1: none)."""
    counts = sp.csr_matrix(seeds @ membership)
    valid = groups >= 0
    out = np.zeros(rows.size, dtype=np.float32)
    if valid.any() and counts.nnz:
        out[valid] = np.asarray(counts[rows[valid], groups[valid]]).ravel()
    return out


class FeatureBuilder:
    """The candidates of a batch and their features, from fitted candidate models and train-set statistics."""

    def __init__(self, models: Mapping[str, Recommender], depth: int, title_model: str | None, train: TrainSet) -> None:
        self.models = dict(models)
        self.depth = depth
        self.title_model = self.models.get(title_model) if title_model else None
        first = next(iter(self.models.values()))
        self.log_popularity = np.log1p(first.popularity_).astype(np.float32)
        tracks = train.catalogue.tracks
        self.artist = tracks["artist_id"].to_numpy().astype(np.int64)
        self.track_artist = artist_matrix(self.artist)
        albums = tracks["album_uri"] if "album_uri" in tracks else pd.Series([None] * len(tracks))
        self.album = pd.factorize(albums, use_na_sentinel=True)[0].astype(np.int64)
        has_album = self.album >= 0
        self.track_album = sp.csr_matrix(
            (np.ones(has_album.sum(), dtype=np.float32), (np.flatnonzero(has_album), self.album[has_album])),
            shape=(len(tracks), int(self.album.max(initial=-1)) + 1),
        )
        self.title_counts = pd.Series(train.titles[train.titles != ""]).value_counts()

    @property
    def names(self) -> list[str]:
        """The feature names, in column order."""
        per_model = [f"{name}_{what}" for name in self.models for what in ("score", "rank")]
        return [*per_model, *QUERY_FEATURES, *TRACK_FEATURES]

    def query_features(self, queries: Queries) -> np.ndarray:
        """float32 [n_queries, len(QUERY_FEATURES)]: seeds, title present, log train count of the exact title,
        best cosine of the title to a train title (0 without a title model)."""
        has_title = np.array([bool(t) for t in queries.titles], dtype=np.float32)
        counts = self.title_counts.reindex(queries.titles).fillna(0).to_numpy(dtype=np.float32)
        best = np.zeros(len(queries), dtype=np.float32)
        similarities = getattr(self.title_model, "similarities", None)
        if similarities is not None and has_title.any():
            codes, distinct = queries.distinct_titles()
            best = similarities(distinct).max(axis=1, initial=0.0).astype(np.float32)[codes]
        return np.column_stack([queries.n_seeds.astype(np.float32), has_title, np.log1p(counts), best])

    def build(self, queries: Queries) -> Candidates:
        """The union of the models' top lists per query, with every feature row."""
        n_tracks = queries.seeds.shape[1]
        scores = [max_normalise(batch_scores(model, queries)) for model in self.models.values()]
        tops = [
            model_top(normalised, queries, self.depth, model.popularity_rank_)
            for normalised, model in zip(scores, self.models.values(), strict=True)
        ]
        keys = np.concatenate([rows.astype(np.int64) * n_tracks + cols for rows, cols, _, _ in tops])
        pairs, inverse = np.unique(keys, return_inverse=True)
        rows, cols = pairs // n_tracks, (pairs % n_tracks).astype(np.int32)
        per_model = np.zeros((pairs.size, 2 * len(tops)), dtype=np.float32)
        per_model[:, 1::2] = self.depth
        listed = np.zeros(pairs.size, dtype=np.float32)
        start = 0
        for m, (top_rows, _, values, position) in enumerate(tops):
            at = inverse[start : start + top_rows.size]
            per_model[at, 2 * m], per_model[at, 2 * m + 1] = values, position
            listed[at] += 1
            start += top_rows.size
        n_seeds = np.maximum(queries.n_seeds, 1).astype(np.float32)[rows]
        artist_seeds = group_count(queries.seeds, self.track_artist, rows, self.artist[cols])
        album_seeds = group_count(queries.seeds, self.track_album, rows, self.album[cols])
        track = np.column_stack(
            [
                self.log_popularity[cols],
                listed,
                artist_seeds,
                artist_seeds / n_seeds,
                album_seeds,
                album_seeds / n_seeds,
            ]
        )
        features = np.hstack([per_model, self.query_features(queries)[rows], track]).astype(np.float32)
        return Candidates(rows, cols, features, scores[0])


class RankedRecommender(Recommender):
    """Candidate models re-ranked by a LightGBM booster read from `model_dir` (or given as `booster`).

    `depth`: each candidate model's list length K; `title_model`: the candidate whose title similarities give
    the best-title-match feature. The booster must have been trained on features of the same models in the
    same order (`ranker_train` writes both), which `fit` checks by the feature names.
    """

    def __init__(
        self,
        models: Mapping[str, Recommender],
        depth: int = 300,
        title_model: str | None = "title_finetuned",
        model_dir: str | Path | None = None,
        booster: Any = None,
    ) -> None:
        if not models:
            raise ValueError("the re-ranker needs at least one candidate model")
        self.models = dict(models)
        self.depth = depth
        self.title_model = title_model
        self.model_dir = model_dir
        self.booster = booster

    def _fit(self, train: TrainSet) -> None:
        """Fit the candidate models (one already fitted on `train`, e.g. the evaluation's own entry of the same
        model, is shared as it is), build the feature builder, and take the booster (from `model_dir`)."""
        for model in self.models.values():
            if not model.is_fitted_on(train):
                model.fit(train)
        self.features_ = FeatureBuilder(self.models, self.depth, self.title_model, train)
        self.booster_ = self.booster if self.model_dir is None else load_booster(Path(self.model_dir))
        if self.booster_ is not None and self.booster_.feature_name() != self.features_.names:
            raise ValueError(
                f"the ranker in {self.model_dir} was trained on features {self.booster_.feature_name()}, "
                f"not {self.features_.names}: retrain it (`dvc repro train_ranker`)"
            )

    def _prepare(self, queries: Queries) -> None:
        """Each candidate model's shared work."""
        for model in self.models.values():
            model._prepare(queries)

    def unscored_reason(self, queries: Queries, row: int) -> str:
        """No candidate model scored a track: each model's reason."""
        return "; ".join(f"{name}: {model.unscored_reason(queries, row)}" for name, model in self.models.items())

    def score(self, queries: Queries) -> sp.csr_matrix:
        """The booster's score of each candidate, shifted per query so the lowest is 2: candidates rank above
        every other track, in the booster's order; after them come the first candidate model's other tracks
        in its own order (its max-normalised scores, <= 1), so a list longer than the candidates keeps that
        model's tail rather than popularity's."""
        if self.booster_ is None:
            raise ValueError("the re-ranker has no booster: train one (`dvc repro train_ranker`)")
        candidates = self.features_.build(queries)
        shape = (len(queries), queries.seeds.shape[1])
        if not candidates.rows.size:
            return sp.csr_matrix(shape, dtype=np.float32)
        predicted = self.booster_.predict(candidates.features, num_threads=worker_count())
        sizes = candidates.group_sizes(len(queries))
        starts = np.cumsum(sizes) - sizes
        lowest = np.minimum.reduceat(predicted, starts[sizes > 0])  # rows are grouped, in order
        values = (predicted - np.repeat(lowest, sizes[sizes > 0]) + 2.0).astype(np.float32)
        ranked = sp.csr_matrix((values, (candidates.rows, candidates.cols)), shape=shape)
        tail = sp.csr_matrix(candidates.tail, dtype=np.float32)
        tail.data = np.maximum(tail.data, 0)  # a negative score never ranks above the popularity fill
        tail = tail - tail.multiply(ranked > 0)  # candidates take the booster's score
        return sp.csr_matrix(ranked + tail, dtype=np.float32)


def load_booster(model_dir: Path) -> Any:
    """The LightGBM booster saved in `model_dir` (FileNotFoundError naming the stage that writes it)."""
    import lightgbm

    path = model_dir / BOOSTER_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no re-ranker at {path}: run `dvc repro train_ranker`")
    return lightgbm.Booster(model_file=str(path))
