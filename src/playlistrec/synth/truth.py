"""Ground-truth sidecars (playlist themes, track themes, typed queries) and the title statistics."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from playlistrec.io import write_parquet
from playlistrec.synth.catalogue import Catalogue
from playlistrec.synth.grammar import typed_queries
from playlistrec.synth.hashing import SALT_TRACK_URI, hashed_uris
from playlistrec.synth.vocabulary import THEMES
from playlistrec.text import normalise_title


def write_truth(
    out_dir: Path,
    seed: int,
    catalogue: Catalogue,
    primary: np.ndarray,
    secondary: np.ndarray,
    used_tracks: np.ndarray,
) -> None:
    """Write the ground-truth sidecars: playlist themes, track themes and typed queries."""
    names = np.array([theme.name for theme in THEMES], dtype=object)
    themes = [[names[p]] if s < 0 else [names[p], names[s]] for p, s in zip(primary, secondary, strict=True)]
    write_parquet(
        pa.table(
            {
                "pid": pa.array(np.arange(primary.size), pa.int64()),
                "primary_theme": pa.array(names[primary].tolist(), pa.string()),
                "themes": pa.array(themes, pa.list_(pa.string())),
            }
        ),
        out_dir / "truth" / "playlists.parquet",
    )
    track_ids = np.flatnonzero(used_tracks)
    track_themes = np.searchsorted(catalogue.track_offsets, track_ids, side="right") - 1
    write_parquet(
        pa.table(
            {
                "track_uri": pa.array(hashed_uris(seed, SALT_TRACK_URI, track_ids, "track"), pa.string()),
                "theme": pa.array(names[track_themes].tolist(), pa.string()),
            }
        ),
        out_dir / "truth" / "tracks.parquet",
    )
    query, theme, kind = zip(*typed_queries(), strict=True)
    write_parquet(
        pa.table(
            {
                "query": pa.array(query, pa.string()),
                "theme": pa.array(theme, pa.string()),
                "kind": pa.array(kind, pa.string()),
            }
        ),
        out_dir / "truth" / "queries.parquet",
    )


def title_stats(names: Iterable[str]) -> tuple[dict[str, Any], set[str]]:
    """Title statistics (raw and normalised) and the set of normalised titles."""
    raw = Counter(names)
    normalised: Counter[str] = Counter()
    for name, count in raw.items():
        normalised[normalise_title(name)] += count
    total = sum(raw.values())
    per_playlist = np.array(list(normalised.values()))

    def share(lo: int, hi: float) -> float:
        return round(float(per_playlist[(per_playlist >= lo) & (per_playlist <= hi)].sum()) / total, 4)

    return {
        "unique_names": len(raw),
        "unique_titles": len(normalised),
        "title_share_100plus": share(100, math.inf),
        "title_share_10_99": share(10, 99),
        "title_share_1_9": share(1, 9),
        "title_share_unique": share(1, 1),
        "top_titles": [[title, count] for title, count in normalised.most_common(10)],
    }, set(normalised)
