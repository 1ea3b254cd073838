"""The pipeline's artefacts read back as the models' inputs: split playlists, items, catalogue, title vectors.

`load_pipeline(root)` reads what the evaluation and the front ends fit the models on (data/preprocessed,
data/split, data/titles under `root`); `PipelineData.train_set()` is the TRAIN split as a `TrainSet` whose
title vectors are read from data/titles the first time a title model asks for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from playlistrec import paths
from playlistrec.encoders import load_projection
from playlistrec.recommenders.data import Catalogue, CollaborativeBasis, TitleVectors, TrainSet
from playlistrec.recommenders.query_encoder import QueryEncoder


class StoredTitleVectors(Mapping[str, TitleVectors]):
    """The unique train titles embedded by each encoder of the embed_titles stage, read on first access.

    Each encoder's `QueryEncoder` knows the stored vectors, so a query equal to a train title never loads the
    encoder; models asking for the same encoder share it (and its cache).
    """

    def __init__(self, root: Path, titles: pd.DataFrame, extra_titles: Iterable[str] = ()) -> None:
        """`extra_titles`: titles beyond the stored ones (of playlists outside train, `--fit all`), embedded
        by each encoder when a model first asks for its vectors; all titles are then in sorted order."""
        self.root = root
        self.stored = titles["title"].to_numpy(dtype=object)
        self.extra = sorted(set(extra_titles) - set(self.stored))
        self.titles = np.asarray(sorted([*self.stored, *self.extra]), dtype=object)
        self._loaded: dict[str, TitleVectors] = {}

    def __getitem__(self, encoder: str) -> TitleVectors:
        if encoder not in paths.TITLE_ENCODERS:
            raise KeyError(encoder)
        if encoder not in self._loaded:
            self._loaded[encoder] = self._load(encoder)
        return self._loaded[encoder]

    def __iter__(self) -> Iterator[str]:
        return iter(paths.TITLE_ENCODERS)

    def __len__(self) -> int:
        return len(paths.TITLE_ENCODERS)

    def _load(self, encoder: str) -> TitleVectors:
        """Read one encoder's vectors, checking they are one row per stored title; embed the extra titles."""
        file = paths.title_vectors_file(encoder)
        vectors = np.load(self.root / file)
        if len(vectors) != len(self.stored):
            raise ValueError(f"{file} has {len(vectors)} rows for {len(self.stored)} titles")
        model = paths.TITLE_ENCODERS[encoder]
        folder = model if model == "pretrained" else self.root / model
        query_encoder = QueryEncoder(folder, (self.stored, vectors))
        if self.extra:
            vectors = query_encoder.encode(list(self.titles))  # the stored rows come from its cache, in title order
        return TitleVectors(self.titles, vectors, query_encoder, load_projection(folder))


@dataclass(frozen=True)
class PipelineData:
    """The upstream artefacts the models are fitted on: playlists with their split set, items, tracks, titles."""

    root: Path
    playlists: pd.DataFrame  # pid, title, set
    items: pd.DataFrame  # pid, pos, track_id
    catalogue: Catalogue
    titles: pd.DataFrame  # title, n_playlists (unique normalised train titles)

    def subset(self, which: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Playlists and items of one split set (train, val or test)."""
        playlists = self.playlists[self.playlists["set"] == which]
        return playlists, self.items[self.items["pid"].isin(playlists["pid"])]

    def train_set(self, fit: str = "train") -> TrainSet:
        """The models' training data, with the stored title vectors and the train split's collaborative basis.

        `fit="train"`: the TRAIN split (what the evaluation always fits on). `fit="all"`: every playlist the
        pipeline read (train + val + test), for models used after the evaluation (a challenge set or a
        user's query is never part of the data); titles seen only outside train are embedded on first use.
        """
        if fit == "train":
            playlists, items = self.subset("train")
        elif fit == "all":
            playlists, items = self.playlists, self.items
        else:
            raise ValueError(f"fit must be 'train' or 'all', not {fit!r}")
        extra = set(playlists["title"]) - {""}
        vectors = StoredTitleVectors(self.root, self.titles, extra if fit == "all" else ())
        return TrainSet.from_frames(playlists, items, self.catalogue, vectors, load_basis(self.root))


def load_basis(root: Path) -> CollaborativeBasis:
    """The factorize stage's item factors and singular values under `root`."""
    return CollaborativeBasis(np.load(root / paths.ITEM_FACTORS), np.load(root / paths.SINGULAR_VALUES))


# What the models are fitted on: `load_pipeline`'s tables and the stored title vectors of every encoder.
MODEL_INPUTS: tuple[Path, ...] = (
    paths.SPLIT,
    paths.PLAYLISTS,
    paths.ITEMS,
    paths.TRACKS,
    paths.TITLES,
    paths.ITEM_FACTORS,
    paths.SINGULAR_VALUES,
    *(paths.title_vectors_file(encoder) for encoder in paths.TITLE_ENCODERS),
)


class DamagedArtefactError(ValueError):
    """A pipeline output that is there but cannot be read (cut short, overwritten); the message names it."""


def check_readable(root: Path, files: Iterable[Path] = MODEL_INPUTS) -> None:
    """Check that each file's structure is whole before anything is loaded: a Parquet footer, a .npy header
    and length. Raises FileNotFoundError for a missing file, DamagedArtefactError naming a damaged one."""
    for file in files:
        path = root / file
        try:
            if path.suffix == ".npy":
                np.load(path, mmap_mode="r")  # checks the header and that the data is all there, reads none of it
            else:
                pq.read_metadata(path)
        except FileNotFoundError:
            raise
        except (OSError, ValueError, EOFError):  # pyarrow's ArrowInvalid is a ValueError
            what = ".npy array" if path.suffix == ".npy" else "Parquet file"
            raise DamagedArtefactError(f"{path} is damaged: not a whole {what}; `dvc repro` rebuilds it") from None


# The track columns the models and front ends read; the others (album names, artist URIs, durations) stay on
# disk: ~0.4 GB of Python strings on the full MPD's 2.3M tracks.
CATALOGUE_COLUMNS = ("track_id", "track_uri", "track_name", "artist_id", "artist_name", "album_uri")


def read_catalogue(root: Path) -> Catalogue:
    """The preprocessed tracks under `root`, `CATALOGUE_COLUMNS` only (album_uri where the data has it)."""
    file = root / paths.TRACKS
    present = set(pq.read_schema(file).names)
    return Catalogue(pd.read_parquet(file, columns=[c for c in CATALOGUE_COLUMNS if c in present]))


def load_pipeline(root: Path = Path(".")) -> PipelineData:
    """Read data/preprocessed, data/split and data/titles under `root`."""
    split = pd.read_parquet(root / paths.SPLIT, columns=["pid", "set"])
    playlists = pd.read_parquet(root / paths.PLAYLISTS, columns=["pid", "title"]).merge(split, on="pid")
    return PipelineData(
        root,
        playlists,
        pd.read_parquet(root / paths.ITEMS, columns=["pid", "pos", "track_id"]),
        read_catalogue(root),
        pd.read_parquet(root / paths.TITLES),
    )
