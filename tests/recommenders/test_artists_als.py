"""The seed-artist model and ALS on the hand-built train set (artist of track t = t // 2)."""

import numpy as np
import toy
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.recommenders.als import ALSRecommender
from playlistrec.recommenders.artists import ArtistRecommender


class TestArtistContract(RecommenderBaseTestMixin):
    def make_model(self):
        return ArtistRecommender()


class TestALSContract(RecommenderBaseTestMixin):
    def make_model(self):
        return ALSRecommender(factors=4, iterations=5, regularization=0.1)


def test_artist_scores_are_seed_share_times_popularity_power(train):
    model = ArtistRecommender(popularity_power=0.5).fit(train)
    # seeds 0 (artist 0) and 4, 5 (artist 2): artist 0 holds 1/3 of the seeds, artist 2 2/3.
    scores = model.score(toy.queries([""], [[0, 4, 5]])).toarray()[0]
    expected = np.zeros(toy.N_TRACKS)
    expected[[0, 1]] = np.array([3, 2]) ** 0.5 / 3
    expected[[4, 5]] = np.array([2, 3]) ** 0.5 * 2 / 3
    np.testing.assert_allclose(scores, expected, rtol=1e-5)
    assert model.recommend_batch(toy.queries([""], [[0, 4, 5]]), 1)[0].tolist() == [1]


def test_als_ranks_the_seeds_own_cluster_first(train):
    model = ALSRecommender(factors=4, iterations=15, regularization=0.01).fit(train)
    recs = model.recommend_batch(toy.queries(["", ""], [[4, 5], [0, 1]]), 2)
    assert set(recs[0]) <= {6, 7} and set(recs[1]) <= {2, 3}
