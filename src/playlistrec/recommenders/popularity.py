"""The most popular train tracks: the floor every model must beat, and the fallback of every list."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries


class PopularityRecommender(Recommender):
    """The most popular train tracks, whatever the query (the floor every model must beat).

    It scores nothing: the shared fill, from the popularity order ranked once at fit, is the whole list.
    """

    uses_seeds = False
    uses_title = False

    def score(self, queries: Queries) -> sp.csr_matrix:
        """No stored scores (all 0): every query gets the popularity order."""
        return sp.csr_matrix((len(queries), len(self.popularity_)), dtype=np.float32)
