"""Stage embed_tracks: one sentence vector per track ("name — artist"), then each playlist's mean.

Both are stored rounded to `vectors.GRID`, so that another CPU's last bits rarely change a stored value.
"""

import sys

import numpy as np
import pandas as pd

from playlistrec import paths
from playlistrec.encoders import Encoder
from playlistrec.io import load_params, write_npy
from playlistrec.process import run_stage
from playlistrec.recommenders.data import playlist_track_matrix
from playlistrec.text import track_text
from playlistrec.vectors import mean_vectors, quantise


def main() -> None:
    params = load_params()["embed"]
    tracks = pd.read_parquet(paths.TRACKS, columns=["track_id", "track_name", "artist_name"])
    pids = pd.read_parquet(paths.PLAYLISTS, columns=["pid"])["pid"].to_numpy()
    items = pd.read_parquet(paths.ITEMS, columns=["pid", "track_id"])

    texts = [track_text(n, a) for n, a in zip(tracks["track_name"], tracks["artist_name"], strict=True)]
    track_vectors = quantise(Encoder("pretrained").encode(texts, batch_size=params["batch_size"], progress=True))

    membership = playlist_track_matrix(
        np.searchsorted(pids, items["pid"].to_numpy()), items["track_id"].to_numpy(), len(pids), len(tracks)
    )
    track_playlists = np.asarray(membership.sum(axis=0)).ravel()
    used = (track_playlists >= params["min_track_playlists"]).astype(np.float32)
    playlist_vectors = quantise(mean_vectors(membership.multiply(used).tocsr(), track_vectors))
    write_npy(track_vectors, paths.TRACK_VECTORS)
    write_npy(playlist_vectors, paths.PLAYLIST_VECTORS)
    print(
        f"embed_tracks: {len(tracks)} tracks encoded, {len(pids)} playlist vectors "
        f"({int(used.sum())} tracks in >= {params['min_track_playlists']} playlists used)"
    )


if __name__ == "__main__":
    sys.exit(run_stage(main))
