"""Drawing playlists of the clean profile: log-normal lengths and tracks drawn from the themes' pools with
Zipf-like popularity."""

from __future__ import annotations

import math

import numpy as np

from playlistrec.synth.catalogue import FULL_N, SMALL_N, Catalogue, theme_probabilities
from playlistrec.synth.vocabulary import THEMES

STRAY_SHARE = 0.04  # tracks drawn from a random theme (the odd track that does not fit)
MIN_LEN, MAX_LEN = 5, 250  # the MPD's playlist length bounds
LENGTH_SIGMA = 0.8  # log-normal spread of playlist lengths
# The log-normal's (untruncated) mean grows log-linearly in n from SMALL_MEAN at <= SMALL_N playlists to
# FULL_MEAN at FULL_N; after truncation and de-duplication the realised means are ~50 at 20k (so the default
# dataset stays near 1M items) and ~66 at 1M, the MPD's.
SMALL_MEAN, FULL_MEAN = 54.0, 73.0
# Per-playlist Zipf-Mandelbrot offset range: small = sticks to the hits, large = digs deeper.
POPULARITY_OFFSET = (1.0, 30.0)


def mean_length(n_playlists: int) -> float:
    """Untruncated mean of the log-normal playlist length: SMALL_MEAN up to SMALL_N, FULL_MEAN from FULL_N."""
    frac = np.clip(math.log(max(n_playlists, 1) / SMALL_N) / math.log(FULL_N / SMALL_N), 0.0, 1.0)
    return SMALL_MEAN + (FULL_MEAN - SMALL_MEAN) * float(frac)


def draw_lengths(rng: np.random.Generator, size: int, mean: float, sigma: float = LENGTH_SIGMA) -> np.ndarray:
    """Draw playlist lengths from a log-normal truncated to [MIN_LEN, MAX_LEN] by redrawing the rest."""
    median = mean * math.exp(-(sigma**2) / 2)
    lengths = np.zeros(size, dtype=np.int64)
    todo = np.arange(size)
    while todo.size:
        draw = np.round(median * np.exp(sigma * rng.standard_normal(todo.size))).astype(np.int64)
        ok = (draw >= MIN_LEN) & (draw <= MAX_LEN)
        lengths[todo[ok]] = draw[ok]
        todo = todo[~ok]
    return lengths


def zipf_ranks(u: np.ndarray, pool: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Map uniforms to ranks 0..pool-1 with P(rank r) ~ 1 / (r + offset): inverse CDF of a continuous Zipf."""
    ranks = offset * ((pool + offset) / offset) ** u - offset
    return np.minimum(ranks.astype(np.int64), pool - 1)


def power_ranks(u: np.ndarray, pool: np.ndarray, exponent: np.ndarray | float) -> np.ndarray:
    """Map uniforms to ranks 0..pool-1 with P(rank r) ~ (r + 1) ** -exponent (exponent > 1: a steep head).

    The inverse CDF of the continuous power law on [1, pool + 1), shifted to start at rank 0.
    """
    tail = 1.0 - exponent
    ranks = (1.0 - u * (1.0 - (pool + 1.0) ** tail)) ** (1.0 / tail) - 1.0
    return np.minimum(ranks.astype(np.int64), pool - 1)


def draw_tracks(
    rng: np.random.Generator,
    catalogue: Catalogue,
    primary: np.ndarray,
    secondary: np.ndarray,
    lengths: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw each playlist's tracks (global ids, no repeats within a playlist) and return (offsets, ids).

    Each playlist over-draws 1.5x its length + 20 candidates from its theme mix, keeps first occurrences and
    truncates to its length, so it stays vectorised; playlists on a small pool may end up a little shorter.
    """
    n = primary.size
    p_primary = np.where(secondary >= 0, rng.uniform(0.55, 0.85, n), 1.0)
    offset = np.exp(rng.uniform(*np.log(POPULARITY_OFFSET), n))
    draws = lengths + lengths // 2 + 20
    owner = np.repeat(np.arange(n), draws)
    themes = np.where(rng.random(owner.size) < p_primary[owner], primary[owner], secondary[owner])
    stray = rng.random(owner.size) < STRAY_SHARE
    themes[stray] = rng.choice(len(THEMES), size=int(stray.sum()), p=theme_probabilities())
    pools = catalogue.pool_sizes[themes]
    ids = catalogue.track_offsets[themes] + zipf_ranks(rng.random(owner.size), pools, offset[owner])
    offsets, kept = first_distinct(owner, ids, lengths, int(catalogue.track_offsets[-1]))
    if np.diff(offsets).min() < MIN_LEN:
        raise RuntimeError(f"a playlist got only {np.diff(offsets).min()} distinct tracks; enlarge MIN_THEME_POOL")
    return offsets, kept


def first_distinct(
    owner: np.ndarray, ids: np.ndarray, lengths: np.ndarray, n_ids: int
) -> tuple[np.ndarray, np.ndarray]:
    """Keep each owner's first `lengths[owner]` distinct ids, in draw order: (offsets, kept ids).

    `owner` is sorted (each playlist's candidates are contiguous); ids are below `n_ids`. A playlist whose
    candidates hold fewer distinct ids than its length ends up shorter.
    """
    n = lengths.size
    key = owner * n_ids + ids
    _, first = np.unique(key, return_index=True)
    keep = np.zeros(owner.size, dtype=bool)
    keep[first] = True
    rank = np.cumsum(keep) - 1
    starts = np.searchsorted(owner, np.arange(n))
    rank -= np.concatenate([[0], np.cumsum(keep)])[starts][owner]
    keep &= rank < lengths[owner]
    counts = np.bincount(owner[keep], minlength=n)
    return np.concatenate([[0], np.cumsum(counts)]), ids[keep]
