"""A hand-built catalogue and train set where the right answers are known, shared by the recommender tests.

Tracks 0-3 are rock, 4-7 pop, 8 appears only in a TEST playlist. Train playlists:
rock: {0,1,2}, rock: {0,1,3}, rock classics: {0,2}, pop: {4,5,6}, pop: {4,5,7}, pop hits: {5,6}.
Popularity: 0:3, 1:2, 2:2, 3:1, 4:2, 5:3, 6:2, 7:1, 8:0.
The train set's title vectors are a bag-of-words toy encoder's, under the encoder name `TOY`; under `TOY_CF`
the same with a projection into the train set's collaborative basis (`cf_space`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from playlistrec.cf import factorize, title_targets
from playlistrec.encoders import Projection
from playlistrec.recommenders.data import Catalogue, CollaborativeBasis, Queries, TitleVectors, TrainSet
from playlistrec.recommenders.query_encoder import QueryEncoder

N_TRACKS = 9
WORDS = ("rock", "pop", "classics", "hits")
TRAIN = [
    ("rock", [0, 1, 2]),
    ("rock", [0, 1, 3]),
    ("rock classics", [0, 2]),
    ("pop", [4, 5, 6]),
    ("pop", [4, 5, 7]),
    ("pop hits", [5, 6]),
]
TOY = "toy"  # the encoder name of the train set's title vectors
TOY_CF = "toy_cf"  # the same vectors with a projection into the collaborative space


class BagOfWords:
    """A toy encoder: unit bag-of-words vectors over WORDS."""

    def encode(self, texts):
        out = np.array([[t.split().count(w) for w in WORDS] for t in texts], dtype=np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def uri(i: int) -> str:
    return f"spotify:track:{i:022d}"


def catalogue() -> Catalogue:
    return Catalogue(
        pd.DataFrame(
            {
                "track_id": np.arange(N_TRACKS, dtype=np.int32),
                "track_uri": [uri(i) for i in range(N_TRACKS)],
                "track_name": [f"song {i}" for i in range(N_TRACKS)],
                "artist_id": np.arange(N_TRACKS, dtype=np.int32) // 2,
                "artist_name": [f"artist {i // 2}" for i in range(N_TRACKS)],
            }
        )
    )


def title_vectors() -> TitleVectors:
    titles = np.array(sorted({t for t, _ in TRAIN}), dtype=object)
    return TitleVectors(titles, BagOfWords().encode(list(titles)), QueryEncoder(BagOfWords()))


def train_set() -> TrainSet:
    playlists = pd.DataFrame({"pid": np.arange(len(TRAIN)), "title": [t for t, _ in TRAIN]})
    items = pd.DataFrame(
        [(pid, track) for pid, (_, tracks) in enumerate(TRAIN) for track in tracks],
        columns=["pid", "track_id"],
    )
    train = TrainSet.from_frames(playlists, items, catalogue())
    basis, projection = cf_space(train.matrix, train.titles)
    vectors = title_vectors()
    projected = TitleVectors(vectors.titles, vectors.vectors, vectors.encoder, projection)
    return TrainSet.from_frames(playlists, items, catalogue(), {TOY: vectors, TOY_CF: projected}, basis)


def queries(titles: Sequence[str], seeds: Sequence[Sequence[int]] | None = None) -> Queries:
    return Queries.from_lists(titles, seeds or [[] for _ in titles], N_TRACKS)


def dense_top_n(scores: np.ndarray, n: int, rank: np.ndarray, seeds: sp.csr_matrix) -> np.ndarray:
    """The former dense ranking, kept as the reference: seeds masked to -inf, sort whole rows by
    (score desc, rank asc), -inf (seeds) and columns past the catalogue as -1."""
    scores = np.array(scores, dtype=np.float32)
    seed_rows, seed_cols = seeds.nonzero()
    scores[seed_rows, seed_cols] = -np.inf
    order = np.lexsort((np.broadcast_to(rank, scores.shape), -scores), axis=1)[:, :n].astype(np.int32)
    order[np.take_along_axis(scores, order, axis=1) == -np.inf] = -1
    return np.pad(order, ((0, 0), (0, n - order.shape[1])), constant_values=-1)


def cf_space(matrix: sp.csr_matrix, titles: np.ndarray, dim: int = 2) -> tuple[CollaborativeBasis, Projection]:
    """The train rows' SVD basis and the least-squares projection of the bag-of-words title vectors onto the
    titles' collaborative targets: a stand-in for the `cf` fine-tune."""
    space = factorize(matrix, dim, seed=0)
    targets = title_targets(titles, space.playlist_factors)
    weight, *_ = np.linalg.lstsq(BagOfWords().encode(targets.titles), targets.targets, rcond=None)
    basis = CollaborativeBasis(space.item_factors, space.singular_values)
    return basis, Projection(weight.T.astype(np.float32), np.zeros(dim, dtype=np.float32))
