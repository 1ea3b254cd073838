"""RP3beta: a three-step random walk item -> playlist -> item on the train matrix, with a popularity penalty.

Paiva et al.'s graph model, strong on playlist data: W_ij = sum_u P(u | i)^alpha P(j | u)^alpha / pop_j^beta,
where P(u | i) = 1 / pop_i (a track's playlists) and P(j | u) = 1 / len_u (a playlist's tracks). A query sums
the rows of its seeds. On real MPD playlists (docs: FINDINGS) alpha 0.5 with no penalty (beta 0) beat the
asymmetric-cosine item-item model by 2%; a penalty hurt there.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from playlistrec.recommenders.data import TrainSet
from playlistrec.recommenders.itemknn import CooccurrenceRecommender, NeighbourLists


class RP3betaRecommender(CooccurrenceRecommender):
    """Item-item random walk on the seeds, with the item-item model's cuts (`neighbours` per seed, at most
    `max_seeds` seeds spread evenly) and its on-demand neighbour lists.

    W_ij = pop_i^-alpha * sum_u len_u^-alpha X_ui X_uj * pop_j^-beta. The seed-side factor pop_i^-alpha is
    constant along a row, so it scales the query (as the item-item model's pop_i^-alpha does) and the lists
    keep each seed's k best j exactly; the playlist-length factor is split as len_u^(-alpha/2) on both sides
    of the product X^T X.
    """

    def __init__(self, alpha: float = 0.5, beta: float = 0.0, neighbours: int = 500, max_seeds: int = 25) -> None:
        super().__init__(alpha=alpha, neighbours=neighbours, max_seeds=max_seeds)
        self.beta = beta

    def _fit(self, train: TrainSet) -> None:
        """Seed-side scaling pop^-alpha, target-side pop^-beta (0 for tracks absent from train), and the
        neighbour lists over the length-weighted matrix (empty until used)."""
        pop = self.popularity_
        safe = np.maximum(pop, 1)
        self.query_scale_ = np.where(pop > 0, safe**-self.alpha, 0.0).astype(np.float32)
        target_scale = np.where(pop > 0, safe**-self.beta, 0.0).astype(np.float32)
        lengths = np.maximum(np.asarray(train.matrix.sum(axis=1)).ravel(), 1)
        weighted = sp.csr_matrix(train.matrix.multiply((lengths ** (-self.alpha / 2))[:, None]), dtype=np.float32)
        self.neighbours_ = NeighbourLists(weighted, target_scale, self.neighbours)
