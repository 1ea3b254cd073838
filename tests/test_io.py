"""Atomic outputs: replaced whole, never a user's folder removed, no temporary folder left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from playlistrec.io import TEMP_MARKER, atomic_path, write_json
from playlistrec.process import process_tag


def user_folder(path: Path) -> Path:
    """A folder of the user's, with a file and a subfolder, that no output may remove."""
    (path / "notes").mkdir(parents=True)
    (path / "thesis.txt").write_text("years of work")
    (path / "notes" / "a.md").write_text("a")
    return path


def assert_intact(path: Path) -> None:
    """The `user_folder` is still there, untouched."""
    assert (path / "thesis.txt").read_text() == "years of work" and (path / "notes" / "a.md").read_text() == "a"


def test_file_output_onto_an_existing_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    """The original failure: `submit -o <folder>` removed the folder with everything in it."""
    folder = user_folder(tmp_path / "mine")
    with pytest.raises(IsADirectoryError, match="is an existing folder"), atomic_path(folder):
        pytest.fail("the body must not run: the refusal comes before any work")
    with pytest.raises(IsADirectoryError):
        write_json({"a": 1}, folder)
    assert_intact(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no temporary folder either


def test_dot_and_a_link_to_a_folder_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o .` removed the current folder's contents; `..` and a symbolic link to a folder are the same case."""
    user_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link").symlink_to(tmp_path / "notes")
    for target in (".", "..", "notes/..", "link"):
        with pytest.raises(IsADirectoryError), atomic_path(target):
            pass
    assert_intact(tmp_path)


def test_a_stage_replaces_its_own_output_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "model"
    out.mkdir()
    (out / "old.bin").write_text("old")
    with atomic_path(out, replace_dir=True) as tmp:
        tmp.mkdir()
        (tmp / "new.bin").write_text("new")
    assert [p.name for p in out.iterdir()] == ["new.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_an_existing_file_is_replaced_and_a_failure_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_json({"run": 1}, target)
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed half-way")
    assert target.read_text() == '{\n  "run": 1\n}\n'
    write_json({"run": 2}, target)
    assert target.read_text() == '{\n  "run": 2\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def dead_process_tag() -> str:
    """The tag of a process that has ended (a writer killed by SIGKILL)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    tag = process_tag(child.pid)
    child.kill()
    child.wait()
    assert tag is not None and process_tag(child.pid) is None
    return tag


def test_leftover_of_a_killed_writer_is_removed_others_are_kept(tmp_path: Path) -> None:
    """A SIGKILLed writer's temporary folder goes; a live writer's, and anything without the marker, stay."""
    leftovers = {
        ".out.json.dead.tmp": dead_process_tag(),
        ".out.json.live.tmp": process_tag(os.getpid()),
        ".out.json.reused.tmp": f"{os.getpid()} 1",  # our pid, another start time: a reused pid, so stale
    }
    for name, owner in leftovers.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / TEMP_MARKER).write_text(owner)
        (tmp_path / name / "out.json").write_text("half")
    user_folder(tmp_path / ".out.json.mine.tmp")  # the user's, named alike but without the marker
    (tmp_path / ".out.json.file.tmp").write_text("a user's file")
    write_json({}, tmp_path / "out.json")
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [".out.json.file.tmp", ".out.json.live.tmp", ".out.json.mine.tmp", "out.json"]
    assert_intact(tmp_path / ".out.json.mine.tmp")
