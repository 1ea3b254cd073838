"""Small I/O helpers shared by every stage: atomic replacement, deterministic Parquet/NumPy/JSON, params."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary sibling path; on success rename it onto `target` (file or folder), replacing it whole.

    A stage killed half-way therefore never leaves a half-written output behind, and a re-run never
    mixes old and new files in one output folder.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)) / target.name
    try:
        yield tmp
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp.parent, ignore_errors=True)


def write_parquet(table: pa.Table, path: str | Path) -> None:
    """Write `table` atomically with fixed settings, so equal tables give equal bytes."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", use_dictionary=True, write_statistics=True)


def write_npy(array: np.ndarray, path: str | Path) -> None:
    """Write a NumPy array atomically (the .npy format is byte-deterministic for equal arrays)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.save(handle, np.ascontiguousarray(array))


def write_csv(frame: pd.DataFrame, path: str | Path, float_format: str | None = None) -> None:
    """Write a table atomically as CSV without its index (plot data), floats as `float_format` says."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, float_format=float_format)


def write_json(data: Any, path: str | Path) -> None:
    """Write JSON atomically with sorted keys and a trailing newline, for readable, stable diffs."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def load_params(path: str | Path = "params.yaml") -> dict[str, Any]:
    """Read the pipeline's params.yaml."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
