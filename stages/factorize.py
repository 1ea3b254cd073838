"""Stage factorize: the train split's collaborative space (see `playlistrec.cf`), and each title's target.

Fitted on the TRAIN playlists only. Validation titles get targets too, from their playlists folded into
the train basis (for the fine-tune's validation loss); no val playlist shapes the basis.
"""

import sys

import numpy as np
import pandas as pd
import pyarrow as pa

from playlistrec import paths
from playlistrec.cf import factorize, title_targets
from playlistrec.io import load_params, write_npy, write_parquet
from playlistrec.process import run_stage
from playlistrec.recommenders.data import playlist_track_matrix


def set_matrix(playlists: pd.DataFrame, items: pd.DataFrame, n_tracks: int):
    """The binary playlist x track matrix of `playlists` (rows in their order) from `items`."""
    rows = pd.Index(playlists["pid"]).get_indexer(items["pid"])
    kept = rows >= 0
    return playlist_track_matrix(rows[kept], items["track_id"].to_numpy()[kept], len(playlists), n_tracks)


def main() -> None:
    params = load_params()
    split = pd.read_parquet(paths.SPLIT, columns=["pid", "set"])
    playlists = pd.read_parquet(paths.PLAYLISTS, columns=["pid", "title"]).merge(split, on="pid").sort_values("pid")
    items = pd.read_parquet(paths.ITEMS, columns=["pid", "track_id"])
    n_tracks = len(pd.read_parquet(paths.TRACKS, columns=["track_id"]))
    train, val = (playlists[playlists["set"] == name] for name in ("train", "val"))
    model = factorize(set_matrix(train, items, n_tracks), params["factorize"]["dim"], params["seed"])
    targets = {
        "train": title_targets(train["title"].to_numpy(dtype=object), model.playlist_factors),
        "val": title_targets(val["title"].to_numpy(dtype=object), model.fold_in(set_matrix(val, items, n_tracks))),
    }
    write_npy(model.item_factors, paths.ITEM_FACTORS)
    write_npy(model.singular_values, paths.SINGULAR_VALUES)
    write_npy(model.playlist_factors, paths.PLAYLIST_FACTORS)
    write_parquet(
        pa.table(
            {
                "title": [t for part in targets.values() for t in part.titles],
                "n_playlists": np.concatenate([part.counts for part in targets.values()]).astype("int32"),
                "set": [name for name, part in targets.items() for _ in part.titles],
            }
        ),
        paths.CF_TARGETS,
    )
    write_npy(np.concatenate([part.targets for part in targets.values()]), paths.CF_TARGET_VECTORS)
    print(
        f"factorize: d={model.item_factors.shape[1]} over {len(train)} train playlists x {n_tracks} tracks; "
        f"{len(targets['train'].titles)} train and {len(targets['val'].titles)} val title targets"
    )


if __name__ == "__main__":
    sys.exit(run_stage(main))
