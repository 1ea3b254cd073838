"""Statistics of a folder of MPD slices, counted as the real Million Playlist Dataset counts them (`stats`).

Each slice is read and validated by the pipeline's own reader (`mpd.parse_slice`), so the statistics describe
what `preprocess` would keep: a damaged file is the same one-line `MPDFormatError`, a zero-track playlist is
left out, and a length counts a playlist's distinct tracks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from playlistrec.mpd import PARSER_LIMIT, list_slices, parse_slice
from playlistrec.process import worker_pool
from playlistrec.workers import worker_count

# The real Million Playlist Dataset's statistics (its stats.txt and the challenge paper), for comparison.
MPD_STATS: dict[str, float] = {
    "playlists": 1_000_000,
    "items": 66_346_428,
    "unique tracks": 2_262_292,
    "unique artists": 295_860,
    "unique titles": 92_944,
    "unique normalised titles": 17_381,
    "mean length": 66.35,
    "min length": 5,
    "max length": 250,
}
LENGTH_QUANTILES = {
    "p10 length": 0.1,
    "p25 length": 0.25,
    "median length": 0.5,
    "p75 length": 0.75,
    "p90 length": 0.9,
}


@dataclass
class SliceSummary:
    """What `dataset_stats` keeps of one slice: the distinct values to union, and the playlist lengths."""

    tracks: set[str] = field(default_factory=set)
    artists: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    lengths: list[int] = field(default_factory=list)
    repeats: int = 0


def summarise_slice(path: Path) -> SliceSummary:
    """Distinct track URIs, artists (URI, else name), raw and normalised titles, and lengths of one slice.

    `repeats` counts the dropped repeated entries, so that items can be reported as the MPD counts them.
    """
    part = parse_slice(path)
    return SliceSummary(
        tracks=set(part.uris),
        artists={artist_uri or artist_name for _, artist_name, artist_uri, *_ in part.metadata},
        names=set(part.names),
        titles=set(part.titles),
        lengths=list(part.num_items),
        repeats=part.counts["items.duplicates"],
    )


def dataset_stats(folder: Path) -> dict[str, float]:
    """Playlists, items, unique tracks/artists/titles/normalised titles and length distribution of a folder.

    Slices are summarised in worker processes, one at a time, so memory stays bounded by the sets of
    distinct values; the counts follow the MPD's own stats (items = track entries, repeats included).
    Raises `MPDFormatError` for a missing folder or a damaged slice.
    """
    files = list_slices(folder)
    total = SliceSummary()
    with worker_pool(min(worker_count(PARSER_LIMIT), len(files))) as pool:  # workers end with `stats` (Ctrl-C)
        for part in pool.map(summarise_slice, files):
            for name in ("tracks", "artists", "names", "titles"):
                getattr(total, name).update(getattr(part, name))
            total.lengths.extend(part.lengths)
            total.repeats += part.repeats
    length = np.asarray(total.lengths or [0])
    stats: dict[str, float] = {
        "playlists": len(total.lengths),
        "items": int(length.sum()) + total.repeats,
        "unique tracks": len(total.tracks),
        "unique artists": len(total.artists),
        "unique titles": len(total.names),
        "unique normalised titles": len(total.titles),
        "mean length": round(float(length.mean()), 2),
        "min length": int(length.min()),
    }
    stats.update({name: round(float(np.quantile(length, q)), 2) for name, q in LENGTH_QUANTILES.items()})
    stats["max length"] = int(length.max())
    return stats
