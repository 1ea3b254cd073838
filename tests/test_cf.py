"""The collaborative space: weighting, the SVD, title targets and folding more playlists into the basis."""

import numpy as np
import scipy.sparse as sp
import toy

from playlistrec.cf import factorize, idf, refit_item_factors, title_targets, weighted


def test_rows_are_scaled_by_one_over_sqrt_length_and_columns_by_idf():
    matrix = sp.csr_matrix(np.array([[1, 1, 0, 0], [1, 0, 0, 1]], dtype=np.float32))
    np.testing.assert_allclose(idf(matrix), [0.0, np.log(2), 0.0, np.log(2)])
    expected = np.array([[0, np.log(2), 0, 0], [0, 0, 0, np.log(2)]]) / np.sqrt(2)
    np.testing.assert_allclose(weighted(matrix, idf(matrix)).toarray(), expected, rtol=1e-6)


def test_a_titles_target_is_the_normalised_mean_of_its_playlists_factors():
    factors = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 4.0], [9.0, 9.0]], dtype=np.float32)
    targets = title_targets(np.array(["b", "b", "a", ""], dtype=object), factors)
    assert targets.titles == ["a", "b"] and targets.counts.tolist() == [1, 2]  # sorted, untitled dropped
    np.testing.assert_allclose(targets.targets, [[0.6, 0.8], [2**-0.5, 2**-0.5]], rtol=1e-6)


def test_refitting_on_the_svds_own_rows_gives_its_item_factors_back():
    train = toy.train_set()
    space = factorize(train.matrix, 3, seed=0)
    refit = refit_item_factors(train.matrix, space.item_factors, space.singular_values)
    np.testing.assert_allclose(refit, space.item_factors, atol=1e-5)
    assert not refit[8].any()  # track 8 is in no train playlist


def test_folding_in_a_playlist_gives_its_unseen_track_a_vector_in_the_same_basis():
    train = toy.train_set()
    space = factorize(train.matrix, 3, seed=0)
    extra = sp.csr_matrix(([1.0, 1.0, 1.0], ([0, 0, 0], [0, 1, 8])), shape=(1, 9), dtype=np.float32)
    refit = refit_item_factors(sp.vstack([train.matrix, extra]).tocsr(), space.item_factors, space.singular_values)
    assert refit[8].any()
    # track 8 now points where track 0 (rock) points, not where track 4 (pop) does
    assert refit[8] @ refit[0] > 0 and abs(refit[8] @ refit[4]) < refit[8] @ refit[0]
