"""Train / validation / test split of playlists, stratified by cluster and deterministic for a seed."""

from __future__ import annotations

import numpy as np
import pandas as pd


def stratified_split(
    pids: np.ndarray, clusters: np.ndarray, val_share: float, test_share: float, seed: int
) -> pd.DataFrame:
    """Assign each playlist to train/val/test so every cluster is split in the same proportions.

    Within a cluster, playlists are put in a seeded random order and cut at the cumulative shares
    (test first, then val, the rest train), so a cluster of 10 gives 8/1/1 and one of 3 gives at
    least 2 train playlists. Returns (pid, cluster, set) sorted by pid.
    """
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"pid": pids, "cluster": clusters, "key": rng.random(len(pids))})
    frame = frame.sort_values(["cluster", "key", "pid"], kind="stable")
    rank = frame.groupby("cluster").cumcount().to_numpy()
    size = frame.groupby("cluster")["pid"].transform("size").to_numpy()
    position = (rank + 0.5) / size
    frame["set"] = np.where(position < test_share, "test", np.where(position < test_share + val_share, "val", "train"))
    return frame.drop(columns="key").sort_values("pid", kind="stable").reset_index(drop=True)
