"""The re-ranker on the hand-built train set: candidates and features, the contract, and training on
validation playlists only."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import toy
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.artefacts import PipelineData
from playlistrec.recommenders.artists import ArtistRecommender
from playlistrec.recommenders.base import masked_top_together
from playlistrec.recommenders.itemknn import CooccurrenceRecommender
from playlistrec.recommenders.ranker import RankedRecommender, batch_scores
from playlistrec.recommenders.ranker_train import RankerSettings, train_booster, validation_scenarios
from playlistrec.recommenders.title import TitleRecommender
from playlistrec.scenarios import SCENARIOS, ScenarioQueries

TINY = RankerSettings(rounds=3, min_data_in_leaf=1, valid_share=0.5, max_queries=50, eval_at=5)


def toy_ranker(booster=None, title: bool = True, depth: int = 4) -> RankedRecommender:
    models = {"itemknn": CooccurrenceRecommender(), "artists": ArtistRecommender()}
    if title:
        models["title"] = TitleRecommender(encoder=toy.TOY, top_m=3)
    return RankedRecommender(models, depth=depth, title_model="title" if title else None, booster=booster)


def toy_scenario() -> ScenarioQueries:
    """Each train playlist's first track as the seed, the rest held out (title shown)."""
    seeds = [tracks[:1] for _, tracks in toy.TRAIN]
    truth = toy.queries([""] * len(toy.TRAIN), [tracks[1:] for _, tracks in toy.TRAIN]).seeds
    titles = np.array([t for t, _ in toy.TRAIN], dtype=object)
    return ScenarioQueries(SCENARIOS[1], np.arange(len(titles)), titles, toy.queries(list(titles), seeds), truth)


@pytest.fixture(scope="module")
def booster():
    return train_booster(toy_ranker().fit(toy.train_set()), [toy_scenario()], TINY).booster


class TestRankedContract(RecommenderBaseTestMixin):
    @pytest.fixture(autouse=True)
    def _booster(self, booster):
        self.booster = booster

    def make_model(self):
        return toy_ranker(self.booster)


def test_candidates_are_the_union_of_each_models_top_list_without_seeds(train):
    ranker = toy_ranker().fit(train)
    queries = toy.queries(["rock", ""], [[0], [4]])
    candidates = ranker.features_.build(queries)
    names = ranker.features_.names
    for row, seed in ((0, 0), (1, 4)):
        mine = candidates.cols[candidates.rows == row]
        assert seed not in mine and np.all(np.diff(mine) > 0)
    # query 1 (pop seed 4, no title): item-item lists 5, 7, 6; artist 2 is tracks 4, 5 -> candidates 5, 6, 7
    assert candidates.cols[candidates.rows == 1].tolist() == [5, 6, 7]
    features = pd.DataFrame(candidates.features[candidates.rows == 1], columns=names)
    assert features["itemknn_rank"].tolist() == [0, 2, 1] and features["artists_rank"].tolist() == [0, 4, 4]
    assert features["artist_seeds"].tolist() == [1, 0, 0] and features["n_seeds"].tolist() == [1, 1, 1]
    assert features["has_title"].tolist() == [0, 0, 0] and features["n_models"].tolist() == [2, 1, 1]
    np.testing.assert_allclose(features["log_popularity"], np.log1p([3, 2, 1]))


def test_a_candidate_fitted_on_the_same_train_set_is_not_fitted_again(train, monkeypatch):
    ranker = toy_ranker(title=False)
    ranker.models["itemknn"].fit(train)
    fits = []
    monkeypatch.setattr(CooccurrenceRecommender, "_fit", lambda self, data: fits.append(data))
    ranker.fit(train)
    assert fits == []  # shared as it is
    ranker.fit(toy.train_set())  # another train set: fitted on it
    assert len(fits) == 1


def test_a_booster_trained_on_other_features_is_refused(booster, train):
    with pytest.raises(ValueError, match="retrain"):
        toy_ranker(booster, title=False).fit(train)


