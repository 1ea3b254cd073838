"""Playlist vectors: the mean of a playlist's track embeddings, re-normalised to unit length."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def playlist_track_matrix(row: np.ndarray, track_id: np.ndarray, n_rows: int, n_tracks: int) -> sp.csr_matrix:
    """Binary CSR matrix (playlist row x track id) from item pairs; duplicates collapse to 1."""
    matrix = sp.csr_matrix((np.ones(len(row), dtype=np.float32), (row, track_id)), shape=(n_rows, n_tracks))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def mean_vectors(membership: sp.csr_matrix, track_vectors: np.ndarray) -> np.ndarray:
    """Unit-length mean of the member tracks' vectors for each row of `membership` (zeros if empty)."""
    counts = np.asarray(membership.sum(axis=1)).ravel()
    means = membership @ track_vectors
    means /= np.maximum(counts, 1)[:, None]
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return np.divide(means, norms, out=np.zeros_like(means), where=norms > 0).astype(np.float32)
