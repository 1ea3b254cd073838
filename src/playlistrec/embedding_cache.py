"""A store of text embeddings kept between runs, keyed by (model, text), so a re-run encodes only new texts.

`embed_tracks` encodes each track's text once per model: adding slices to `data.mpd_dir` changes its
input, so DVC re-runs the stage, and without a store every one of the (at MPD scale 2.3M) tracks would
be encoded again. The store lives outside the stage's outputs (`embed.cache_dir`, by default in the
user's cache folder, so `dvc exp run --temp` copies share it), because a stage output is deleted
before its stage runs. It changes no output: a vector read back is the float32 row the same model and
backend wrote for the same text (the model key names both).

Layout: `<cache_dir>/<model key>/<n>.parquet`, each file a batch of (text, vector) rows, written
atomically and never rewritten; a text is looked up in all of them. A corrupt or foreign folder is the
user's to remove: nothing here deletes files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from playlistrec.io import write_parquet


def model_key(model_dir: Path, *settings: object) -> str:
    """A folder name for one model and the settings that change its vectors (backend, token limit).

    The model is named by a hash of its config and weight files, so a re-trained folder at the same
    path gets a new key.
    """
    digest = hashlib.sha256()
    for path in sorted(model_dir.glob("*.json")) + sorted(model_dir.glob("*.safetensors")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(repr(settings).encode())
    return f"{model_dir.name}-{digest.hexdigest()[:16]}"


class EmbeddingCache:
    """The stored vectors of one model key: look texts up, add new ones."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._rows: dict[str, int] = {}
        self._vectors: list[np.ndarray] = []
        self._size = 0
        self._stacked: np.ndarray | None = None
        for shard in sorted(folder.glob("*.parquet"), key=lambda p: int(p.stem)) if folder.is_dir() else []:
            table = pq.read_table(shard)
            vectors = np.frombuffer(b"".join(table["vector"].to_pylist()), dtype=np.float32)
            self._remember(table["text"].to_pylist(), vectors.reshape(table.num_rows, -1))

    def _remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Index `vectors` (one row per text) in memory."""
        for i, text in enumerate(texts):
            self._rows.setdefault(text, self._size + i)
        self._vectors.append(vectors)
        self._size += len(texts)
        self._stacked = None

    def _matrix(self) -> np.ndarray:
        """Every stored row, in one array (built once after each change)."""
        if self._stacked is None:
            self._stacked = np.concatenate(self._vectors)
            self._vectors = [self._stacked]
        return self._stacked

    def __len__(self) -> int:
        """How many distinct texts are stored."""
        return len(self._rows)

    def lookup(self, texts: Sequence[str], dim: int) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, found): the stored vector of each text (zeros where none) and which were stored."""
        rows = np.array([self._rows.get(text, -1) for text in texts], dtype=np.int64)
        found = rows >= 0
        out = np.zeros((len(texts), dim), dtype=np.float32)
        if found.any():
            out[found] = self._matrix()[rows[found]]
        return out, found

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store `vectors` for `texts` as a new file (nothing when `texts` is empty)."""
        if not len(texts):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        table = pa.table({"text": list(texts), "vector": [row.tobytes() for row in vectors]})
        self.folder.mkdir(parents=True, exist_ok=True)
        shards = [int(p.stem) for p in self.folder.glob("*.parquet")]
        write_parquet(table, self.folder / f"{max(shards, default=-1) + 1}.parquet")
        self._remember(texts, vectors)


def cached_encode(
    encode: Callable[[list[str]], np.ndarray], texts: Sequence[str], cache: EmbeddingCache | None, dim: int
) -> tuple[np.ndarray, int]:
    """Vectors of `texts`, encoding each distinct text once and only those `cache` lacks; also how many were encoded.

    Different tracks often share a text (a song's re-releases have their own URIs): 11% of the 2.37M tracks
    the realistic generator puts in two or more of 1M playlists repeat another's text.
    """
    row: dict[str, int] = {}  # each distinct text's row, in order of first appearance
    for text in texts:
        row.setdefault(text, len(row))
    distinct = list(row)
    if cache is None:
        vectors, missing = encode(distinct), distinct
    else:
        vectors, found = cache.lookup(distinct, dim)
        new = [text for text, hit in zip(distinct, found, strict=True) if not hit]
        missing = sorted(new)
        if missing:
            cache.add(missing, encode(missing))
            vectors[~found] = cache.lookup(new, dim)[0]
    return vectors[np.fromiter((row[text] for text in texts), dtype=np.int64, count=len(texts))], len(missing)
