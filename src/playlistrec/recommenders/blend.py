"""The blend: a title model's scores and the item-item model's, mixed with a weight that fades with the seeds."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries, TrainSet
from playlistrec.recommenders.itemknn import CooccurrenceRecommender
from playlistrec.recommenders.ranking import max_normalise, row_top_k, scale_rows


class BlendRecommender(Recommender):
    """Title and seed scores (each row max-normalised) mixed with title weight lambda.

    lambda = blend_lambda * n_seeds ** -0.5, and 1 when there are no seeds: the title matters most for a
    near-empty playlist and fades as the seeds say more about it. The title part is each distinct title's
    best `title_depth` tracks (scored once per title in a chunk): a title's long tail of small votes would
    cost every query with that title and barely moves a list its seeds weigh most on. A query without seeds
    gets exactly the title model's top n for n <= title_depth.
    """

    def __init__(
        self,
        title: Recommender,
        seeds: Recommender | None = None,
        blend_lambda: float = 0.25,
        title_depth: int = 1000,
    ) -> None:
        if title.uses_seeds:
            raise ValueError("the blend's title part must be a model that ignores seeds")
        self.title = title
        self.seeds = CooccurrenceRecommender() if seeds is None else seeds
        self.blend_lambda = blend_lambda
        self.title_depth = title_depth

    def _fit(self, train: TrainSet) -> None:
        """Fit both parts on the same train split."""
        self.title.fit(train)
        self.seeds.fit(train)

    def _prepare(self, queries: Queries) -> None:
        """The seed part's shared work."""
        self.seeds._prepare(queries)

    def unscored_reason(self, queries: Queries, row: int) -> str:
        """Neither part scored a track: both parts' reasons."""
        return "; ".join(part.unscored_reason(queries, row) for part in (self.title, self.seeds))

    def score(self, queries: Queries) -> sp.csr_matrix:
        """lambda * title + (1 - lambda) * seeds, per query (mixed in float64, returned as float32)."""
        n_seeds = queries.n_seeds
        lam = np.where(n_seeds > 0, self.blend_lambda / np.sqrt(np.maximum(n_seeds, 1)), 1.0)
        codes, distinct = queries.distinct_titles()
        title = row_top_k(max_normalise(self.title.score(distinct)), self.title_depth, self.popularity_rank_)[codes]
        if not (n_seeds > 0).any():
            return title
        seeds = max_normalise(self.seeds.score(queries))
        return sp.csr_matrix(scale_rows(title, lam) + scale_rows(seeds, 1.0 - lam), dtype=np.float32)
