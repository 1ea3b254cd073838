"""Generating a synthetic MPD: slices of playlists in the MPD's JSON layout plus the ground-truth sidecars.

Each slice has its own random generator (seeded by the seed and its first pid), so memory is bounded by one
slice and equal (seed, size) give byte-equal files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from playlistrec.io import atomic_path
from playlistrec.synth.catalogue import (
    Catalogue,
    catalogue_for,
    discography_catalogue_for,
    theme_probabilities,
    track_attributes,
)
from playlistrec.synth.drawing import draw_lengths, draw_tracks, mean_length
from playlistrec.synth.everyday_titles import everyday_title
from playlistrec.synth.grammar import typed_queries
from playlistrec.synth.runs import draw_runs, realistic_lengths
from playlistrec.synth.taste import draw_themes, draw_users
from playlistrec.synth.titles import compose_title
from playlistrec.synth.truth import title_stats, write_truth
from playlistrec.synth.vocabulary import THEMES
from playlistrec.text import normalise_title

MIXED_SHARE = 0.12  # playlists that mix a second theme into their tracks
NOISE_TITLE_SHARE = 0.04  # playlists whose title says nothing about their content ("my playlist", "stuff")
MODIFIED_RANGE = (1_293_840_000, 1_509_494_400)  # 2011-01-01 .. 2017-11-01, seconds since the epoch


@dataclass
class Slice:
    """One generated slice: its JSON text plus what the ground truth and statistics need."""

    text: str
    primary: np.ndarray  # theme index per playlist
    secondary: np.ndarray  # theme index per playlist, -1 when not mixed
    names: list[str]
    lengths: np.ndarray
    track_ids: np.ndarray  # global track id of every item (a track is in a playlist at most once)
    artist_ids: np.ndarray  # unique global artist ids used
    album_ids: np.ndarray  # unique global album ids used


# Numeric playlist fields in the MPD's key order (between "collaborative" and "tracks").
_FIELDS = (
    "pid",
    "modified_at",
    "num_tracks",
    "num_albums",
    "num_followers",
    "num_edits",
    "duration_ms",
    "num_artists",
)


def distinct_per_owner(owner: np.ndarray, values: np.ndarray, n_owners: int) -> np.ndarray:
    """Number of distinct `values` per owner (0..n_owners-1), vectorised."""
    pairs = np.unique(owner * (int(values.max()) + 1) + values)
    return np.bincount(pairs // (int(values.max()) + 1), minlength=n_owners)


def playlist_json(name: str, fields: list[int], positions: list[int], fragments: list[str]) -> str:
    """Serialise one playlist in the MPD's layout; `fields` follow _FIELDS, `positions` index `fragments`."""
    numbers = ",".join(f'"{key}":{value}' for key, value in zip(_FIELDS, fields, strict=True))
    items = ",".join(f'{{"pos":{pos},{fragments[j]}}}' for pos, j in enumerate(positions))
    return f'{{"name":{json.dumps(name)},"collaborative":"false",{numbers},"tracks":[{items}]}}'


@dataclass
class Drawn:
    """What a profile draws for a slice's playlists, before the tracks are described and written."""

    primary: np.ndarray  # theme index per playlist
    secondary: np.ndarray  # theme index per playlist, -1 when it has one theme
    names: list[str]
    offsets: np.ndarray  # int64 [size + 1] into ids
    ids: np.ndarray  # global track ids, playlist by playlist
    meta: np.ndarray  # int64 [size, 3]: modified_at, num_followers, num_edits


def _draw_meta(rng: np.random.Generator, size: int, lengths: np.ndarray) -> np.ndarray:
    """Modification time (more recent = likelier), followers (heavy-tailed) and edits (grow with length)."""
    span = MODIFIED_RANGE[1] - MODIFIED_RANGE[0]
    modified = MODIFIED_RANGE[0] + (span * np.sqrt(rng.random(size))).astype(np.int64)
    followers = 1 + np.minimum(rng.pareto(1.3, size) * 0.7, 50_000).astype(np.int64)
    edits = 1 + rng.poisson(2 + lengths / 8)
    return np.stack([modified, followers, edits], 1)


