"""Playlist vectors: the mean of a playlist's track embeddings, re-normalised to unit length."""

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
