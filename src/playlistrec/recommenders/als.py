"""Matrix factorisation by alternating least squares (`implicit`'s CPU solver) on the train playlists.

A query is a new "user": its factors are solved from its seeds against the fitted track factors (implicit's
`recalculate_user`, one exact least-squares solve per query), and its scores are the dot products with every
track's factors, cut to each row's best `depth` (a list of n <= depth - seeds is unchanged by the cut).

Fitting is the costly part (about 5 minutes at 1M playlists on 2 cores), so the fitted track factors can be
saved (`save_factors`: the train_ranker stage keeps the ALS it fitted for the re-ranker in models/ranker) and
read back by a model given `factors_file` (the eval's and the front ends' `als`), which then skips the solver.
The file records the hyper-parameters and a digest of the train matrix it was fitted on: a file from other
settings or another train matrix (the front ends' fit on every playlist) is not used, and the model fits its own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from playlistrec.io import atomic_path
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries, TrainSet
from playlistrec.recommenders.ranking import product_top_k
from playlistrec.workers import worker_count

FACTORS_FILE = "als_factors.npz"  # the fitted track factors, beside the re-ranker's booster (train_ranker)


def matrix_digest(matrix: sp.csr_matrix) -> str:
    """A digest of a sparse matrix's shape, structure and values: which train matrix factors were fitted on."""
    digest = hashlib.blake2b(repr(matrix.shape).encode(), digest_size=16)
    for part in (matrix.indptr, matrix.indices, matrix.data):
        digest.update(np.ascontiguousarray(part))
    return digest.hexdigest()


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
        factors_file: str | Path | None = None,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.iterations = iterations
        self.confidence = confidence
        self.depth = depth
        self.seed = seed
        self.factors_file = factors_file

    def _fit(self, train: TrainSet) -> None:
        """Fit track factors on the train matrix (or read them from `factors_file` when it was written for this
        train matrix and these settings); tracks no train playlist holds get zero factors."""
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        matrix = sp.csr_matrix(train.matrix, dtype=np.float32)
        self.fingerprint_ = self._fingerprint(matrix)
        with threadpool_limits(1, "blas"):  # implicit runs its own threads; BLAS threads in them oversubscribe
            self.als_ = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                iterations=self.iterations,
                alpha=self.confidence,
                random_state=self.seed,
                num_threads=worker_count(),
            )
            stored = self._stored_factors()
            if stored is None:
                self.als_.fit(matrix, show_progress=False)
            else:
                self.als_.item_factors = stored
        self.als_.item_factors[self.popularity_ == 0] = 0.0

    def _fingerprint(self, matrix: sp.csr_matrix) -> str:
        """What the fitted factors depend on: the solver's settings and the train matrix (its digest)."""
        settings = {
            "factors": self.factors,
            "regularization": self.regularization,
            "iterations": self.iterations,
            "confidence": self.confidence,
            "seed": self.seed,
            "train": matrix_digest(matrix),
        }
        return json.dumps(settings, sort_keys=True)

    def _stored_factors(self) -> np.ndarray | None:
        """The track factors in `factors_file` when it exists and was fitted with this model's fingerprint."""
        if self.factors_file is None or not Path(self.factors_file).is_file():
            return None
        with np.load(self.factors_file, allow_pickle=False) as stored:
            if str(stored["fingerprint"]) != self.fingerprint_:
                return None
            return np.array(stored["item_factors"], dtype=np.float32)

    def save_factors(self, path: Path) -> None:
        """Write the fitted track factors and their fingerprint to `path` (an .npz, replaced whole)."""
        with atomic_path(path) as tmp, tmp.open("wb") as out:
            np.savez(out, item_factors=self.als_.item_factors, fingerprint=np.array(self.fingerprint_))

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