def test_the_ranker_trains_on_validation_playlists_only(train):
    """Query ids of the training (and held-out check) queries are all validation pids, never test or train ones."""
    sets = ["train"] * 6 + ["val"] * 3 + ["test"] * 3
    extra = [("rock", [0, 1, 2, 3]), ("pop", [4, 5, 6, 7]), ("rock classics", [0, 2, 1])]
    rows = toy.TRAIN + extra + extra
    playlists = pd.DataFrame({"pid": np.arange(len(rows)) + 100, "title": [t for t, _ in rows], "set": sets})
    items = pd.DataFrame(
        [(pid + 100, pos, track) for pid, (_, tracks) in enumerate(rows) for pos, track in enumerate(tracks)],
        columns=["pid", "pos", "track_id"],
    )
    data = PipelineData(None, playlists, items, toy.catalogue(), pd.DataFrame({"title": [], "n_playlists": []}))
    ranker = toy_ranker(title=False).fit(train)
    trained = train_booster(ranker, validation_scenarios(data, seed=1), TINY)
    val = set(playlists.loc[playlists["set"] == "val", "pid"])
    assert len(trained.query_pids) and set(trained.query_pids.tolist()) <= val
    assert trained.summary["queries"] == len(trained.query_pids)
    assert list(trained.curve.columns) == ["round", "train_ndcg", "valid_ndcg"] and len(trained.curve) == TINY.rounds


def test_scores_rank_candidates_above_every_other_track(booster, train):
    ranker = toy_ranker(booster).fit(train)
    scores = sp.csr_matrix(ranker.score(toy.queries(["pop"], [[4]])))
    assert (scores.data >= 1).all()


def test_after_the_candidates_the_list_follows_the_first_model(booster, train):
    """With one candidate per model, the rest of the list is the item-item model's order, not popularity's."""
    queries = toy.queries(["rock"], [[4]])
    ranked = toy_ranker(booster, depth=1).fit(train).recommend_batch(queries, 4)[0]
    item_item = CooccurrenceRecommender().fit(train).recommend_batch(queries, 4)[0]  # 5, 7, 6, then popularity
    candidates = toy_ranker(booster, depth=1).fit(train).features_.build(queries).cols
    rest = [track for track in ranked if track not in candidates]
    assert rest == [track for track in item_item if track not in candidates][: len(rest)]


def test_ranked_beside_its_candidates_reuses_their_scores_of_each_chunk(booster, train, monkeypatch):
    """Ranked together (as the eval does), each list is the model's own and each seed candidate scores a chunk once."""
    ranker = toy_ranker(booster).fit(train)
    models = {"itemknn": ranker.models["itemknn"], "artists": ranker.models["artists"], "ranked": ranker}
    queries = toy.queries(["rock", "pop", "", "rock", "chill"], [[0], [4], [1, 2], [], [6]])
    alone = {name: model.recommend_batch(queries, 6, chunk_size=2) for name, model in models.items()}
    scored: list[str] = []
    for name in ("itemknn", "artists"):
        counted = lambda batch, name=name, score=models[name].score: scored.append(name) or score(batch)  # noqa: E731
        monkeypatch.setattr(models[name], "score", counted)
    together = masked_top_together(models, queries, 6, chunk_size=2)
    for name, recs in alone.items():
        np.testing.assert_array_equal(together[name], recs)
    assert sorted(scored) == ["artists"] * 3 + ["itemknn"] * 3  # 3 chunks of 2 queries, once each


def test_a_candidate_ignoring_seeds_scores_each_distinct_title_once(train, monkeypatch):
    title = toy_ranker().fit(train).models["title"]
    queries = toy.queries(["rock", "pop", "rock", ""], [[0], [4], [1], [2]])
    expected = title.score(queries).toarray()
    sizes: list[int] = []
    monkeypatch.setattr(title, "score", lambda batch, score=title.score: sizes.append(len(batch)) or score(batch))
    np.testing.assert_allclose(batch_scores(title, queries).toarray(), expected)
    assert sizes == [3]  # "", "pop", "rock"
