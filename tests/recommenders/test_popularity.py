"""The popularity model on the hand-built train set (tests/toy.py)."""

import numpy as np
import toy
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.recommenders.popularity import PopularityRecommender


class TestPopularityContract(RecommenderBaseTestMixin):
    def make_model(self):
        return PopularityRecommender()


def test_popularity_orders_by_train_count_then_id(train):
    recs = PopularityRecommender().fit(train).recommend_batch(toy.queries(["rock"]), 9)
    assert recs.tolist() == [[0, 5, 1, 2, 4, 6, 3, 7, 8]]
    assert recs.dtype == np.int32


def test_popularity_is_the_model_itself_not_a_fallback(train):
    assert PopularityRecommender().fit(train).answer("anything", n=3).fallback is None
