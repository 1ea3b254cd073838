"""The blend of a title model and the item-item model on the hand-built train set."""

import numpy as np
import pytest
import toy
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.recommenders.blend import BlendRecommender
from playlistrec.recommenders.itemknn import CooccurrenceRecommender
from playlistrec.recommenders.title import TitleRecommender


class TestBlendContract(RecommenderBaseTestMixin):
    def make_model(self):
        return BlendRecommender(TitleRecommender(toy.TOY, top_m=2))


def test_blend_weights_title_by_lambda_over_sqrt_seeds(train):
    title = TitleRecommender(toy.TOY, top_m=2).fit(train)
    seeds = CooccurrenceRecommender().fit(train)
    blend = BlendRecommender(TitleRecommender(toy.TOY, top_m=2), blend_lambda=0.5).fit(train)
    batch = toy.queries(["pop", "pop"], [[], [4, 5, 6, 7]])
    scores = blend.score(batch).toarray()
    t = title.score(batch).toarray() / title.score(batch).toarray().max(axis=1, keepdims=True)
    s = seeds.score(batch).toarray()[1] / seeds.score(batch).toarray()[1].max()
    np.testing.assert_allclose(scores[0], t[0], rtol=1e-6)  # no seeds: the title alone
    np.testing.assert_allclose(scores[1], 0.25 * t[1] + 0.75 * s, rtol=1e-5)  # lambda = .5 / sqrt(4)


def test_recommend_by_uri_and_unknown_uri(train):
    model = BlendRecommender(TitleRecommender(toy.TOY)).fit(train)
    assert model.recommend("Rock!", [toy.uri(4)], n=2) == [toy.uri(5), toy.uri(7)]
    assert model.recommend("ROCK", n=2) == [toy.uri(0), toy.uri(1)]
    assert model.catalogue_.describe(np.array([3, -1]))["artist_name"].tolist() == ["artist 1"]


def test_blend_can_score_negative_and_still_ranks_like_the_dense_ranking(train):
    blend = BlendRecommender(TitleRecommender(toy.TOY, top_m=2), blend_lambda=2.0).fit(train)
    batch = toy.queries(["rock", "pop"], [[4], [0]])  # lambda = 2 > 1: the seeds' part weighs -1
    scores = blend.score(batch).toarray()
    assert (scores < 0).any()
    for n in (3, 8, 9):
        np.testing.assert_array_equal(
            blend.recommend_batch(batch, n), toy.dense_top_n(scores, n, blend.popularity_rank_, batch.seeds)
        )


def test_blend_title_depth_cuts_the_title_part_and_needs_a_title_model(train):
    deep = BlendRecommender(TitleRecommender(toy.TOY, top_m=2)).fit(train)
    shallow = BlendRecommender(TitleRecommender(toy.TOY, top_m=2), title_depth=1).fit(train)
    batch = toy.queries(["rock", "rock"], [[], [4]])
    assert np.flatnonzero(shallow.score(batch).toarray()[0]).tolist() == [0]
    # a query without seeds gets the title model's list whenever n <= title_depth
    np.testing.assert_array_equal(
        deep.recommend_batch(batch, 5)[0], TitleRecommender(toy.TOY, top_m=2).fit(train).recommend_batch(batch, 5)[0]
    )
    with pytest.raises(ValueError, match="ignores seeds"):
        BlendRecommender(CooccurrenceRecommender())


def test_blend_names_both_parts_when_neither_scores(train):
    model = BlendRecommender(TitleRecommender(toy.TOY, top_m=2)).fit(train)
    assert model.answer("", [toy.uri(8)], n=2).fallback == (
        "popularity: the model reads the title only, and the query has none; "
        "none of the seed tracks is in a training playlist"
    )
