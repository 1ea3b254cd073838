"""Matrix factorisation by alternating least squares (`implicit`'s CPU solver) on the train playlists.

A query is a new "user": its factors are solved from its seeds against the fitted track factors (implicit's
`recalculate_user`, one exact least-squares solve per query), and its scores are the dot products with every
track's factors, cut to each row's best `depth` (a list of n <= depth - seeds is unchanged by the cut).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries, TrainSet
from playlistrec.workers import worker_count


def dense_top_k(scores: np.ndarray, k: int) -> sp.csr_matrix:
    """Each row's k largest positive entries of a dense array as a sparse matrix (the rest unstored)."""
    n_rows, n_cols = scores.shape
    if k < n_cols:
        cols = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        cols = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols))
    values = np.take_along_axis(scores, cols, axis=1)
    rows = np.broadcast_to(np.arange(n_rows)[:, None], cols.shape)
    keep = values > 0
    return sp.csr_matrix((values[keep], (rows[keep], cols[keep])), shape=scores.shape, dtype=np.float32)


class ALSRecommender(Recommender):
    """Implicit-feedback ALS (Hu, Koren & Volinsky) with `factors`, `regularization`, `iterations`, and
    confidence `confidence` (implicit's alpha) on each train playlist's tracks; seeded by `seed`."""

    uses_title = False

    def __init__(
        self,
        factors: int = 128,
        regularization: float = 0.01,
        iterations: int = 15,
        confidence: float = 1.0,
        depth: int = 1000,
        seed: int = 42,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.iterations = iterations
        self.confidence = confidence
        self.depth = depth
        self.seed = seed

    def _fit(self, train: TrainSet) -> None:
        """Fit track factors on the train matrix; tracks no train playlist holds get zero factors."""
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, "blas"):  # implicit runs its own threads; BLAS threads in them oversubscribe
            self.als_ = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                iterations=self.iterations,
                alpha=self.confidence,
                random_state=self.seed,
                num_threads=worker_count(),
            )
            self.als_.fit(sp.csr_matrix(train.matrix, dtype=np.float32), show_progress=False)
        self.als_.item_factors[self.popularity_ == 0] = 0.0

    def unscored_reason(self, queries: Queries, row: int) -> str:
        """Seeds that no training playlist holds have no factors."""
        if queries.n_seeds[row]:
            return "none of the seed tracks is in a training playlist"
        return super().unscored_reason(queries, row)

    def score(self, queries: Queries) -> sp.csr_matrix:
        """Each query's solved factors dotted with the track factors, each row's best `depth` kept."""
        seeds = sp.csr_matrix(queries.seeds, dtype=np.float32)
        users = self.als_.recalculate_user(np.arange(len(queries)), seeds)
        scores = np.asarray(users, dtype=np.float32) @ self.als_.item_factors.T
        scores[:, self.popularity_ == 0] = 0.0
        return dense_top_k(scores, min(self.depth, scores.shape[1]))
