"""The item-item co-occurrence model and its neighbour lists on the hand-built train set."""

import numpy as np
import toy
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.recommenders.data import TrainSet
from playlistrec.recommenders.itemknn import CooccurrenceRecommender


class TestCooccurrenceContract(RecommenderBaseTestMixin):
    def make_model(self):
        return CooccurrenceRecommender(alpha=0.9)


def test_cooccurrence_recommends_the_partner_track(train):
    model = CooccurrenceRecommender(alpha=0.9).fit(train)
    scores = model.score(toy.queries([""], [[4]])).toarray()[0]
    # sim(4, j) = C_4j / (pop_4^.9 pop_j^.1): 5 -> 2 / 3^.1, 7 -> 1 / 1, 6 -> 1 / 2^.1.
    np.testing.assert_allclose(scores[[5, 7, 6]] * 2**0.9, [2 / 3**0.1, 1.0, 1 / 2**0.1], rtol=1e-5)
    assert model.recommend_batch(toy.queries([""], [[4]]), 3)[0].tolist() == [5, 7, 6]


def exact_item_item(train: TrainSet, seeds: list[int], alpha: float) -> np.ndarray:
    """The item-item scores without any cut, densely: sum over seeds i of C_ij / (pop_i^a pop_j^(1-a))."""
    x = train.matrix.toarray()
    pop = x.sum(axis=0)
    c = x.T @ x
    safe = np.maximum(pop, 1)
    sim = np.where(pop[:, None] > 0, safe[:, None] ** -alpha, 0) * c * np.where(pop > 0, safe ** (alpha - 1), 0)
    return sim[seeds].sum(axis=0)


def test_uncut_neighbour_lists_give_the_exact_item_item_sums(train):
    model = CooccurrenceRecommender(alpha=0.7, neighbours=toy.N_TRACKS, max_seeds=toy.N_TRACKS).fit(train)
    for seeds in ([4], [0, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8]):
        np.testing.assert_allclose(
            model.score(toy.queries([""], [seeds])).toarray()[0], exact_item_item(train, seeds, 0.7), rtol=1e-5
        )


def test_neighbour_lists_keep_each_seeds_k_best_and_are_computed_once(train):
    model = CooccurrenceRecommender(alpha=0.9, neighbours=2).fit(train)
    assert not model.neighbours_.done.any()  # nothing is computed before a seed is used
    scores = model.score(toy.queries([""], [[4]])).toarray()[0]
    # sim(4, .) * 2^.9: itself 2 / 2^.1 = 1.87, 5: 2 / 3^.1 = 1.79, 7: 1, 6: 0.93 -> the two best are 4 and 5.
    assert np.flatnonzero(scores).tolist() == [4, 5]
    assert np.flatnonzero(model.neighbours_.done).tolist() == [4]
    used = model.neighbours_.used
    model.score(toy.queries(["", ""], [[4], [4]]))
    assert model.neighbours_.used == used  # kept, not recomputed


def test_item_item_uses_an_even_spread_of_at_most_max_seeds(train):
    capped = CooccurrenceRecommender(neighbours=toy.N_TRACKS, max_seeds=2).fit(train)
    # seeds 0, 1, 4, 5 in column order: i * 2 mod 4 < 2 keeps positions 0 and 2, i.e. tracks 0 and 4.
    np.testing.assert_allclose(
        capped.score(toy.queries([""], [[5, 4, 1, 0]])).toarray()[0], exact_item_item(train, [0, 4], 0.9), rtol=1e-5
    )


def test_item_item_says_why_it_has_nothing(train):
    model = CooccurrenceRecommender().fit(train)
    assert model.answer("", [toy.uri(0)], n=2).fallback is None
    assert model.answer("rock", n=2).fallback == "popularity: the model reads seed tracks only, and the query has none"
    assert model.answer("", [toy.uri(8)], n=2).fallback == (
        "popularity: none of the seed tracks is in a training playlist"
    )
