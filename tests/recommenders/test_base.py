"""The base class's shared machinery beyond the per-model contract (recommender_mixin): the scores memo."""

import toy

from playlistrec.recommenders.base import shared_scores
from playlistrec.recommenders.popularity import PopularityRecommender


class CountingModel(PopularityRecommender):
    """Popularity that counts its `score` calls."""

    calls = 0

    def score(self, queries):
        self.calls += 1
        return super().score(queries)


def test_shared_score_computes_once_per_batch_inside_a_block_only(train):
    model, batch, other = CountingModel().fit(train), toy.queries(["rock"]), toy.queries(["rock"])
    model.shared_score(batch), model.shared_score(batch)
    assert model.calls == 2  # outside a block: plain score
    with shared_scores():
        first = model.shared_score(batch)
        assert model.shared_score(batch) is first and model.calls == 3
        model.shared_score(other)  # another batch object: its own scores
        assert model.calls == 4
    model.shared_score(batch)
    assert model.calls == 5  # the memo ends with its block
