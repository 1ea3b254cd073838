"""Interrupted stages, with real processes and real signals: no worker outlives its stage, no temporary folder stays.

The original failures: killing `dvc repro` during preprocess left its 2 workers running and hidden
temporary folders in data/preprocessed; killing it during embed_tracks left the stage running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from playlistrec.mpd import preprocess
from playlistrec.process import process_tag

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")

# preprocess over 2 workers, each slice held 0.3 s and announced with the worker's pid on stdout.
SLOW_PREPROCESS = """
import os, sys, time
from pathlib import Path
import playlistrec.mpd as mpd
from playlistrec.process import run_stage
parse = mpd.parse_slice
def slow_parse(path, on_error="raise"):
    os.write(1, f"worker {os.getpid()}\\n".encode())  # one write: the two workers' lines never interleave
    time.sleep(0.3)
    return parse(path, on_error)
mpd.parse_slice = slow_parse
sys.exit(run_stage(lambda: mpd.preprocess(Path(sys.argv[1]), Path(sys.argv[2]), progress=False, workers=2)))
"""
# A stage that holds an atomic output open, and a parent standing in for dvc that starts it and waits.
WRITING_STAGE = """
import sys, time
from pathlib import Path
from playlistrec.io import atomic_path
from playlistrec.process import run_stage
def main():
    with atomic_path(Path(sys.argv[1]) / "vectors.npy") as tmp:
        tmp.write_bytes(b"half")
        print("stage", flush=True)
        time.sleep(30)
sys.exit(run_stage(main))
"""
DVC_STANDIN = "import subprocess, sys; subprocess.run([sys.executable, '-c', sys.argv[1], sys.argv[2]])"


def write_slices(folder: Path, count: int) -> None:
    """`count` tiny valid slices of one playlist each."""
    folder.mkdir()
    for i in range(count):
        tracks = [{"track_uri": f"spotify:track:{i:022d}", "track_name": "t", "artist_name": "a"}]
        doc = {"playlists": [{"pid": i, "name": "x", "tracks": tracks}]}
        (folder / f"mpd.slice.{i * 1000}-{i * 1000 + 999}.json").write_text(json.dumps(doc))


def gone(pid: int, within: float = 5.0) -> bool:
    """Whether the process ends (or is only a zombie waiting to be reaped) within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def start_preprocess(tmp_path: Path) -> tuple[subprocess.Popen[str], set[int]]:
    """Start the slow preprocess and return it once both workers are busy, with their pids."""
    write_slices(tmp_path / "mpd", 30)
    argv = [sys.executable, "-c", SLOW_PREPROCESS, str(tmp_path / "mpd"), str(tmp_path / "out")]
    proc = subprocess.Popen(argv, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    while len(workers) < 2:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        workers.add(int(line.split()[1]))
    return proc, workers


def test_sigterm_ends_preprocess_its_workers_and_its_temporary_folders(tmp_path: Path) -> None:
    proc, workers = start_preprocess(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.endswith(": stopped by SIGTERM\n") and err.count("\n") == 1  # one line, no traceback
    assert all(gone(pid) for pid in workers)
    assert list((tmp_path / "out").iterdir()) == []  # no output, no hidden temporary folder


def test_sigkill_leaves_no_worker_and_the_next_run_removes_the_leftovers(tmp_path: Path) -> None:
    proc, workers = start_preprocess(tmp_path)
    proc.kill()
    proc.communicate(timeout=10)
    assert all(gone(pid) for pid in workers)  # they got SIGKILL when their parent ended
    leftovers = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(leftovers) == 3 and all(name.startswith(".") and name.endswith(".tmp") for name in leftovers)
    report = preprocess(tmp_path / "mpd", tmp_path / "out", progress=False, workers=1)
    assert report["playlists"]["written"] == 30
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "items.parquet",
        "playlists.parquet",
        "tracks.parquet",
    ]


def test_a_stage_ends_with_its_parent_and_removes_its_temporary_folder(tmp_path: Path) -> None:
    """DVC ends on SIGTERM without passing it on: the stage (embed_tracks in the report) ran on."""
    dvc = subprocess.Popen(
        [sys.executable, "-c", DVC_STANDIN, WRITING_STAGE, str(tmp_path)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert dvc.stdout.readline() == "stage\n"
    stage = next(int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _parent(int(pid)) == dvc.pid)
    dvc.kill()
    dvc.communicate(timeout=10)
    assert gone(stage)
    assert process_tag(stage) is None or _parent(stage) != dvc.pid
    assert list(tmp_path.iterdir()) == []


def _parent(pid: int) -> int | None:
    """The parent pid of a process, None when it has ended."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None
