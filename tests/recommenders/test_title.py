"""The title models (exact title, the report's method, the title vote) on the hand-built train set."""

import numpy as np
import pytest
import toy
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.recommenders.title import ExactTitleRecommender, ReportRecommender, TitleRecommender


class TestExactTitleContract(RecommenderBaseTestMixin):
    def make_model(self):
        return ExactTitleRecommender()


class TestReportContract(RecommenderBaseTestMixin):
    def make_model(self):
        return ReportRecommender(toy.TOY, n_playlists=3)


class TestTitleContract(RecommenderBaseTestMixin):
    def make_model(self):
        return TitleRecommender(toy.TOY, top_m=2, sim_power=2)


def test_exact_title_ranks_the_titles_tracks_first(train):
    recs = ExactTitleRecommender().fit(train).recommend_batch(toy.queries(["rock", "unseen title"]), 9)
    # rock playlists: 0 and 1 in both (tie broken by popularity), then 2 and 3, then the popularity fallback.
    assert recs[0].tolist() == [0, 1, 2, 3, 5, 4, 6, 7, 8]
    assert recs[1].tolist() == [0, 5, 1, 2, 4, 6, 3, 7, 8]  # unseen title: popularity


def test_title_model_votes_sim_power_times_share(train):
    model = TitleRecommender(toy.TOY, top_m=2, sim_power=2).fit(train)
    scores = model.score(toy.queries(["rock", "classics"])).toarray()
    # "rock": rock (sim 1, shares 1,1,.5,.5) + rock classics (sim 1/sqrt2 -> weight .5, shares 1,0,1,0).
    np.testing.assert_allclose(scores[0], [1.5, 1.0, 1.0, 0.5, 0, 0, 0, 0, 0], atol=1e-6)
    # "classics" is only similar to "rock classics" (weight .5); the second nearest title has sim 0.
    np.testing.assert_allclose(scores[1], [0.5, 0, 0.5, 0, 0, 0, 0, 0, 0], atol=1e-6)


def test_report_method_takes_copies_in_expectation(train):
    scores = ReportRecommender(toy.TOY, n_playlists=3).fit(train).score(toy.queries(["rock"])).toarray()
    # both "rock" copies (share x 2) and the one "rock classics" playlist: unweighted votes.
    np.testing.assert_allclose(scores[0, :4], [3, 2, 2, 1])
    scores = ReportRecommender(toy.TOY, n_playlists=1).fit(train).score(toy.queries(["rock"])).toarray()
    # the cut falls inside the two "rock" copies: each is taken with probability 1/2.
    np.testing.assert_allclose(scores[0, :4], [1, 1, 0.5, 0.5])


def test_untitled_query_gets_no_title_votes(train):
    for model in (TitleRecommender(toy.TOY), ReportRecommender(toy.TOY), ExactTitleRecommender()):
        assert model.fit(train).score(toy.queries([""])).nnz == 0


def test_title_tracks_cuts_each_titles_votes_to_its_most_frequent(train):
    model = ExactTitleRecommender(title_tracks=2).fit(train)
    # "rock": shares 0: 1, 1: 1, 2: .5, 3: .5 -> only 0 and 1 vote; the rest of the list is popularity.
    assert model.share_.getnnz(axis=1).max() == 2
    assert model.recommend_batch(toy.queries(["rock"]), 5)[0].tolist() == [0, 1, 5, 2, 4]


def test_title_vectors_enter_at_fit_by_encoder_name(train):
    model = TitleRecommender(toy.TOY)
    assert not hasattr(model, "title_vectors_")  # the constructor takes plain values only
    assert model.fit(train).title_vectors_ is train.title_vectors[toy.TOY]
    with pytest.raises(ValueError, match="no title vectors by encoder 'finetuned' \\(has: toy, toy_cf\\)"):
        TitleRecommender("finetuned").fit(train)


def test_a_title_model_says_when_it_falls_back_to_popularity(train):
    exact = ExactTitleRecommender().fit(train)
    assert exact.answer("rock", n=3).fallback is None
    assert exact.answer("unseen title", n=3).fallback == "popularity: no training title matches"
    assert exact.answer("rock", n=6).fallback == (
        "popularity from rank 5: the model scores only 4 tracks for this query"
    )
    only_seeds = TitleRecommender(toy.TOY).fit(train).answer("", [toy.uri(0)], n=3)
    assert only_seeds.fallback == "popularity: the model reads the title only, and the query has none"


def test_title_models_on_one_train_set_share_their_votes(train):
    exact, report = ExactTitleRecommender().fit(train), ReportRecommender(toy.TOY).fit(train)
    assert exact.share_ is report.share_  # the same titles and cut: built once, held once
    assert ExactTitleRecommender(title_tracks=2).fit(train).share_ is not exact.share_
