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
from playlistrec.recommenders.ranking import product_top_k
from playlistrec.workers import worker_count


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
        # tracks absent from train have zero factors (`_fit`), so they score 0 and are not kept
        return product_top_k(np.asarray(users, dtype=np.float32), self.als_.item_factors, self.depth)
