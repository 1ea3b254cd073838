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

from playlistrec.process import process_tag

if TYPE_CHECKING:
    import pandas as pd

# Written into every temporary folder `atomic_path` makes, with the owner's `process_tag`: only a folder
# holding it, whose owner is gone, is ever cleaned up as a leftover.
TEMP_MARKER = ".playlistrec-temp"


@contextmanager
def atomic_path(target: str | Path, replace_dir: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling path; on success rename it onto `target`, replacing it whole.

    A stage killed half-way therefore never leaves a half-written output behind, and a re-run never mixes
    old and new files in one output folder. The temporary folder is removed on any exit, a SIGTERM included
    once `playlistrec.process.run_stage` turns it into SystemExit; one left by a SIGKILL is removed by the
    next `atomic_path` on the same target.

    Nothing the project did not create is ever removed: an existing file at `target` is replaced (an
    output path is overwritten, as with `cp`), but an existing folder is an `IsADirectoryError` unless
    `replace_dir` is given. Only a stage writing its own declared output folder (dvc.yaml `outs`) passes it,
    so a user's folder given where a file is expected (``submit -o .``) is refused before any work.
    """
    target = Path(target)
    check_output_path(target, replace_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)
    workdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        (workdir / TEMP_MARKER).write_text(process_tag(os.getpid()) or str(os.getpid()), encoding="utf-8")
        tmp = workdir / target.name
        yield tmp
        check_output_path(target, replace_dir)  # it may have become a folder while the output was written
        if os.path.lexists(target) and (tmp.is_dir() or target.is_dir()):
            os.replace(target, workdir / ".replaced")  # moved aside, removed with the temporary folder
        os.replace(tmp, target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def check_output_path(target: Path, replace_dir: bool = False) -> None:
    """Refuse an output path that names an existing folder (unless `replace_dir`) or no entry at all ("..")."""
    if target.name in ("", ".", ".."):
        raise IsADirectoryError(f"{target}: is a folder; give a file name")
    if target.is_dir() and not replace_dir:
        raise IsADirectoryError(f"{target}: is an existing folder; give a file name (a folder is never replaced)")


def remove_stale_temps(target: Path) -> None:
    """Remove the temporary folders that `atomic_path` left next to `target` in processes now gone (SIGKILL).

    A folder counts only when its name is ``.<target name>.*.tmp``, it holds `TEMP_MARKER`, and the process
    the marker names is no longer running; a live writer's folder (another process) is left alone.
    """
    prefix = f".{target.name}."
    with os.scandir(target.parent) as entries:
        for entry in entries:
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")) or not entry.is_dir(
                follow_symlinks=False
            ):
                continue
            marker = Path(entry.path) / TEMP_MARKER
            try:
                owner = marker.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # not one of ours
            pid = owner.split(" ", 1)[0]
            if not pid.isdigit() or process_tag(int(pid)) != owner:
                shutil.rmtree(entry.path, ignore_errors=True)


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
