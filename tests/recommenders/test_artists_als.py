"""The seed-artist model and ALS on the hand-built train set (artist of track t = t // 2)."""

import numpy as np
import pandas as pd
import pytest
import toy
from implicit.cpu.als import AlternatingLeastSquares
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.recommenders.als import FACTORS_FILE, ALSRecommender
from playlistrec.recommenders.artists import ArtistRecommender
from playlistrec.recommenders.data import TrainSet


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


@pytest.fixture
def saved_als(train, tmp_path):
    """ALS fitted on the toy train set (4 factors, 5 iterations) and its factors file."""
    model = ALSRecommender(factors=4, iterations=5)
    model.fit(train).save_factors(tmp_path / FACTORS_FILE)
    return model, tmp_path / FACTORS_FILE


@pytest.fixture
def solver_runs(monkeypatch):
    """How many times implicit's ALS solver runs from here on."""
    runs: list[int] = []
    fit = AlternatingLeastSquares.fit
    monkeypatch.setattr(AlternatingLeastSquares, "fit", lambda self, *a, **k: runs.append(1) or fit(self, *a, **k))
    return runs


def test_als_reads_saved_factors_back_instead_of_fitting(train, saved_als, solver_runs):
    fitted, path = saved_als
    loaded = ALSRecommender(factors=4, iterations=5, factors_file=path).fit(train)
    queries = toy.queries(["", "", ""], [[4, 5], [0, 1], [2]])
    assert solver_runs == []
    np.testing.assert_array_equal(loaded.recommend_batch(queries, 6), fitted.recommend_batch(queries, 6))


def test_als_fits_its_own_when_the_saved_factors_are_from_other_settings(train, saved_als, solver_runs):
    ALSRecommender(factors=4, iterations=6, factors_file=saved_als[1]).fit(train)
    assert solver_runs == [1]


def test_als_fits_its_own_when_the_saved_factors_are_from_another_train_matrix(saved_als, solver_runs):
    playlists = pd.DataFrame({"pid": [0, 1], "title": ["rock", "pop"]})
    items = pd.DataFrame({"pid": [0, 0, 1, 1], "track_id": [0, 1, 4, 5]})
    other = TrainSet.from_frames(playlists, items, toy.catalogue())
    ALSRecommender(factors=4, iterations=5, factors_file=saved_als[1]).fit(other)
    assert solver_runs == [1]