def _draw_clean(rng: np.random.Generator, catalogue: Catalogue, n_playlists: int, size: int) -> Drawn:
    """The clean profile: one theme per playlist (a second for MIXED_SHARE), its keyword as the title."""
    theme_p = theme_probabilities()
    primary = rng.choice(len(THEMES), size=size, p=theme_p)
    secondary = np.full(size, -1)
    mixed = np.flatnonzero(rng.random(size) < MIXED_SHARE)
    todo = mixed
    while todo.size:  # redraw seconds equal to the primary
        secondary[todo] = rng.choice(len(THEMES), size=todo.size, p=theme_p)
        todo = todo[secondary[todo] == primary[todo]]
    noise = rng.random(size) < NOISE_TITLE_SHARE
    lengths = draw_lengths(rng, size, mean_length(n_playlists))
    uniforms = rng.random((size, 10))
    meta = _draw_meta(rng, size, lengths)
    offsets, ids = draw_tracks(rng, catalogue, primary, secondary, lengths)
    names = [
        compose_title(THEMES[p], THEMES[s] if s >= 0 else None, z, u)
        for p, s, z, u in zip(primary.tolist(), secondary.tolist(), noise.tolist(), uniforms, strict=True)
    ]
    return Drawn(primary, secondary, names, offsets, ids, meta)


def _draw_realistic(rng: np.random.Generator, catalogue: Catalogue, n_playlists: int, size: int) -> Drawn:
    """The realistic profile: users with cross-theme taste, overlapping themes, artist runs, everyday titles."""
    users = draw_users(rng, catalogue, size)
    primary, secondary = draw_themes(rng, users)
    lengths = realistic_lengths(rng, size)
    uniforms = rng.random((size, 11))
    meta = _draw_meta(rng, size, lengths)
    offsets, ids = draw_runs(rng, catalogue, users, primary, secondary, lengths)
    names = [
        everyday_title(THEMES[p], THEMES[s] if s >= 0 else None, u)
        for p, s, u in zip(primary.tolist(), secondary.tolist(), uniforms, strict=True)
    ]
    return Drawn(primary, secondary, names, offsets, ids, meta)


# Profiles: the catalogue for a dataset size, and the slice drawer.
PROFILES: dict[str, tuple[Callable[[int], Catalogue], Callable[..., Drawn]]] = {
    "clean": (catalogue_for, _draw_clean),
    "realistic": (discography_catalogue_for, _draw_realistic),
}


