"""The title in the collaborative space (projected title . item factors), alone and fused with the title vote."""

import numpy as np
import pytest
import toy
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.recommenders.cf import CollaborativeTitleRecommender, reciprocal_ranks
from playlistrec.recommenders.title import TitleRecommender


class TestCollaborativeTitleContract(RecommenderBaseTestMixin):
    def make_model(self):
        return CollaborativeTitleRecommender(toy.TOY_CF, depth=4)


class TestFusedContract(RecommenderBaseTestMixin):
    def make_model(self):
        return CollaborativeTitleRecommender(toy.TOY_CF, vote_model=TitleRecommender(toy.TOY, top_m=2), depth=4)


def test_a_title_scores_the_tracks_of_its_playlists_first(train):
    model = CollaborativeTitleRecommender(toy.TOY_CF).fit(train)
    recs = model.recommend_batch(toy.queries(["rock", "pop hits", "classics"]), 4)
    assert set(recs[0]) == {0, 1, 2, 3} and set(recs[1]) == {4, 5, 6, 7} and set(recs[2]) == {0, 1, 2, 3}


def test_fit_refuses_an_encoder_without_a_projection(train):
    with pytest.raises(ValueError, match="has no projection"):
        CollaborativeTitleRecommender(toy.TOY).fit(train)


def test_reciprocal_ranks_are_one_over_k_plus_the_place():
    scores = np.array([[0.5, 0, 2.0, 0.1]], dtype=np.float32)
    weights = reciprocal_ranks(scores, depth=2, k=1, rank=np.arange(4)).toarray()
    np.testing.assert_allclose(weights, [[1 / 3, 0, 1 / 2, 0]])
