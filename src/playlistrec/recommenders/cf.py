"""The title in the collaborative space: a title encoder trained to predict its playlists' SVD factors.

`CollaborativeTitleRecommender` embeds the query title with the `cf` encoder, projects it with the encoder's
learned Dense layer into the factorize stage's space (`cf.py`), and scores every track by the dot product of
the unit projected title with the item factors (one dense product per chunk of distinct titles, cut to each
title's `depth` best tracks). This is the 2018 challenge winners' cold-start idea (a text model regressed
onto a matrix factorisation's playlist factors) with a sentence encoder in place of their character CNN.

Optionally the list is fused with another title model's (the title vote) by weighted reciprocal rank
(`vote_weight` / (rrf_k + rank)): the two make different mistakes.

Fitting keeps the encoder's basis (its projection was trained against it) and recomputes the item factors
from the playlists it is given (`cf.refit_item_factors`): on the train split that is the factorize stage's
item factors; on every playlist (`--fit all`) the val/test playlists are folded into the same basis and
tracks seen only there become recommendable.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from playlistrec.cf import refit_item_factors, unit_rows
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries, TrainSet
from playlistrec.recommenders.ranking import product_top_k, ranked_stored


def reciprocal_ranks(scores: sp.csr_matrix, depth: int, k: float, rank: np.ndarray) -> sp.csr_matrix:
    """1 / (k + place) for each row's `depth` best positive entries (place 1 = best, ties by `rank`)."""
    coo = sp.csr_matrix(scores, dtype=np.float32).tocoo()
    positive = coo.data > 0
    rows, cols, values = coo.row[positive], coo.col[positive], coo.data[positive]
    index, place = ranked_stored(rows, cols, values, rank, depth, np.full(scores.shape[0], depth))
    return sp.csr_matrix(((1.0 / (k + place + 1)).astype(np.float32), (rows[index], cols[index])), shape=scores.shape)


class CollaborativeTitleRecommender(Recommender):
    """Projected title . item factors, top `depth` per title; fused with `vote_model` when one is given."""

    uses_seeds = False

    def __init__(
        self,
        encoder: str = "cf",
        depth: int = 1000,
        vote_model: Recommender | None = None,
        vote_weight: float = 0.5,
        rrf_k: float = 60.0,
    ) -> None:
        self.encoder = encoder
        self.depth = depth
        self.vote_model = vote_model
        self.vote_weight = vote_weight
        self.rrf_k = rrf_k

    def _fit(self, train: TrainSet) -> None:
        """Take the encoder and its projection, refit the item factors in the train basis, fit the vote."""
        if train.basis is None:
            raise ValueError("the train set has no collaborative basis: run the factorize stage (`dvc repro`)")
        try:
            vectors = train.title_vectors[self.encoder]
        except KeyError:
            known = ", ".join(train.title_vectors) or "none"
            raise ValueError(f"the train set has no title vectors by encoder {self.encoder!r} (has: {known})") from None
        if vectors.projection is None:
            raise ValueError(f"title encoder {self.encoder!r} has no projection into the collaborative space")
        self.encoder_, self.projection_ = vectors.encoder, vectors.projection
        self.item_factors_ = refit_item_factors(train.matrix, train.basis.item_factors, train.basis.singular_values)
        if self.vote_model is not None:
            self.vote_model.fit(train)

    def project(self, titles: list[str]) -> np.ndarray:
        """Unit projected vectors of the titles; zeros for an empty title (it scores nothing)."""
        out = np.zeros((len(titles), self.item_factors_.shape[1]), dtype=np.float32)
        titled = np.flatnonzero([bool(t) for t in titles])
        if titled.size:
            out[titled] = unit_rows(self.projection_(self.encoder_.encode([titles[i] for i in titled])))
        return out

    def score(self, queries: Queries) -> sp.csr_matrix:
        """The dot products' top `depth` per query, or their reciprocal-rank fusion with the vote's list."""
        own = product_top_k(self.project(queries.titles), self.item_factors_, self.depth)
        if self.vote_model is None:
            return own
        fused = (1 - self.vote_weight) * reciprocal_ranks(own, self.depth, self.rrf_k, self.popularity_rank_)
        vote = reciprocal_ranks(self.vote_model.score(queries), self.depth, self.rrf_k, self.popularity_rank_)
        return sp.csr_matrix(fused + self.vote_weight * vote, dtype=np.float32)
