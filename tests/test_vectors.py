import numpy as np

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
    rounded = quantise(values)
    assert rounded.dtype == np.float32
    assert rounded.tolist() == [[126 * GRID, -0.5, GRID, 0.0]]
    noisy = values + np.float32(2e-7) * np.array([[1, -1, 0, 1]], dtype=np.float32)  # another CPU's last bits
    np.testing.assert_array_equal(quantise(noisy), rounded)
