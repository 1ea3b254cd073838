"""Collaborative vectors of playlists and tracks: a truncated SVD of the weighted playlist x track matrix.

The weighting is the one measured on real MPD playlists (/work/shared/FINDINGS.md): each row scaled by
1/sqrt(its length), so a long playlist does not outweigh a short one, and each column by
idf = log(playlists / the track's playlist count), so a hit in every playlist says little. With W ~ U S V^T:

- playlist factors = U S = W V (what a playlist "is" in the collaborative space);
- item factors = V: a playlist vector p scores track t by p . V[t];
- a unique normalised title's target = the normalised mean of its playlists' factors (what the title
  encoder learns to predict, `finetune.py`'s `cf` recipe).

Folding in: more playlists (val + test, for models used after the evaluation) get factors W_new V in the
SAME basis, so the title encoder's projection stays valid, and the item factors are recomputed from all
rows as W^T P S^-2: one least-squares step, which on the SVD's own rows gives V back, and which gives a
track seen only in the new playlists a vector of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp


def idf(matrix: sp.csr_matrix) -> np.ndarray:
    """log(rows / rows holding the track) per column; 0 for a column no row holds."""
    counts = matrix.getnnz(axis=0)
    return np.where(counts > 0, np.log(matrix.shape[0] / np.maximum(counts, 1)), 0.0).astype(np.float32)


def weighted(matrix: sp.csr_matrix, column_weights: np.ndarray) -> sp.csr_matrix:
    """The binary matrix with rows scaled by 1/sqrt(length) and columns by `column_weights`."""
    lengths = matrix.getnnz(axis=1)
    rows = (1.0 / np.sqrt(np.maximum(lengths, 1))).astype(np.float32)
    return sp.csr_matrix(sp.diags(rows) @ matrix @ sp.diags(column_weights.astype(np.float32)), dtype=np.float32)


@dataclass(frozen=True)
class Factorization:
    """A truncated SVD of the weighted matrix: playlist factors U S, item factors V, singular values S."""

    playlist_factors: np.ndarray  # float32 [n_rows, d]
    item_factors: np.ndarray  # float32 [n_tracks, d]
    singular_values: np.ndarray  # float32 [d], descending
    column_weights: np.ndarray  # float32 [n_tracks], the idf the rows were weighted with

    def fold_in(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Factors of other playlists (rows over the same tracks) in this basis, weighted by this idf."""
        return np.asarray(weighted(matrix, self.column_weights) @ self.item_factors, dtype=np.float32)


def factorize(matrix: sp.csr_matrix, dim: int, seed: int) -> Factorization:
    """Truncated SVD (scikit-learn, randomised, seeded) of the weighted binary playlist x track matrix."""
    from sklearn.decomposition import TruncatedSVD

    weights = idf(matrix)
    svd = TruncatedSVD(n_components=dim, algorithm="randomized", n_iter=7, random_state=seed)
    playlist_factors = svd.fit_transform(weighted(matrix, weights))
    return Factorization(
        playlist_factors.astype(np.float32),
        svd.components_.T.astype(np.float32),
        svd.singular_values_.astype(np.float32),
        weights,
    )


def refit_item_factors(matrix: sp.csr_matrix, item_factors: np.ndarray, singular_values: np.ndarray) -> np.ndarray:
    """Item factors for the playlists of `matrix` in the basis (`item_factors`, `singular_values`).

    The rows are weighted with their own idf, folded in (W V), and the item factors recomputed from all
    of them (W^T W V S^-2): the SVD's own rows give its item factors back (up to the randomised solver's
    precision); a track no row holds gets zeros.
    """
    rows = weighted(matrix, idf(matrix))
    playlist_factors = np.asarray(rows @ item_factors)
    items = np.asarray(rows.T @ playlist_factors) / np.maximum(singular_values, 1e-12) ** 2
    return items.astype(np.float32)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


@dataclass(frozen=True)
class CollaborativeTargets:
    """Unique normalised titles (sorted), their playlist counts and unit collaborative targets."""

    titles: list[str]
    counts: np.ndarray  # int64 playlists per title
    targets: np.ndarray  # float32 [n_titles, d], unit rows


def title_targets(titles: np.ndarray, playlist_factors: np.ndarray) -> CollaborativeTargets:
    """Each unique non-empty title's target: the normalised mean of its playlists' factors."""
    codes, unique = pd.factorize(pd.Series(titles, dtype=object), sort=True)
    kept = np.flatnonzero(np.asarray(unique) != "")
    sums = np.zeros((len(unique), playlist_factors.shape[1]), dtype=np.float64)
    np.add.at(sums, codes, playlist_factors)
    counts = np.bincount(codes, minlength=len(unique))
    return CollaborativeTargets([unique[i] for i in kept], counts[kept].astype(np.int64), unit_rows(sums[kept]))
