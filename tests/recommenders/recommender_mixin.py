"""The contract every recommender keeps, as a mixin each model's test class inherits (like `implicit`'s
RecommenderBaseTestMixin): a test class defines `make_model()`, returning the model unfitted, and every test
below runs on it, fitted on the hand-built train set of tests/toy.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import toy

from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries, UnknownTrackError


def contract_batch() -> Queries:
    """Titles seen, unseen and absent, with none, one and several seeds (track 8 is in no train playlist)."""
    return toy.queries(
        ["rock", "", "pop hits", "classics", "unseen", "rock", "pop"],
        [[0], [1, 2], [], [4, 5, 6, 7], [8], [0, 3, 8], [5]],
    )


def dense(scores: sp.csr_matrix | np.ndarray) -> np.ndarray:
    """A model's scores as a dense array (a model may score densely)."""
    return scores.toarray() if sp.issparse(scores) else np.asarray(scores)


class RecommenderBaseTestMixin:
    """Never a seed, n distinct ids, -1 padding only past the catalogue, deterministic, batch = one by one."""

    learns_from_train_only = True  # False: the model may name tracks no train playlist holds (an LLM)

    def make_model(self) -> Recommender:
        """The model under test, unfitted."""
        raise NotImplementedError

    def fitted(self) -> Recommender:
        return self.make_model().fit(toy.train_set())

    def test_fit_returns_the_model(self):
        model = self.make_model()
        assert model.fit(toy.train_set()) is model

    def test_never_returns_a_seed(self):
        batch = toy.queries(["rock", "", "pop"], [[0], [1, 2], [4, 5, 6, 7]])
        recs = self.fitted().recommend_batch(batch, 5)
        assert 0 not in recs[0] and not {1, 2} & set(recs[1]) and not {4, 5, 6, 7} & set(recs[2])

    def test_scores_no_track_outside_train(self):
        if not self.learns_from_train_only:
            pytest.skip("the model may name any catalogue track")
        batch = toy.queries(["rock", "", "pop"], [[0], [1, 2], [4, 5, 6, 7]])
        # track 8 exists only in a test playlist: nothing in train votes for it.
        assert not dense(self.fitted().score(batch))[:, 8].any()

    def test_lists_are_full_and_padded_only_past_the_catalogue(self):
        model = self.fitted()
        recs = model.recommend_batch(toy.queries(["rock", "pop"], [[], [4, 5]]), 12)
        assert recs.shape == (2, 12) and recs.dtype == np.int32
        assert sorted(recs[0, :9]) == list(range(9)) and (recs[0, 9:] == -1).all()
        assert len(set(recs[1, :7])) == 7 and (recs[1, 7:] == -1).all()

    def test_n_distinct_ids_when_the_catalogue_has_enough(self):
        model, batch = self.fitted(), contract_batch()
        for n in (1, 4, 5):  # every query has at least 5 other tracks
            recs = model.recommend_batch(batch, n)
            assert recs.shape == (len(batch), n) and (recs >= 0).all()
            assert all(len(set(row)) == n for row in recs.tolist())

    def test_is_deterministic(self):
        batch = contract_batch()
        first, second = self.fitted(), self.fitted()
        expected = first.recommend_batch(batch, 9)
        np.testing.assert_array_equal(second.recommend_batch(batch, 9), expected)  # fitted again
        np.testing.assert_array_equal(first.recommend_batch(batch, 9), expected)  # asked again

    def test_batch_equals_one_by_one(self):
        model, batch = self.fitted(), contract_batch()
        for n in (3, 9):
            recs = model.recommend_batch(batch, n)
            for i in range(len(batch)):
                np.testing.assert_array_equal(model.recommend_batch(batch.take(np.array([i])), n)[0], recs[i])

    def test_chunking_does_not_change_the_answer(self):
        model, batch = self.fitted(), contract_batch()
        np.testing.assert_array_equal(model.recommend_batch(batch, 6, chunk_size=1), model.recommend_batch(batch, 6))

    def test_ranks_its_scores_like_the_dense_ranking(self):
        model = self.fitted()
        batch = toy.queries(["rock", "", "pop hits", "classics", "unseen"], [[0], [1, 2], [], [4, 5, 6, 7], [8]])
        for n in (1, 4, 8, 9, 12):
            expected = toy.dense_top_n(dense(model.score(batch)), n, model.popularity_rank_, batch.seeds)
            np.testing.assert_array_equal(model.recommend_batch(batch, n), expected, err_msg=f"n={n}")

    def test_ranking_each_title_once_equals_masking_each_query(self):
        """A model ignoring the seeds ranks each distinct title once and drops the seeds after: the same lists."""
        model = self.fitted()
        batch = toy.queries(["rock", "rock", "pop", "", "rock"], [[0, 1], [], [5], [0], [8, 3, 2]])
        for n in (3, 9):
            np.testing.assert_array_equal(model.recommend_batch(batch, n), model._masked_top(batch, n, chunk_size=2))

    def test_recommend_takes_uris_and_refuses_an_unknown_one(self):
        model = self.fitted()
        uris = model.recommend("Rock!", [toy.uri(0)], n=4)
        assert len(set(uris)) == 4 and toy.uri(0) not in uris
        with pytest.raises(UnknownTrackError, match="spotify:track:nope"):
            model.recommend("rock", [toy.uri(0), "spotify:track:nope"])

    def test_explain_says_when_popularity_filled_the_list(self):
        """Per query: None, or one line starting "popularity" exactly when some listed track has no positive score."""
        model, batch = self.fitted(), contract_batch()
        recs = model.recommend_batch(batch, 6)
        notes = model.explain(batch, recs)
        scores = dense(model.score(batch))
        assert len(notes) == len(batch)
        for row, note in enumerate(notes):
            own = (scores[row, recs[row]] > 0).all()
            reads_something = model.uses_title or model.uses_seeds
            assert (note is None) == (own or not reads_something), (row, note)
            assert note is None or (note.startswith("popularity") and "\n" not in note)

    def test_answer_is_recommend_with_its_note(self):
        model = self.fitted()
        for title, seeds in (("Rock!", [toy.uri(0)]), ("", [toy.uri(4)]), ("no such title", [])):
            answer = model.answer(title, seeds, n=4)
            assert answer.uris == model.recommend(title, seeds, n=4)
            queries = toy.queries([title.lower().strip("!")], [model.catalogue_.ids(seeds).tolist()])
            assert answer.fallback == model.explain(queries, model.recommend_batch(queries, 4))[0]
