"""How real a folder of MPD slices looks: the statistics of issue 11's first table, from the slices alone.

Playlists are split 80/20 by a stable hash of the pid (`split.unit_hash`, the pipeline's own hash); a test
playlist's first SEEDS tracks are its seeds and the rest are held out, as in the challenge's "first 5"
scenario. The figures describe the catalogue's shape (items per unique track, the long tail, the hits' share),
playlists' shape (length, artists, the top artist's share), how much of a held-out playlist any recommender
could find (in train at all, or next to a seed in some train playlist), and how often a test title occurs in
train. `bench/realism.py` prints them beside a real sample's figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from playlistrec.mpd import list_slices, parse_slice
from playlistrec.split import unit_hash

TEST_SHARE = 0.2  # the 80/20 split of the table
SEEDS = 5  # a test playlist's first tracks given as seeds
CHUNK = 256  # test playlists per sparse product (bounds memory)


@dataclass
class Playlists:
    """A folder's playlists as integer columns: items playlist by playlist."""

    pids: np.ndarray  # int64 [P]
    titles: list[str]  # normalised titles
    offsets: np.ndarray  # int64 [P + 1] into tracks / artists
    tracks: np.ndarray  # int64 track code per item (codes are dense: 0 .. unique tracks - 1)
    artists: np.ndarray  # int64 artist code per item


def load_playlists(folder: Path) -> Playlists:
    """Read every slice of `folder` with the pipeline's reader and encode tracks and artists as dense codes."""
    track_code: dict[str, int] = {}
    artist_code: dict[str, int] = {}
    pids: list[int] = []
    titles: list[str] = []
    lengths: list[int] = []
    tracks: list[np.ndarray] = []
    artists: list[np.ndarray] = []
    for path in list_slices(folder):
        part = parse_slice(path)
        local_tracks = np.array([track_code.setdefault(uri, len(track_code)) for uri in part.uris], dtype=np.int64)
        local_artists = np.array(
            [artist_code.setdefault(meta[2] or meta[1], len(artist_code)) for meta in part.metadata], dtype=np.int64
        )
        ids = np.asarray(part.local_ids, dtype=np.int64)
        tracks.append(local_tracks[ids])
        artists.append(local_artists[ids])
        pids += part.pids
        titles += part.titles
        lengths += part.num_items
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return Playlists(np.asarray(pids, np.int64), titles, offsets, np.concatenate(tracks), np.concatenate(artists))


def _incidence(data: Playlists, rows: np.ndarray, n_tracks: int) -> sp.csr_matrix:
    """Playlists `rows` x tracks, 1 where the playlist holds the track."""
    lengths = np.diff(data.offsets)[rows]
    items = np.concatenate([np.arange(data.offsets[r], data.offsets[r + 1]) for r in rows])
    owner = np.repeat(np.arange(rows.size), lengths)
    ones = np.ones(items.size, dtype=np.float32)
    return sp.csr_matrix((ones, (owner, data.tracks[items])), shape=(rows.size, n_tracks))


def _playlist_shape(data: Playlists) -> dict[str, float]:
    """Length distribution, distinct artists per playlist and per track, and the top artist's mean share."""
    lengths = np.diff(data.offsets)
    owner = np.repeat(np.arange(lengths.size), lengths)
    pairs, counts = np.unique(owner * (int(data.artists.max()) + 1) + data.artists, return_counts=True)
    pair_owner = pairs // (int(data.artists.max()) + 1)
    distinct = np.bincount(pair_owner, minlength=lengths.size)
    top = np.zeros(lengths.size, dtype=np.int64)
    np.maximum.at(top, pair_owner, counts)
    return {
        "length_mean": float(lengths.mean()),
        "length_median": float(np.median(lengths)),
        "length_p10": float(np.quantile(lengths, 0.1)),
        "length_p90": float(np.quantile(lengths, 0.9)),
        "artists_per_playlist": float(distinct.mean()),
        "artists_per_track": float(distinct.mean() / lengths.mean()),
        "top_artist_share": float((top / lengths).mean()),
    }


