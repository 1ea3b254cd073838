"""The generator's ground truth read back: playlist and track themes, and typed queries (`data.truth_dir`).

Only the synthetic default data has a ground truth (the generate stage writes it); `data.truth_dir: ""` says
the data has none, as for a real MPD, and the figures that need it (the clusters' theme NMI, the typed-query
metrics) are left out. A truth folder that does not describe the data (a playlist of the data has no theme
in it) is a `TruthMismatchError`, never silently wrong figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

PLAYLIST_THEMES = "playlists.parquet"  # pid, primary_theme, themes
TRACK_THEMES = "tracks.parquet"  # track_uri, theme
TYPED_QUERIES = "queries.parquet"  # query, theme, kind


class TruthMismatchError(ValueError):
    """The truth folder is not the ground truth of the data the pipeline reads."""


def primary_themes(truth_dir: Path, pids: np.ndarray) -> np.ndarray:
    """The generator's primary theme of each playlist of `pids`; TruthMismatchError if one has none."""
    file = truth_dir / PLAYLIST_THEMES
    themes = pd.read_parquet(file, columns=["pid", "primary_theme"]).set_index("pid")["primary_theme"]
    missing = np.setdiff1d(pids, themes.index.to_numpy())
    if missing.size:
        raise TruthMismatchError(
            f"{file}: no theme for playlist pid {missing[0]} ({missing.size} playlists of the data without one); "
            'set data.truth_dir to "" for data without a ground truth'
        )
    return themes.reindex(pids).to_numpy()


def check_describes(truth_dir: Path, pids: np.ndarray) -> None:
    """Raise TruthMismatchError unless every playlist of `pids` has a theme in the truth folder."""
    primary_themes(truth_dir, pids)


def track_themes(truth_dir: Path, uris: Sequence[str]) -> np.ndarray:
    """The theme of each track URI, "" for a track without one (object array)."""
    themes = pd.read_parquet(truth_dir / TRACK_THEMES)
    by_uri = pd.Series(themes["theme"].to_numpy(), index=themes["track_uri"])
    return by_uri.reindex(uris).fillna("").to_numpy(dtype=object)


def typed_queries(truth_dir: Path) -> pd.DataFrame:
    """Queries (query, theme, kind) that never occur as a title: paraphrases, synonyms, typos, emoji."""
    return pd.read_parquet(truth_dir / TYPED_QUERIES)
