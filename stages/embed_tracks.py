"""Stage embed_tracks: one sentence vector per track ("name — artist"), then each playlist's mean.

Only tracks in at least `embed.min_track_playlists` playlists are encoded and make the playlist means,
except that a playlist made only of rarer tracks keeps all of them (`vectors.frequent_track_weights`);
the row of a track not encoded is all zeros. Vectors already in the embedding cache (`embed.cache_dir`,
keyed by model, backend and token limit) are read back instead of encoded, so adding slices encodes
only the new tracks. Both outputs are stored rounded to `vectors.GRID`, so that another CPU's last bits
rarely change a stored value.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from playlistrec import paths
from playlistrec.embedding_cache import EmbeddingCache, cached_encode, model_key
from playlistrec.encoders import EMBEDDING_DIM, Encoder
from playlistrec.io import load_params, write_npy
from playlistrec.process import run_stage
from playlistrec.recommenders.data import playlist_track_matrix
from playlistrec.text import track_text
from playlistrec.vectors import frequent_track_weights, mean_vectors, quantise


def main() -> None:
    params = load_params()["embed"]
    tracks = pd.read_parquet(paths.TRACKS, columns=["track_id", "track_name", "artist_name"])
    pids = pd.read_parquet(paths.PLAYLISTS, columns=["pid"])["pid"].to_numpy()
    items = pd.read_parquet(paths.ITEMS, columns=["pid", "track_id"])
    membership = playlist_track_matrix(
        np.searchsorted(pids, items["pid"].to_numpy()), items["track_id"].to_numpy(), len(pids), len(tracks)
    )
    weights = frequent_track_weights(membership, params["min_track_playlists"])
    encode_ids = np.flatnonzero(np.asarray((weights > 0).sum(axis=0)).ravel())
    names, artists = tracks["track_name"].to_numpy(), tracks["artist_name"].to_numpy()
    texts = [track_text(names[i], artists[i]) for i in encode_ids]

    encoder = Encoder("pretrained", params["backend"], params["device"], params["max_tokens"], paths.ONNX_MODEL)
    cache = None
    if params["cache_dir"]:
        key = model_key(encoder.path, encoder.backend, encoder.device, encoder.max_length)
        cache = EmbeddingCache(Path(params["cache_dir"]).expanduser() / key)
    vectors, encoded = cached_encode(
        lambda batch: encoder.encode(batch, batch_size=params["batch_size"], progress=True), texts, cache, EMBEDDING_DIM
    )
    track_vectors = np.zeros((len(tracks), EMBEDDING_DIM), dtype=np.float32)
    track_vectors[encode_ids] = quantise(vectors)
    del vectors  # 3.6 GB at 1M playlists: freed before the playlist means are made
    playlist_vectors = quantise(mean_vectors(weights, track_vectors))
    write_npy(track_vectors, paths.TRACK_VECTORS)
    write_npy(playlist_vectors, paths.PLAYLIST_VECTORS)
    print(
        f"embed_tracks: {len(encode_ids)} of {len(tracks)} tracks used (in >= {params['min_track_playlists']} "
        f"playlists, or a playlist's only tracks): {len(set(texts))} distinct texts, {encoded} encoded "
        f"({encoder.backend} on {encoder.device}), the rest from the cache; {len(pids)} playlist vectors"
    )


if __name__ == "__main__":
    sys.exit(run_stage(main))
