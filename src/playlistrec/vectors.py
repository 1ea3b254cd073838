"""Playlist vectors: the mean of a playlist's track embeddings, re-normalised to unit length; and the grid that
the stored embeddings are rounded to, so that they are (nearly all) the same bytes on every CPU.

An encoder's floats differ in their last bits between CPUs (torch, oneDNN and the BLAS pick their kernels by
instruction set): on an AVX2-only CPU 96% of the values of the same track vectors differ from an AVX-512
CPU's, by up to 2e-7. Rounded to multiples of `GRID` (2^-10), 99.3% of the vectors are bit-identical, and the
rest differ by one grid step in a component or two (bench/RESULTS.md, "Reproducibility across CPUs"). The
rounding moves a 384-d unit vector by at most sqrt(384) x 2^-11 = 0.0096; measured, 1 - cosine <= 2e-5.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def mean_vectors(membership: sp.csr_matrix, track_vectors: np.ndarray) -> np.ndarray:
    """Unit-length mean of the member tracks' vectors for each row of `membership` (zeros if empty)."""
    counts = np.asarray(membership.sum(axis=1)).ravel()
    means = membership @ track_vectors
    means /= np.maximum(counts, 1)[:, None]
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return np.divide(means, norms, out=np.zeros_like(means), where=norms > 0).astype(np.float32, copy=False)


GRID = 2.0**-10


def quantise(vectors: np.ndarray, grid: float = GRID) -> np.ndarray:
    """`vectors` (float32) rounded in place to the nearest multiple of `grid`: the precision they are stored at.

    With `grid` a power of two, dividing, rounding and multiplying are exact in float32, so the result equals
    the float64 computation's with no copy at all: at 1M playlists the track vectors are 3.6 GB, and a copy
    (or float64 temporaries, ~18 GB) set embed_tracks' peak memory. Returns `vectors`.
    """
    if vectors.dtype != np.float32:
        raise TypeError(f"quantise rounds float32 vectors in place, got {vectors.dtype}")
    vectors /= grid
    np.round(vectors, out=vectors)
    vectors *= grid
    return vectors


def frequent_track_weights(membership: sp.csr_matrix, min_playlists: int) -> sp.csr_matrix:
    """Which tracks make each playlist's vector: those in at least `min_playlists` playlists.

    A playlist made only of rarer tracks keeps all its tracks (its vector is their mean), so every
    playlist with tracks has a vector; the tracks to encode are the columns with a non-zero weight.
    At MPD scale `min_playlists: 2` leaves out about half the 2.3M tracks (those in one playlist).
    """
    counts = np.asarray((membership > 0).sum(axis=0)).ravel()
    frequent = sp.diags((counts >= min_playlists).astype(np.float32))
    weights = (membership @ frequent).tocsr()
    weights.eliminate_zeros()
    orphans = np.flatnonzero((np.diff(weights.indptr) == 0) & (np.diff(membership.indptr) > 0))
    keep_all = sp.diags(np.isin(np.arange(membership.shape[0]), orphans).astype(np.float32))
    return (weights + keep_all @ membership).tocsr()
