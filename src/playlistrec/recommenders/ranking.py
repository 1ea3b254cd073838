"""Ranking kernels shared by every model: sparse scores to top-n lists, and the row operations models mix with.

`top_n` ranks each row's stored non-seed scores and fills the list from one popularity order, popularity
being the final fallback: equal scores (zero included) are ordered by train popularity, then track id. That
is the exact limit of adding epsilon x normalised popularity, without an epsilon to tune: every list is full
and ties are deterministic, and the cost per query is O(its stored scores), not O(n_tracks). A test checks
it against the plain dense ranking on random cases.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def max_normalise(scores: sp.csr_matrix) -> sp.csr_matrix:
    """Each row divided by its maximum, implicit zeros included (rows that are all <= 0 stay unchanged).

    The row maxima come from one `np.maximum.reduceat` over the stored entries (no index sorting), which
    assumes no duplicate entries, as every scipy product or sum gives.
    """
    scores = sp.csr_matrix(scores, dtype=np.float32, copy=True)
    stored = np.diff(scores.indptr)
    peak = np.zeros(scores.shape[0], dtype=np.float32)
    nonempty = stored > 0
    peak[nonempty] = np.maximum.reduceat(scores.data, scores.indptr[:-1][nonempty])
    peak[stored < scores.shape[1]] = np.maximum(peak[stored < scores.shape[1]], 0)  # implicit zeros count
    scores.data /= np.repeat(np.where(peak > 0, peak, np.float32(1)), stored)
    return scores


def scale_rows(scores: sp.csr_matrix, factors: np.ndarray) -> sp.csr_matrix:
    """Row q of `scores` times factors[q], computed in float64 (entries upcast, none dropped)."""
    scaled = sp.csr_matrix(scores, dtype=np.float64, copy=True)
    scaled.data *= np.repeat(np.asarray(factors, dtype=np.float64), np.diff(scaled.indptr))
    return scaled


def pair_membership(rows: np.ndarray, cols: np.ndarray, matrix: sp.csr_matrix) -> np.ndarray:
    """Boolean array shaped like broadcast(rows, cols): is (rows[i], cols[i]) a nonzero entry of `matrix`
    (a negative column never is). SciPy's fancy indexing looks each pair up in its row (a binary search in
    sorted rows), 5x faster than searching sorted (row, column) keys."""
    rows, cols = np.broadcast_arrays(rows, cols)
    valid = cols >= 0
    if not rows.size:
        return valid
    values = sp.csr_matrix(matrix)[rows.ravel(), np.where(valid, cols, 0).ravel()]
    return (np.asarray(values).reshape(rows.shape) != 0) & valid


def row_membership(ids: np.ndarray, matrix: sp.csr_matrix) -> np.ndarray:
    """Boolean array shaped like `ids`: is column ids[q, j] stored in row q of `matrix` (-1 never is)."""
    return pair_membership(np.arange(len(ids))[:, None], ids, matrix)


def sortable_bits(values: np.ndarray) -> np.ndarray:
    """float32 values mapped to int32 in the same order (negatives' bits flipped)."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.int32)
    return bits ^ ((bits >> 31) & np.int32(0x7FFFFFFF))


def sort_keys(values: np.ndarray, cols: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Distinct int64 keys ordered like (float32 value asc, rank[col] desc): bigger key = better entry.

    The value's `sortable_bits` fill the high half, the inverted popularity rank the low half.
    """
    return (sortable_bits(values).astype(np.int64) << 32) | (len(rank) - 1 - rank[cols]).astype(np.int64)


def in_top_bins(rows: np.ndarray, values: np.ndarray, n: int, n_rows: int, bits: int = 10) -> np.ndarray:
    """A superset of each row's n largest values (exact pre-filter before sorting): True for the entries
    whose value falls in or above the histogram bin (top `bits` of `sortable_bits`) of the row's n-th
    largest value, every entry of a row with fewer than n. Memory: n_rows x 2**bits counts."""
    n_bins = 1 << bits
    bins = (sortable_bits(values) >> (32 - bits)).astype(np.int64) + n_bins // 2
    counts = np.bincount(rows.astype(np.int64) * n_bins + bins, minlength=n_rows * n_bins).reshape(n_rows, n_bins)
    at_or_above = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]
    cut = (at_or_above >= n).sum(axis=1) - 1  # bin of the n-th largest, -1 when fewer than n
    return bins >= cut[rows]


def row_sorted(rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Permutation grouping entries by row (ascending), each row's entries by key descending.

    One unstable argsort of the keys, then a stable (radix, for small row numbers) sort by row: several
    times faster than `np.lexsort` on millions of entries.
    """
    by_key = np.argsort(~keys)
    small_rows = rows[by_key].astype(np.min_scalar_type(max(int(rows.max(initial=0)), 1)))
    return by_key[np.argsort(small_rows, kind="stable")]


def popularity_fill(rows: np.ndarray, ranks: np.ndarray, need: np.ndarray, n_tracks: int) -> np.ndarray:
    """For each row q, the first need[q] popularity ranks not among the ranks excluded in q, concatenated.

    `rows`/`ranks` list the excluded (row, rank) pairs, distinct. With row q's excluded ranks sorted e_0 <
    e_1 < ..., e_i - i counts the free ranks below e_i, so the j-th free rank is j + #{i: e_i - i <= j}:
    one `searchsorted` over all rows at once, rows kept apart by an offset of n_tracks + 1 each.
    """
    span = n_tracks + 1
    excluded = np.sort(rows.astype(np.int64) * span + ranks)
    starts = np.searchsorted(excluded, np.arange(len(need), dtype=np.int64) * span)
    gaps = excluded - (np.arange(excluded.size) - starts[excluded // span])
    fill_rows = np.repeat(np.arange(len(need)), need)
    j = np.arange(fill_rows.size) - np.repeat(np.cumsum(need) - need, need)
    return j + np.searchsorted(gaps, fill_rows * span + j, side="right") - starts[fill_rows]


def top_n(
    scores: sp.csr_matrix | np.ndarray,
    n: int,
    rank: np.ndarray,
    seeds: sp.csr_matrix | None = None,
    order: np.ndarray | None = None,
) -> np.ndarray:
    """Column ids of the n highest scores per row, best first, ties broken by the smaller `rank[col]`.

    `scores` is sparse (unstored = 0, no duplicate entries; a dense array is converted); columns stored in
    `seeds` are never returned, and -1 pads a row past the last other column. `order` = the columns by rank
    (np.argsort(rank)), computed when not given. Exact (score desc, rank asc) order at O(stored entries
    + n) per row: the stored positive entries are sorted by one distinct int64 key each (`sort_keys`),
    then come the zero-score columns (neither stored nonzero nor seeds) in popularity order from `order`,
    then the stored negative entries by key, and the first n are kept.
    """
    scores = sp.csr_matrix(scores, dtype=np.float32)
    n_rows, n_tracks = scores.shape
    seeds = sp.csr_matrix((n_rows, n_tracks), dtype=np.float32) if seeds is None else sp.csr_matrix(seeds)
    order = np.argsort(rank, kind="stable") if order is None else order
    coo, seed_coo = scores.tocoo(), seeds.tocoo()
    kept = (coo.data != 0) & ~pair_membership(coo.row, coo.col, seeds)
    rows, cols, values = coo.row[kept], coo.col[kept], coo.data[kept]
    n_positive = np.bincount(rows[values > 0], minlength=n_rows)
    n_zero = n_tracks - np.bincount(rows, minlength=n_rows) - seeds.getnnz(axis=1)
    out = np.full((n_rows, n), -1, dtype=np.int32)
    stored, position = ranked_stored(rows, cols, values, rank, n, n_positive + n_zero)
    out[rows[stored], position] = cols[stored]
    need = np.minimum(np.maximum(n - n_positive, 0), n_zero)
    filling, seed_filling = need[rows] > 0, need[seed_coo.row] > 0  # a full row's exclusions do not matter
    excluded_rows = np.concatenate([rows[filling], seed_coo.row[seed_filling]])
    excluded_ranks = rank[np.concatenate([cols[filling], seed_coo.col[seed_filling]])]
    fill = order[popularity_fill(excluded_rows, excluded_ranks, need, n_tracks)]
    fill_rows = np.repeat(np.arange(n_rows), need)
    out[fill_rows, n_positive[fill_rows] + np.arange(fill.size) - np.repeat(np.cumsum(need) - need, need)] = fill
    return out


def ranked_stored(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, rank: np.ndarray, n: int, negatives_at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(index into the given entries, position in its row's list) of the stored nonzero entries ranked in
    the top n of their row, grouped by row, best first.

    Positives come first in key order; negatives start at `negatives_at[row]` (after the row's positives
    and zero-score columns) and are only kept when that is < n; positives far below a row's n-th are
    dropped by `in_top_bins` before sorting.
    """
    positive = values > 0
    n_rows = len(negatives_at)
    candidate = ~positive & (negatives_at < n)[rows]
    candidate[positive] = in_top_bins(rows[positive], values[positive], n, n_rows)
    index = np.flatnonzero(candidate)
    index = index[row_sorted(rows[index], sort_keys(values[index], cols[index], rank))]
    rows, positive = rows[index], positive[index]
    per_row = np.bincount(rows, minlength=n_rows)
    positives = np.bincount(rows[positive], minlength=n_rows)
    within = np.arange(rows.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    position = within + np.where(positive, 0, negatives_at[rows] - positives[rows])
    return index[position < n], position[position < n]


def row_top_k(scores: sp.csr_matrix, k: int, rank: np.ndarray) -> sp.csr_matrix:
    """Each row's k largest positive entries, ties kept by the smaller `rank[col]` (as `top_n` ranks them);
    other entries dropped. Cutting a row this way changes no top-n list with n + seeds <= k."""
    coo = scores.tocoo()
    index, _ = ranked_stored(coo.row, coo.col, coo.data, rank, k, np.full(scores.shape[0], k))
    return sp.csr_matrix((coo.data[index], (coo.row[index], coo.col[index])), shape=scores.shape)


def ragged_positions(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """starts[0] .. starts[0] + counts[0] - 1, then the same for each following pair, concatenated."""
    offsets = np.cumsum(counts) - counts
    return np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))


def spread_sample(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Each row's stored entries cut to at most k, evenly spread over the row in column order: entry i of a
    row of m > k is kept when i * k mod m < k, exactly k of them. Deterministic, and blind to the values."""
    matrix = sp.csr_matrix(matrix)
    matrix.sort_indices()
    counts = np.diff(matrix.indptr)
    within = np.arange(matrix.nnz) - np.repeat(matrix.indptr[:-1], counts)
    per_row = np.repeat(counts, counts)
    keep = (per_row <= k) | (within * k % np.maximum(per_row, 1) < k)
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    return sp.csr_matrix((matrix.data[keep], (rows[keep], matrix.indices[keep])), shape=matrix.shape)


def first_kept(ranked: np.ndarray, keep: np.ndarray, n: int) -> np.ndarray:
    """The first n entries of each ranked row where `keep` is True, in order (-1 when too few remain)."""
    position = np.cumsum(keep, axis=1) - 1  # where each kept entry lands in its row (no sort)
    placed = keep & (position < n)
    out = np.full((len(ranked), n), -1, dtype=ranked.dtype)
    out[np.nonzero(placed)[0], position[placed]] = ranked[placed]
    return out


def product_top_k(left: np.ndarray, right: np.ndarray, k: int) -> sp.csr_matrix:
    """Each row's k largest positive entries of `left @ right.T` (queries' factors against every track's), as
    a sparse matrix (the rest unstored).

    implicit's `topk` fuses the product with a per-row heap, a block of tracks at a time, so no row of scores
    is ever whole: at 2.4M tracks and 64 factors it took 6.7 ms per query in the evaluation's two chunk
    threads, where a NumPy product then `argpartition` took 60 ms and 2.5 GB per chunk (bench/RESULTS.md).
    One thread per call: the callers' chunks are the parallelism.
    """
    from implicit.cpu.topk import topk

    k = min(k, len(right))  # past the width topk pads with track 0
    shape = (len(left), len(right))
    if not k or not len(left):
        return sp.csr_matrix(shape, dtype=np.float32)
    cols, values = topk(
        np.ascontiguousarray(right, dtype=np.float32), np.ascontiguousarray(left, dtype=np.float32), k, num_threads=1
    )
    rows = np.repeat(np.arange(len(left)), k)
    matrix = sp.csr_matrix((np.maximum(values, 0).ravel(), (rows, cols.ravel())), shape=shape, dtype=np.float32)
    matrix.eliminate_zeros()
    return matrix
