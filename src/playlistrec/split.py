"""Train / validation / test split of playlists by a salted hash of the pid: stable under everything users sweep.

A playlist's set depends on its pid, the seed and the two shares only. Nothing upstream that an experiment
changes (the clusters and `k`, the embeddings, fine-tune or model params) can move a playlist to another set,
so every experiment is evaluated on the same test playlists, and adding slices never moves a playlist that
was already there. The shares are met in expectation (binomial noise: 2,000 +- 42 test playlists of 20,000).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd


def unit_hash(pids: np.ndarray, seed: int) -> np.ndarray:
    """A uniform number in [0, 1) per pid: BLAKE2b of the pid's 8 little-endian bytes, keyed with the seed.

    The same on every machine and Python version (no `hash()` randomisation, no floating point).
    """
    key = int(seed).to_bytes(8, "little", signed=True)
    digests = [
        hashlib.blake2b(int(pid).to_bytes(8, "little", signed=True), digest_size=8, key=key).digest() for pid in pids
    ]
    return np.frombuffer(b"".join(digests), dtype="<u8").astype(np.float64) / 2.0**64


def hash_split(pids: np.ndarray, val_share: float, test_share: float, seed: int) -> pd.DataFrame:
    """(pid, set) sorted by pid: test where the pid's `unit_hash` < test_share, val below test + val, else train."""
    position = unit_hash(pids, seed)
    sets = np.where(position < test_share, "test", np.where(position < test_share + val_share, "val", "train"))
    return pd.DataFrame({"pid": pids, "set": sets}).sort_values("pid", kind="stable").reset_index(drop=True)
