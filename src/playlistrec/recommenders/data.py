"""What the recommenders read and answer: the track catalogue, the training data and a batch of queries.

All three rest on one representation: a binary playlist x track CSR matrix over dense track ids
(`playlist_track_matrix`), whether the rows are train playlists, the seed tracks of queries or the held-out
tracks of test playlists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd
import scipy.sparse as sp


def playlist_track_matrix(row: np.ndarray, track_id: np.ndarray, n_rows: int, n_tracks: int) -> sp.csr_matrix:
    """Binary CSR matrix (playlist row x track id) from item pairs; duplicates collapse to 1."""
    matrix = sp.csr_matrix((np.ones(len(row), dtype=np.float32), (row, track_id)), shape=(n_rows, n_tracks))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


T = TypeVar("T")


class UnknownTrackError(KeyError):
    """A seed URI that is not in the catalogue."""


class Catalogue:
    """Track metadata indexed by dense track id (tracks.parquet), and URI <-> id lookups."""

    def __init__(self, tracks: pd.DataFrame) -> None:
        if not np.array_equal(tracks["track_id"].to_numpy(), np.arange(len(tracks))):
            raise ValueError("tracks must be sorted by a dense track_id 0..n-1")
        self.tracks = tracks.reset_index(drop=True)
        self._ids = pd.Index(self.tracks["track_uri"])

    @functools.cached_property
    def _uris(self) -> np.ndarray:
        """The URI column as a NumPy array, converted once (not on every `uris` call)."""
        return self.tracks["track_uri"].to_numpy()

    def __len__(self) -> int:
        return len(self.tracks)

    def ids(self, uris: Sequence[str]) -> np.ndarray:
        """Track ids of `uris`; raises UnknownTrackError naming every URI not in the catalogue."""
        ids = self._ids.get_indexer(list(uris))
        if (ids < 0).any():
            unknown = [uri for uri, i in zip(uris, ids, strict=True) if i < 0]
            raise UnknownTrackError(f"unknown track URI(s), not in the catalogue: {', '.join(unknown)}")
        return ids.astype(np.int32)

    def uris(self, ids: np.ndarray) -> list[str]:
        """URIs of track ids, skipping the -1 padding."""
        ids = np.asarray(ids)
        return self._uris[ids[ids >= 0]].tolist()

    def describe(self, ids: np.ndarray) -> pd.DataFrame:
        """Display metadata (track_id, track_uri, track_name, artist_name) of ids, -1 padding skipped."""
        ids = np.asarray(ids)
        columns = ["track_id", "track_uri", "track_name", "artist_name"]
        return self.tracks.loc[ids[ids >= 0], columns].reset_index(drop=True)


class SupportsEncode(Protocol):
    """Anything with `encode(texts) -> float32 unit rows`, like `encoders.Encoder` or `QueryEncoder`."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class SupportsProject(Protocol):
    """A title encoder's projection of its embeddings into another space (`encoders.Projection`)."""

    def __call__(self, embeddings: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class TitleVectors:
    """Unique normalised train titles, their unit embeddings (rows aligned) and the encoder for query titles.

    `projection`: the encoder's learned map from its embeddings into the collaborative space (the `cf`
    recipe's Dense layer), None for an encoder without one."""

    titles: np.ndarray
    vectors: np.ndarray
    encoder: SupportsEncode
    projection: SupportsProject | None = None


@dataclass(frozen=True)
class CollaborativeBasis:
    """The factorize stage's SVD of the TRAIN split (`cf.py`): item factors [n_tracks, d] and singular values,
    the space a projected title is scored in; a model refits the item factors on its own rows in it."""

    item_factors: np.ndarray
    singular_values: np.ndarray


@dataclass(frozen=True)
class TrainSet:
    """What every model is fitted on: the TRAIN playlists only (test playlists never vote).

    `matrix` is the binary playlist x track CSR matrix over the whole catalogue's track ids, `titles` the
    normalised title of each matrix row. `title_vectors` holds the unique train titles embedded by each title
    encoder, by encoder name (a title model reads the one it names at fit); it may load on first access.
    `basis`: the train split's collaborative space, when the pipeline has one (the `title_cf` model's).
    """

    matrix: sp.csr_matrix
    titles: np.ndarray
    catalogue: Catalogue
    title_vectors: Mapping[str, TitleVectors] = field(default_factory=dict)
    basis: CollaborativeBasis | None = None
    _derived: dict[Hashable, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """`build()`, computed once per `key` for this set and then shared: what several models fitted on it
        would otherwise each compute and hold (the title models' vote shares: 0.19 GiB each at 1M playlists)."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    @classmethod
    def from_frames(
        cls,
        playlists: pd.DataFrame,
        items: pd.DataFrame,
        catalogue: Catalogue,
        title_vectors: Mapping[str, TitleVectors] | None = None,
        basis: CollaborativeBasis | None = None,
    ) -> TrainSet:
        """Build from train playlists (pid, title) and their items (pid, track_id)."""
        playlists = playlists.sort_values("pid").reset_index(drop=True)
        rows = np.searchsorted(playlists["pid"].to_numpy(), items["pid"].to_numpy())
        if (rows >= len(playlists)).any() or (playlists["pid"].to_numpy()[rows] != items["pid"]).any():
            raise ValueError("items reference playlists outside the training set")
        matrix = playlist_track_matrix(rows, items["track_id"].to_numpy(), len(playlists), len(catalogue))
        titles = playlists["title"].to_numpy(dtype=object)
        return cls(matrix, titles, catalogue, {} if title_vectors is None else title_vectors, basis)


@dataclass(frozen=True)
class Queries:
    """A batch of queries: normalised titles ("" = no title) and a binary query x track seed matrix."""

    titles: list[str]
    seeds: sp.csr_matrix

    @classmethod
    def from_lists(cls, titles: Sequence[str], seed_ids: Sequence[Sequence[int]], n_tracks: int) -> Queries:
        """Build from one title and one list of seed track ids per query."""
        lengths = [len(s) for s in seed_ids]
        rows = np.repeat(np.arange(len(seed_ids)), lengths)
        cols = np.concatenate([np.asarray(s, dtype=np.int64) for s in seed_ids]) if rows.size else rows
        return cls(list(titles), playlist_track_matrix(rows, cols, len(seed_ids), n_tracks))

    @classmethod
    def titles_only(cls, titles: Sequence[str], n_tracks: int) -> Queries:
        """Queries of `titles` without seed tracks."""
        return cls.from_lists(titles, [[]] * len(titles), n_tracks)

    def __len__(self) -> int:
        return len(self.titles)

    @classmethod
    def concat(cls, batches: Sequence[Queries]) -> Queries:
        """One batch holding the queries of `batches`, in order."""
        return cls([t for b in batches for t in b.titles], sp.csr_matrix(sp.vstack([b.seeds for b in batches])))

    def take(self, rows: np.ndarray) -> Queries:
        """The queries at positions `rows`, in that order."""
        return Queries([self.titles[i] for i in rows], self.seeds[rows])

    def title_codes(self) -> tuple[np.ndarray, list[str]]:
        """(code of each query's title, the distinct titles sorted): titles[i] == distinct[codes[i]]."""
        codes, distinct = pd.factorize(pd.Series(self.titles, dtype=object), sort=True)
        return codes, distinct.tolist()

    def distinct_titles(self) -> tuple[np.ndarray, Queries]:
        """(code of each query's title, one seedless query per distinct title): a model that ignores seeds
        scores the distinct titles once and its rows expand back with `[codes]`."""
        codes, titles = self.title_codes()
        return codes, Queries.titles_only(titles, self.seeds.shape[1])

    @property
    def n_seeds(self) -> np.ndarray:
        """Number of distinct seed tracks per query."""
        return self.seeds.getnnz(axis=1)
