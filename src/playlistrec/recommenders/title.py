"""Title models: the query's normalised title votes for the tracks of train playlists with similar titles.

* `ExactTitleRecommender`: tracks by frequency among train playlists with the query's exact normalised title.
* `TitleRecommender`: the top-M most similar unique train titles vote, weighted sim**p times the share of
  that title's playlists holding the track.
* `ReportRecommender`: the student report's method: the 50 training PLAYLISTS most similar by title cosine,
  one unweighted vote each.

The embedding models read the unique train titles' vectors by the title encoder they name from the train set
at `fit` (`TrainSet.title_vectors`), so a model is built from plain values and learns everything it uses.
"""

from __future__ import annotations

from abc import abstractmethod
from functools import partial

import numpy as np
import pandas as pd
import scipy.sparse as sp

from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries, TrainSet
from playlistrec.recommenders.ranking import row_top_k


def title_shares(
    train: TrainSet, vocabulary: np.ndarray, title_tracks: int, popularity_rank: np.ndarray
) -> tuple[np.ndarray, sp.csr_matrix]:
    """(train playlists per title of `vocabulary`, the title x track share matrix cut to each title's
    `title_tracks` largest shares, ties by `popularity_rank`); untitled rows and other titles count for none."""
    rows = pd.Index(vocabulary).get_indexer(train.titles)
    kept = np.flatnonzero(rows >= 0)
    membership = sp.csr_matrix(
        (np.ones(kept.size, dtype=np.float32), (rows[kept], kept)), shape=(len(vocabulary), train.matrix.shape[0])
    )
    counts = np.asarray(membership.sum(axis=1)).ravel()
    share = sp.diags(1.0 / np.maximum(counts, 1)).astype(np.float32) @ (membership @ train.matrix).tocsr()
    return counts, row_top_k(share, title_tracks, popularity_rank)


class _TitleVoteRecommender(Recommender):
    """Base of the title models: titles vote for tracks through a title x track share matrix.

    `share_[k, t]` = share of the train playlists titled k that hold track t, kept for each title's
    `title_tracks` largest shares (ties by popularity). A model only chooses the sparse query x title
    weights; the scores are weights @ share_. The cut bounds a query's cost at MPD scale, where a frequent
    title's playlists hold tens of thousands of tracks, most in one or two of them; the exact-title model's
    lists are unchanged by it while n + seeds <= title_tracks.
    """

    uses_seeds = False

    def __init__(self, title_tracks: int = 1000) -> None:
        self.title_tracks = title_tracks

    def _vocabulary(self, train: TrainSet) -> np.ndarray:
        """The titles, in row order of `share_`."""
        return np.unique(train.titles[train.titles != ""])

    def _fit(self, train: TrainSet) -> None:
        """Take `share_` and `title_counts_` (train playlists per title) for the model's titles; untitled rows
        don't vote. Title models with the same titles and cut share them (`TrainSet.derived`)."""
        vocabulary = self._vocabulary(train)
        key = ("title_shares", self.title_tracks, tuple(vocabulary))
        build = partial(title_shares, train, vocabulary, self.title_tracks, self.popularity_rank_)
        self.title_counts_, self.share_ = train.derived(key, build)
        self.titles_ = vocabulary

    @abstractmethod
    def title_weights(self, queries: Queries) -> sp.csr_matrix:
        """Sparse [n_queries, n_titles] vote weights."""

    def score(self, queries: Queries) -> sp.csr_matrix:
        """Votes: title weights times the share matrix."""
        return sp.csr_matrix(self.title_weights(queries) @ self.share_, dtype=np.float32)


class ExactTitleRecommender(_TitleVoteRecommender):
    """Tracks ranked by frequency among train playlists whose normalised title equals the query's."""

    def title_weights(self, queries: Queries) -> sp.csr_matrix:
        """Weight = the title's playlist count on the matching title (none for unseen titles)."""
        rows = pd.Index(self.titles_).get_indexer(queries.titles)
        hit = np.flatnonzero(rows >= 0)
        return sp.csr_matrix(
            (self.title_counts_[rows[hit]].astype(np.float32), (hit, rows[hit])),
            shape=(len(queries), len(self.titles_)),
        )

    def unscored_reason(self, queries: Queries, row: int) -> str:
        """A title no training playlist has (normalised) is the usual reason."""
        return "no training title matches" if queries.titles[row] else super().unscored_reason(queries, row)


