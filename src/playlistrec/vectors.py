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
    return np.divide(means, norms, out=np.zeros_like(means), where=norms > 0).astype(np.float32)


GRID = 2.0**-10


def quantise(vectors: np.ndarray, grid: float = GRID) -> np.ndarray:
    """`vectors` rounded to the nearest multiple of `grid` (float32): the precision the embeddings are stored at."""
    return (np.round(np.asarray(vectors, dtype=np.float64) / grid) * grid).astype(np.float32)
