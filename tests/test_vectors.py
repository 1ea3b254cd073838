import numpy as np
import pytest

from playlistrec.recommenders.data import playlist_track_matrix
from playlistrec.vectors import GRID, mean_vectors, quantise


def test_playlist_vector_is_unit_mean_of_its_tracks_and_duplicates_count_once():
    track_vectors = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
    membership = playlist_track_matrix(np.array([0, 0, 0, 1]), np.array([0, 1, 1, 2]), n_rows=3, n_tracks=3)
    result = mean_vectors(membership, track_vectors)
    np.testing.assert_allclose(result[0], [2**-0.5, 2**-0.5], rtol=1e-6)
    np.testing.assert_allclose(result[1], [2**-0.5, 2**-0.5], rtol=1e-6)
    assert result[2].tolist() == [0.0, 0.0]  # a playlist without tracks gets a zero vector


def test_quantise_rounds_to_the_grid_and_absorbs_last_bit_noise():
    values = np.array([[0.1234567, -0.5, 2**-11 + 1e-9, 0.0]], dtype=np.float32)
    rounded = quantise(values.copy())
    assert rounded.dtype == np.float32
    assert rounded.tolist() == [[126 * GRID, -0.5, GRID, 0.0]]
    noisy = values + np.float32(2e-7) * np.array([[1, -1, 0, 1]], dtype=np.float32)  # another CPU's last bits
    np.testing.assert_array_equal(quantise(noisy), rounded)


def test_quantise_in_float32_equals_the_float64_rounding():
    values = np.random.default_rng(0).normal(scale=0.3, size=(2000, 64)).astype(np.float32)
    values[0, :4] = [0.5 * GRID, 1.5 * GRID, -2.5 * GRID, 1.0]  # halfway cases round to even in both
    reference = (np.round(values.astype(np.float64) / GRID) * GRID).astype(np.float32)
    assert quantise(values) is values  # rounded in place: no copy of 3.6 GB of track vectors at 1M playlists
    np.testing.assert_array_equal(values, reference)


def test_quantise_refuses_what_it_cannot_round_in_place():
    with pytest.raises(TypeError, match="float32"):
        quantise(np.zeros(3, dtype=np.float64))


def test_rare_tracks_are_left_out_unless_a_playlist_has_nothing_else():
    from playlistrec.vectors import frequent_track_weights

    # track 0 is in playlists 0 and 1; tracks 1 and 2 in one playlist each; playlist 2 has only rare track 2
    membership = playlist_track_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 0, 2]), n_rows=4, n_tracks=3)
    weights = frequent_track_weights(membership, min_playlists=2)
    assert weights.toarray().tolist() == [[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 0, 0]]
    assert (frequent_track_weights(membership, 1) != membership).nnz == 0
