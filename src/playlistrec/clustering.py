"""Clustering playlists by content: k-means over mean track vectors, title coherence, the misc filter.

A cluster's *coherence* is the share of its playlists whose normalised title is the cluster's most
frequent one (empty titles never count as the top title). The report treated clusters under 2%
coherence as "miscellaneous" and dropped them from fine-tuning; `PlaylistClusterer` reproduces that.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans


def cluster_coherence(labels: np.ndarray, titles: Sequence[str], n_clusters: int) -> np.ndarray:
    """Share of each cluster's playlists carrying its most frequent non-empty normalised title.

    Empty clusters get coherence 0.
    """
    frame = pd.DataFrame({"cluster": labels, "title": np.asarray(titles, dtype=object)})
    sizes = np.bincount(labels, minlength=n_clusters)
    counts = frame[frame["title"] != ""].groupby(["cluster", "title"]).size()
    top = np.zeros(n_clusters, dtype=np.int64)
    if len(counts):
        best = counts.groupby(level="cluster").max()
        top[best.index.to_numpy()] = best.to_numpy()
    return np.divide(top, sizes, out=np.zeros(n_clusters), where=sizes > 0)


class PlaylistClusterer:
    """k-means over playlist vectors plus the coherence-based "miscellaneous" filter.

    Learned attributes: `labels_` (cluster per playlist), `inertia_`, `coherence_` (per cluster),
    `kept_clusters_` (bool per cluster: coherence >= min_coherence), `kept_` (bool per playlist).
    """

    def __init__(self, k: int, min_coherence: float = 0.02, seed: int = 0, n_init: int = 3) -> None:
        self.k = k
        self.min_coherence = min_coherence
        self.seed = seed
        self.n_init = n_init

    def fit(self, vectors: np.ndarray, titles: Sequence[str]) -> PlaylistClusterer:
        """Cluster `vectors` (one row per playlist) and score each cluster against `titles`."""
        kmeans = KMeans(n_clusters=self.k, n_init=self.n_init, random_state=self.seed).fit(vectors)
        self.labels_ = kmeans.labels_.astype(np.int32)
        self.inertia_ = float(kmeans.inertia_)
        self.coherence_ = cluster_coherence(self.labels_, titles, self.k)
        self.kept_clusters_ = self.coherence_ >= self.min_coherence
        self.kept_ = self.kept_clusters_[self.labels_]
        return self

    def summary(self) -> dict[str, float]:
        """Headline figures of a fitted model: inertia, mean and size-weighted coherence, kept shares.

        Rounded (inertia to 5 significant digits, shares to 4 decimals) so that the last bits of the floats,
        which differ between CPUs, do not show as changed metrics. `k` itself is a param, not a figure.
        """
        sizes = np.bincount(self.labels_, minlength=self.k)
        return {
            "inertia": float(f"{self.inertia_:.5g}"),
            "mean_coherence": round(float(self.coherence_.mean()), 4),
            "weighted_coherence": round(float((self.coherence_ * sizes).sum() / sizes.sum()), 4),
            "kept_clusters": int(self.kept_clusters_.sum()),
            "kept_share": round(float(self.kept_.mean()), 4),
        }


def sample_rows(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted indices of `size` of `n` rows drawn without replacement (all rows when `size` is 0 or >= n)."""
    if size <= 0 or size >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def sweep(
    vectors: np.ndarray,
    titles: Sequence[str],
    ks: Sequence[int],
    min_coherence: float,
    seed: int,
    n_init: int,
    sample: int = 0,
) -> pd.DataFrame:
    """Fit one `PlaylistClusterer` per k: the table behind the elbow curve and the coherence plot.

    With `sample` (0 = all), the fits see that many playlists drawn at random: 7 values of k x 3 inits on
    1M x 384 vectors would take hours, on a sample minutes. The inertia is then scaled by n / sample, the
    estimate of the whole set's, so the elbow keeps its units (bench/cluster_sample.py: the curves on a
    sample vs all).
    """
    from tqdm.auto import tqdm

    rows = sample_rows(len(vectors), sample, seed)
    scale = len(vectors) / len(rows)
    vectors, titles = vectors[rows], [titles[i] for i in rows]
    table = []
    for k in tqdm(sorted(ks), desc="k-means sweep", unit="k"):
        summary = PlaylistClusterer(k, min_coherence, seed, n_init).fit(vectors, titles).summary()
        table.append({"k": k, **summary, "inertia": float(f"{summary['inertia'] * scale:.5g}")})
    return pd.DataFrame(table)