def _catalogue_shape(data: Playlists, train_items: np.ndarray) -> dict[str, float]:
    """Items per unique track, the hits' share of items, and train tracks held by one train playlist."""
    counts = np.sort(np.bincount(data.tracks))[::-1]
    counts = counts[counts > 0]
    top = np.cumsum(counts)
    train_counts = np.bincount(data.tracks[train_items])
    held = train_counts[train_counts > 0]
    return {
        "items_per_track": float(counts.sum() / counts.size),
        "top1_share": float(top[max(1, counts.size // 100) - 1] / counts.sum()),
        "top10_share": float(top[max(1, counts.size // 10) - 1] / counts.sum()),
        "train_singleton_share": float((held == 1).mean()),
    }


def _reach(data: Playlists, train: np.ndarray, test: np.ndarray, n_tracks: int) -> dict[str, float]:
    """Held-out tracks of test playlists found in train at all, and next to a seed in some train playlist."""
    train_matrix = _incidence(data, train, n_tracks)
    in_train = np.asarray(train_matrix.sum(axis=0)).ravel() > 0
    found = near = total = 0
    for start in range(0, test.size, CHUNK):
        rows = test[start : start + CHUNK]
        seeds = sp.lil_matrix((rows.size, n_tracks), dtype=np.float32)
        held: list[np.ndarray] = []
        for i, r in enumerate(rows.tolist()):
            items = data.tracks[data.offsets[r] : data.offsets[r + 1]]
            seeds[i, items[:SEEDS]] = 1.0
            held.append(items[SEEDS:])
        sharing = (seeds.tocsr() @ train_matrix.T).astype(bool).astype(np.float32)
        neighbourhood = (sharing @ train_matrix).tocsr()
        for i, items in enumerate(held):
            row = neighbourhood.indices[neighbourhood.indptr[i] : neighbourhood.indptr[i + 1]]
            found += int(in_train[items].sum())
            near += int(np.isin(items, row, assume_unique=True).sum())
            total += items.size
    return {"test_in_train": found / max(total, 1), "test_near_seed": near / max(total, 1)}


def _title_reach(titles: list[str], train: np.ndarray, test: np.ndarray) -> dict[str, float]:
    """Test titles by their copies in train (head 100+, torso 10-99, tail 1-9, unseen), train titles seen once."""
    train_titles, copies = np.unique(np.asarray(titles, dtype=object)[train].astype(str), return_counts=True)
    lookup = dict(zip(train_titles.tolist(), copies.tolist(), strict=True))
    test_copies = np.array([lookup.get(titles[r], 0) for r in test.tolist()])
    return {
        "title_head": float((test_copies >= 100).mean()),
        "title_torso": float(((test_copies >= 10) & (test_copies < 100)).mean()),
        "title_tail": float(((test_copies >= 1) & (test_copies < 10)).mean()),
        "title_unseen": float((test_copies == 0).mean()),
        "train_titles_once": float((copies == 1).mean()),
    }


def realism_stats(folder: Path, seed: int = 42) -> dict[str, float]:
    """Every statistic of the issue's first table that needs only the slices, by name."""
    data = load_playlists(Path(folder))
    n_tracks = int(data.tracks.max()) + 1
    lengths = np.diff(data.offsets)
    is_test = unit_hash(data.pids, seed) < TEST_SHARE
    train = np.flatnonzero(~is_test)
    test = np.flatnonzero(is_test & (lengths > SEEDS))
    train_items = np.concatenate([np.arange(data.offsets[r], data.offsets[r + 1]) for r in train])
    return {
        "playlists": float(lengths.size),
        "items": float(lengths.sum()),
        "unique_tracks": float(n_tracks),
        "unique_artists": float(int(data.artists.max()) + 1),
        **_catalogue_shape(data, train_items),
        **_playlist_shape(data),
        **_reach(data, train, test, n_tracks),
        **_title_reach(data.titles, train, test),
    }


@dataclass(frozen=True)
class Comparison:
    """One statistic beside its reference: the target (real, or the MPD's where the entry says so) and a verdict.

    `ok` is None for a statistic without a tolerance (a count that depends on the dataset's size).
    """

    name: str
    label: str
    real: float
    value: float | None
    target: float
    ok: bool | None


def compare(values: dict[str, float], reference: dict[str, dict]) -> list[Comparison]:
    """Each reference statistic beside `values`: within `tolerance` (relative) or `absolute` of the target?"""
    rows = []
    for name, entry in reference.items():
        value = values.get(name)
        target = float(entry[entry.get("against", "real")])
        ok = None
        if value is not None and "tolerance" in entry:
            ok = abs(value - target) <= entry["tolerance"] * abs(target)
        elif value is not None and "absolute" in entry:
            ok = abs(value - target) <= entry["absolute"]
        rows.append(Comparison(name, entry["label"], float(entry["real"]), value, target, ok))
    return rows


def pipeline_values(metrics_dir: Path) -> dict[str, float]:
    """The pipeline's figures the reference names ("cluster.mean_coherence"...), from its metrics/*.json."""
    values: dict[str, float] = {}
    for stage in ("cluster", "finetune", "eval"):
        path = Path(metrics_dir) / f"{stage}.json"
        if path.is_file():
            values |= _flat(json.loads(path.read_text(encoding="utf-8")), f"{stage}.")
    return values


def _flat(tree: dict, prefix: str) -> dict[str, float]:
    """Numeric leaves of a metrics tree by dotted path."""
    leaves: dict[str, float] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            leaves |= _flat(value, f"{prefix}{key}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            leaves[f"{prefix}{key}"] = float(value)
    return leaves
