"""The ranking kernels, against hand-computed values and against the plain dense ranking on random cases."""

import numpy as np
import scipy.sparse as sp
from toy import dense_top_n

from playlistrec.recommenders.ranking import max_normalise, row_top_k, spread_sample, top_n


def test_top_n_orders_by_score_then_rank():
    scores = np.array([[0.5, -1.0, 0.5, 0.0, -3.0, 2.0]], dtype=np.float32)
    rank = np.array([5, 0, 1, 2, 3, 4])  # column 1 is the most popular
    seeds = sp.csr_matrix(([1.0], ([0], [4])), shape=(1, 6))
    assert top_n(scores, 7, rank, seeds).tolist() == [[5, 2, 0, 3, 1, -1, -1]]
    assert top_n(scores, 7, rank).tolist() == [[5, 2, 0, 3, 1, 4, -1]]


def random_case(
    rng: np.random.Generator, n_rows: int, n_tracks: int
) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """Sparse scores (many ties, or values spread over 60 decades) with explicit zeros, negatives and empty
    rows; seeds; a popularity rank with ties."""
    density = rng.choice([0.0, 0.05, 0.3, 0.9])
    scores = sp.random(n_rows, n_tracks, density=density, format="csr", dtype=np.float32, random_state=rng)
    ties = rng.choice(np.array([-2.0, -0.5, 0.0, 0.25, 0.5, 1.0, 3.0], dtype=np.float32), scores.nnz)
    spread = (rng.standard_normal(scores.nnz) * 10.0 ** rng.integers(-30, 30, scores.nnz)).astype(np.float32)
    scores.data = ties if rng.random() < 0.5 else spread
    scores = sp.csr_matrix(
        sp.diags((rng.random(n_rows) > 0.3).astype(np.float32)) @ scores, dtype=np.float32
    )  # some rows empty
    seeds = sp.random(n_rows, n_tracks, density=rng.choice([0.0, 0.1, 0.5]), format="csr", random_state=rng)
    seeds.data[:] = 1
    pop = rng.integers(0, 4, n_tracks)  # ties in popularity: rank by (count desc, id)
    rank = np.empty(n_tracks, dtype=np.int64)
    rank[np.lexsort((np.arange(n_tracks), -pop))] = np.arange(n_tracks)
    return scores, seeds, rank


def test_sparse_top_n_equals_the_dense_ranking():
    rng = np.random.default_rng(0)
    for _ in range(300):
        n_rows, n_tracks = int(rng.integers(1, 8)), int(rng.integers(1, 40))
        scores, seeds, rank = random_case(rng, n_rows, n_tracks)
        dense = scores.toarray()
        for n in {1, 3, n_tracks - 1, n_tracks, n_tracks + 2, int(rng.integers(1, 2 * n_tracks + 1))} - {0}:
            expected = dense_top_n(dense, n, rank, seeds)
            np.testing.assert_array_equal(top_n(scores, n, rank, seeds), expected)
            np.testing.assert_array_equal(top_n(dense, n, rank, seeds, np.argsort(rank)), expected)


def test_spread_sample_keeps_exactly_k_evenly_spread_entries():
    matrix = sp.csr_matrix(np.array([[1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 0, 0, 0, 0, 0]]))
    sampled = spread_sample(matrix, 4).toarray()
    assert np.flatnonzero(sampled[0]).tolist() == [0, 3, 5, 8]  # i * 4 mod 10 < 4: i = 0, 3, 5, 8
    assert np.flatnonzero(sampled[1]).tolist() == [1, 3]  # rows with at most k entries are unchanged


def test_row_top_k_keeps_the_best_positive_entries_ties_by_rank():
    scores = sp.csr_matrix(np.array([[0.5, 2.0, 0.5, -1.0, 0.5], [0.0, 0.0, -2.0, 0.0, 0.0]], dtype=np.float32))
    rank = np.array([4, 3, 0, 1, 2])  # column 2 is the most popular
    kept = row_top_k(scores, 3, rank).toarray()
    np.testing.assert_array_equal(kept[0], [0, 2.0, 0.5, 0, 0.5])  # 0.5 ties: columns 2 then 4, not 0
    assert not kept[1].any()  # negatives are never kept


def test_max_normalise_divides_each_row_by_its_maximum_implicit_zeros_included():
    scores = sp.csr_matrix(np.array([[2.0, 0.0, 1.0], [-2.0, 0.0, -1.0], [-2.0, -4.0, -1.0]], dtype=np.float32))
    normalised = max_normalise(scores).toarray()
    np.testing.assert_allclose(normalised[0], [1.0, 0.0, 0.5])
    np.testing.assert_allclose(normalised[1], [-2.0, 0.0, -1.0])  # the implicit zero is the maximum: unchanged
    np.testing.assert_allclose(normalised[2], [-2.0, -4.0, -1.0])  # all negative: unchanged


def test_product_top_k_keeps_each_rows_k_largest_positive_products():
    from playlistrec.recommenders.ranking import product_top_k

    rng = np.random.default_rng(3)
    left, right = rng.normal(size=(11, 4)).astype(np.float32), rng.normal(size=(300, 4)).astype(np.float32)
    dense = left @ right.T
    top = product_top_k(left, right, 5)
    assert top.shape == (11, 300)
    for row, scores in enumerate(dense):
        best = np.argsort(-scores)[:5]
        best = best[scores[best] > 0]
        np.testing.assert_array_equal(np.sort(top[row].indices), np.sort(best))
        np.testing.assert_allclose(top[row].toarray().ravel()[best], scores[best], rtol=1e-5)


def test_product_top_k_past_the_width_and_without_rows():
    from playlistrec.recommenders.ranking import product_top_k

    left = np.array([[1.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    right = np.array([[2.0, 0.0], [-1.0, 0.0], [0.5, 1.0]], dtype=np.float32)
    top = product_top_k(left, right, 9)  # k past the width: every positive product once, none padded
    np.testing.assert_array_equal(top.toarray(), [[2.0, 0.0, 0.5], [0.0, 0.0, 0.0]])
    assert product_top_k(left[:0], right, 5).shape == (0, 3)
    assert product_top_k(left, right[:0], 5).shape == (2, 0)