def generate_slice(seed: int, catalogue: Catalogue, n_playlists: int, first_pid: int, size: int, profile: str) -> Slice:
    """Generate playlists first_pid .. first_pid + size - 1 with the slice's own random generator."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(first_pid,)))
    drawn = PROFILES[profile][1](rng, catalogue, n_playlists, size)
    primary, secondary, names, offsets, ids = drawn.primary, drawn.secondary, drawn.names, drawn.offsets, drawn.ids
    modified, followers, edits = drawn.meta.T
    unique_ids, positions = np.unique(ids, return_inverse=True)
    tracks = track_attributes(seed, catalogue, unique_ids)
    counts = np.diff(offsets)
    owner = np.repeat(np.arange(size), counts)
    duration = np.bincount(owner, weights=tracks.durations[positions], minlength=size).astype(np.int64)
    albums = distinct_per_owner(owner, tracks.album_ids[positions], size)
    artists = distinct_per_owner(owner, tracks.artist_ids[positions], size)
    fields = np.stack([first_pid + np.arange(size), modified, counts, albums, followers, edits, duration, artists], 1)
    per_playlist = np.split(positions, offsets[1:-1])
    rows = zip(names, fields.tolist(), per_playlist, strict=True)
    playlists = [playlist_json(name, row, pos.tolist(), tracks.fragments) for name, row, pos in rows]
    info = {
        "generated_on": "synthetic",
        "slice": f"{first_pid}-{first_pid + size - 1}",
        "version": "v1",
        "generator": "playlistrec.synth",
        "seed": seed,
    }
    text = f'{{"info":{json.dumps(info)},"playlists":[\n' + ",\n".join(playlists) + "\n]}\n"
    used_artists, used_albums = np.unique(tracks.artist_ids), np.unique(tracks.album_ids)
    return Slice(text, primary, secondary, names, counts, ids, used_artists, used_albums)


def generate(
    out_dir: Path,
    n_playlists: int,
    seed: int,
    slice_size: int = 1000,
    progress: bool = False,
    profile: str = "realistic",
) -> dict[str, Any]:
    """Write a synthetic MPD (slices under out_dir/mpd, ground truth under out_dir/truth); return its stats.

    `profile` is "realistic" (users, artist runs, a long tail, everyday titles: as hard as real playlists)
    or "clean" (one theme per playlist, its keyword as the title: for tests and demos).

    Slices are named like the real MPD's (mpd.slice.0-999.json); `progress` shows a bar over slices. The
    folder out_dir/mpd is this function's own output and is replaced whole.
    Raises RuntimeError if a typed query happens to equal a generated title (a vocabulary bug).
    """
    out_dir = Path(out_dir)
    catalogue = PROFILES[profile][0](n_playlists)
    primary, secondary = np.zeros(n_playlists, np.int64), np.zeros(n_playlists, np.int64)
    lengths = np.zeros(n_playlists, np.int64)
    track_playlists = np.zeros(int(catalogue.track_offsets[-1]), dtype=np.int64)
    used_artists = np.zeros(int(catalogue.artist_offsets[-1]), dtype=bool)
    used_albums = np.zeros(catalogue.album_slots, dtype=bool)
    names: list[str] = []
    with atomic_path(out_dir / "mpd", replace_dir=True) as mpd_dir:  # the generate stage's declared output
        mpd_dir.mkdir()
        for start in tqdm(range(0, n_playlists, slice_size), desc="slices", unit="slice", disable=not progress):
            size = min(slice_size, n_playlists - start)
            part = generate_slice(seed, catalogue, n_playlists, start, size, profile)
            (mpd_dir / f"mpd.slice.{start}-{start + size - 1}.json").write_text(part.text, encoding="utf-8")
            primary[start : start + size], secondary[start : start + size] = part.primary, part.secondary
            lengths[start : start + size] = part.lengths
            track_playlists += np.bincount(part.track_ids, minlength=track_playlists.size)
            used_artists[part.artist_ids] = True
            used_albums[part.album_ids] = True
            names += part.names
        titles, normalised = title_stats(names)
        clashes = sorted(q for q, _, _ in typed_queries() if normalise_title(q) in normalised)
        if clashes:  # raised inside atomic_path, so no slices are published without valid ground truth
            raise RuntimeError(f"typed queries occur as titles: {clashes[:5]}")
    write_truth(out_dir, seed, catalogue, primary, secondary, track_playlists > 0)
    return {
        "playlists": n_playlists,
        "items": int(lengths.sum()),
        "unique_tracks": int((track_playlists > 0).sum()),
        "tracks_in_one_playlist": int((track_playlists == 1).sum()),
        "top_track_playlists": int(track_playlists.max()),
        "unique_artists": int(used_artists.sum()),
        "unique_albums": int(used_albums.sum()),
        "catalogue_tracks": int(catalogue.track_offsets[-1]),
        "mean_length": round(float(lengths.mean()), 2),
        "median_length": float(np.median(lengths)),
        "min_length": int(lengths.min()),
        "max_length": int(lengths.max()),
        "mixed_share": round(float((secondary >= 0).mean()), 4),
        "typed_queries": len(typed_queries()),
        **titles,
    }