class _EmbeddingTitleRecommender(_TitleVoteRecommender):
    """A title model over embedded unique train titles; cosine = dot product of unit vectors.

    `encoder` names the title encoder whose vectors the model reads from the train set at fit.
    """

    def __init__(self, encoder: str, title_tracks: int = 1000) -> None:
        super().__init__(title_tracks)
        self.encoder = encoder

    def _fit(self, train: TrainSet) -> None:
        """Take the `encoder`'s title vectors (`title_vectors_`), then build the votes over its titles."""
        try:
            self.title_vectors_ = train.title_vectors[self.encoder]
        except KeyError:
            known = ", ".join(train.title_vectors) or "none"
            raise ValueError(f"the train set has no title vectors by encoder {self.encoder!r} (has: {known})") from None
        super()._fit(train)

    def _vocabulary(self, train: TrainSet) -> np.ndarray:
        """The embedded titles (rows of `title_vectors_.vectors`)."""
        return np.asarray(self.title_vectors_.titles, dtype=object)

    def similarities(self, queries: Queries) -> np.ndarray:
        """Cosine of each query title to every train title, one matrix product ([n_queries, n_titles]).

        A query without a title is similar to nothing (a row of zeros, and no votes downstream).
        """
        sims = np.zeros((len(queries), len(self.title_vectors_.titles)), dtype=np.float32)
        titled = np.flatnonzero([bool(t) for t in queries.titles])
        if titled.size:
            vectors = self.title_vectors_.encoder.encode([queries.titles[i] for i in titled])
            sims[titled] = vectors @ self.title_vectors_.vectors.T
        return sims

    @staticmethod
    def _nearest(sims: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
        """The m most similar titles per row, most similar first (ties by title row), and their cosines."""
        m = min(m, sims.shape[1])
        part = np.sort(np.argpartition(-sims, m - 1, axis=1)[:, :m], axis=1)
        values = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        return np.take_along_axis(part, order, axis=1), np.take_along_axis(values, order, axis=1)

    @staticmethod
    def _weights(nearest: np.ndarray, weights: np.ndarray, n_titles: int) -> sp.csr_matrix:
        """Sparse [n_queries, n_titles] matrix with `weights[q, j]` at column `nearest[q, j]`."""
        rows = np.repeat(np.arange(len(nearest)), nearest.shape[1])
        matrix = sp.csr_matrix(
            (weights.ravel().astype(np.float32), (rows, nearest.ravel())), shape=(len(nearest), n_titles)
        )
        matrix.eliminate_zeros()
        return matrix


class TitleRecommender(_EmbeddingTitleRecommender):
    """The top-M most similar unique train titles vote, each with weight max(sim, 0) ** sim_power.

    A track's score is the sum over those titles of weight x the share of that title's playlists holding
    it. Voting by unique title rather than by playlist stops a title with thousands of identical copies
    from filling every slot with one title's opinion.
    """

    def __init__(
        self, encoder: str = "finetuned", top_m: int = 50, sim_power: float = 2.0, title_tracks: int = 1000
    ) -> None:
        super().__init__(encoder, title_tracks)
        self.top_m = top_m
        self.sim_power = sim_power

    def title_weights(self, queries: Queries) -> sp.csr_matrix:
        """sim ** p on the top-M titles of each query."""
        nearest, sims = self._nearest(self.similarities(queries), self.top_m)
        return self._weights(nearest, np.maximum(sims, 0.0) ** self.sim_power, len(self.titles_))


class ReportRecommender(_EmbeddingTitleRecommender):
    """The report's method: the `n_playlists` train playlists most similar by title cosine, one vote each.

    All playlists sharing a normalised title have the same embedding, so the cut at `n_playlists` usually
    falls inside a group of identical copies. The tie is resolved by expectation: titles are taken most
    similar first, each contributing `taken` = the copies that still fit under the cut, and a title's vote
    for a track is `taken` x the share of its playlists holding the track, i.e. the expected vote count
    over a uniformly random choice of which copies make the cut. Deterministic, and order-free.
    """

    def __init__(self, encoder: str = "pretrained", n_playlists: int = 50, title_tracks: int = 1000) -> None:
        super().__init__(encoder, title_tracks)
        self.n_playlists = n_playlists

    def title_weights(self, queries: Queries) -> sp.csr_matrix:
        """Copies taken per title (each title holds >= 1 playlist, so n_playlists titles always suffice)."""
        nearest, _ = self._nearest(self.similarities(queries), self.n_playlists)
        copies = self.title_counts_[nearest]
        before = np.cumsum(copies, axis=1) - copies
        taken = np.clip(self.n_playlists - before, 0, copies)
        taken[[not t for t in queries.titles]] = 0  # an untitled query has no similar playlists
        return self._weights(nearest, taken, len(self.titles_))
