"""Tests of MPD ingestion on tiny crafted slices: contracts, ids, damaged input (messages and skip counts)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playlistrec.mpd import (
    ITEMS_SCHEMA,
    MAX_NAME_CHARS,
    PLAYLISTS_SCHEMA,
    TRACKS_SCHEMA,
    ChallengeQuery,
    MPDFormatError,
    list_slices,
    parse_slice,
    preprocess,
    read_challenge_set,
)

ROOT = Path(__file__).resolve().parents[1]


def uri(n: int) -> str:
    """A valid track URI (22 base62 characters) for track number `n`."""
    return f"spotify:track:{n:022d}"


def track(n: int, pos: int = 0, artist: int = 0) -> dict[str, Any]:
    """A full MPD track record."""
    return {
        "pos": pos,
        "artist_name": f"Artist {artist}",
        "track_uri": uri(n),
        "artist_uri": f"spotify:artist:{artist:022d}",
        "track_name": f"Track {n}",
        "album_uri": f"spotify:album:{n:022d}",
        "duration_ms": 1000 + n,
        "album_name": f"Album {n}",
    }


def playlist(pid: int, tracks: list[Any], name: str | None = "list") -> dict[str, Any]:
    """A full MPD playlist record (``name=None`` leaves the name out)."""
    record: dict[str, Any] = {
        "collaborative": "false",
        "pid": pid,
        "num_tracks": len(tracks),
        "tracks": tracks,
    }
    if name is not None:
        record["name"] = name
    return record


def write_slice(folder: Path, playlists: list[Any], first: int = 0, name: str | None = None) -> Path:
    """Write an MPD slice file (named like the MPD's after `first` unless `name` is given)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"mpd.slice.{first}-{first + 999}.json")
    doc = {"info": {"slice": f"{first}-{first + 999}", "version": "v1"}, "playlists": playlists}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def rows(path: Path) -> list[dict[str, Any]]:
    """A Parquet file's rows."""
    return pq.read_table(path).to_pylist()


def run(mpd: Path, tmp_path: Path, on_error: str = "raise", workers: int = 1) -> dict[str, Any]:
    """Preprocess `mpd` into tmp_path/out, quietly."""
    return preprocess(mpd, tmp_path / "out", on_error=on_error, progress=False, workers=workers)


def test_full_slices_give_the_contract_tables(tmp_path: Path) -> None:
    mpd = tmp_path / "mpd"
    write_slice(mpd, [playlist(0, [track(5, 0, 1), track(6, 1, 2)], "Road Trip!"), playlist(1, [track(6)], "gym💪")])
    write_slice(mpd, [playlist(1000, [track(7, 0, 1), track(5, 1, 1)], "Chill")], first=1000)
    report = run(mpd, tmp_path)
    out = tmp_path / "out"
    for name, schema in (("playlists", PLAYLISTS_SCHEMA), ("tracks", TRACKS_SCHEMA), ("items", ITEMS_SCHEMA)):
        assert pq.read_schema(out / f"{name}.parquet").equals(schema), name
    assert rows(out / "playlists.parquet") == [
        {"pid": 0, "name": "Road Trip!", "title": "road trip", "num_tracks": 2},
        {"pid": 1, "name": "gym💪", "title": "gym 💪", "num_tracks": 1},
        {"pid": 1000, "name": "Chill", "title": "chill", "num_tracks": 2},
    ]
    assert rows(out / "items.parquet") == [
        {"pid": 0, "pos": 0, "track_id": 0},
        {"pid": 0, "pos": 1, "track_id": 1},
        {"pid": 1, "pos": 0, "track_id": 1},
        {"pid": 1000, "pos": 0, "track_id": 2},
        {"pid": 1000, "pos": 1, "track_id": 0},
    ]
    tracks = rows(out / "tracks.parquet")
    assert [(t["track_id"], t["track_uri"], t["artist_id"]) for t in tracks] == [
        (0, uri(5), 0),
        (1, uri(6), 1),
        (2, uri(7), 0),
    ]
    assert tracks[0] == {
        "track_id": 0,
        "track_uri": uri(5),
        "track_name": "Track 5",
        "artist_id": 0,
        "artist_name": "Artist 1",
        "artist_uri": f"spotify:artist:{1:022d}",
        "album_uri": f"spotify:album:{5:022d}",
        "album_name": "Album 5",
        "duration_ms": 1005,
    }
    assert report["playlists"] == {"read": 3, "written": 3, "skipped": {}}
    assert report["items"] == {"read": 5, "written": 5, "duplicates": 0, "skipped": {}}
    assert (report["tracks"], report["artists"]) == (3, 2)
    assert report["files"] == {"read": 2, "used": 2, "skipped": {}}


def test_trimmed_slices_use_list_order_nulls_and_artist_names(tmp_path: Path) -> None:
    trimmed = [
        {"track_uri": uri(9), "track_name": "Nine", "artist_name": "Solo"},
        {"track_uri": uri(8), "track_name": "Eight", "artist_name": "Duo"},
        {"track_uri": uri(7), "track_name": "Seven", "artist_name": "Solo"},
    ]
    write_slice(tmp_path / "mpd", [{"pid": 3, "name": "Trim", "tracks": trimmed}])
    run(tmp_path / "mpd", tmp_path)
    assert [(r["pos"], r["track_id"]) for r in rows(tmp_path / "out/items.parquet")] == [
        (0, 0),
        (1, 1),
        (2, 2),
    ]
    tracks = rows(tmp_path / "out/tracks.parquet")
    assert [t["artist_id"] for t in tracks] == [0, 1, 0]  # keyed on the name without an artist URI
    assert tracks[1] == {
        "track_id": 1,
        "track_uri": uri(8),
        "track_name": "Eight",
        "artist_id": 1,
        "artist_name": "Duo",
        "artist_uri": None,
        "album_uri": None,
        "album_name": None,
        "duration_ms": None,
    }


def test_slices_are_read_by_first_pid_then_other_files_by_name(tmp_path: Path) -> None:
    mpd = tmp_path / "mpd"
    write_slice(mpd, [playlist(5000, [track(3)])], name="b-extra.json")
    write_slice(mpd, [playlist(4000, [track(2)])], name="a-extra.json")
    write_slice(mpd, [playlist(1000, [track(1)])], first=1000)
    write_slice(mpd, [playlist(0, [track(0)])], first=0)
    write_slice(mpd, [playlist(10000, [track(4)])], first=10000)
    (mpd / ".hidden.json").write_text("not json")
    (mpd / "notes.txt").write_text("ignored")
    names = [p.name for p in list_slices(mpd)]
    assert names == [
        "mpd.slice.0-999.json",
        "mpd.slice.1000-1999.json",
        "mpd.slice.10000-10999.json",
        "a-extra.json",
        "b-extra.json",
    ]
    run(mpd, tmp_path)
    tracks = rows(tmp_path / "out/tracks.parquet")
    assert [t["track_uri"] for t in tracks] == [uri(0), uri(1), uri(4), uri(2), uri(3)]


def test_output_is_byte_identical_across_runs_and_worker_counts(tmp_path: Path) -> None:
    mpd = tmp_path / "mpd"
    for first in range(0, 5000, 1000):
        write_slice(mpd, [playlist(first + i, [track(first + i + j, j) for j in range(3)]) for i in range(4)], first)
    outputs = []
    for run_index, workers in enumerate((1, 2, 2)):
        out = tmp_path / f"out{run_index}"
        preprocess(mpd, out, progress=False, workers=workers)
        outputs.append([(out / f"{n}.parquet").read_bytes() for n in ("playlists", "tracks", "items")])
    assert outputs[0] == outputs[1] == outputs[2]


def test_playlists_out_of_pid_order_are_sorted(tmp_path: Path) -> None:
    mpd = tmp_path / "mpd"
    write_slice(mpd, [playlist(7, [track(1), track(2, 1)]), playlist(2, [track(3)])], first=0)
    write_slice(mpd, [playlist(1, [track(4)])], first=1000)
    run(mpd, tmp_path)
    assert [r["pid"] for r in rows(tmp_path / "out/playlists.parquet")] == [1, 2, 7]
    assert [(r["pid"], r["pos"], r["track_id"]) for r in rows(tmp_path / "out/items.parquet")] == [
        (1, 0, 3),
        (2, 0, 2),
        (7, 0, 0),
        (7, 1, 1),
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_truncated_json_names_the_byte_offset_and_last_pid(tmp_path: Path, workers: int) -> None:
    mpd = tmp_path / "mpd"
    write_slice(mpd, [playlist(1000, [track(0)])], first=1000)  # a good slice after it
    path = write_slice(mpd, [playlist(0, [track(0)]), playlist(1, [track(1)])])
    data = path.read_bytes()
    cut = data.index(b'"pid": 1') + 20
    path.write_bytes(data[:cut])
    with pytest.raises(MPDFormatError) as error:
        run(mpd, tmp_path, workers=workers)
    assert str(error.value) == f"{path}: truncated JSON (unexpected end of data) at byte {cut}, after playlist pid 1"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_invalid_json_names_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "mpd" / "mpd.slice.0-999.json"
    path.parent.mkdir()
    path.write_bytes(b'{"playlists": [{"pid": 4, "name": "\xc3\xa9", x}]}')  # the x is at byte 40, character 39
    with pytest.raises(MPDFormatError) as error:
        run(path.parent, tmp_path)
    assert str(error.value) == (
        f"{path}: invalid JSON (unexpected character, expected a string key) at byte 40, after playlist pid 4"
    )


def test_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "mpd" / "mpd.slice.0-999.json"
    path.parent.mkdir()
    path.write_bytes(b'{"playlists": [{"pid": 0, "name": "caf\xe9"}]}')
    with pytest.raises(MPDFormatError) as error:
        run(path.parent, tmp_path)
    assert str(error.value) == f"{path}: invalid UTF-8 at byte 38"


def test_unparsable_files_are_skipped_whole_and_counted(tmp_path: Path) -> None:
    mpd = tmp_path / "mpd"
    write_slice(mpd, [playlist(0, [track(0)])])
    (mpd / "mpd.slice.1000-1999.json").write_bytes(b'{"playlists": [{"pid": 1000, "tra')
    (mpd / "mpd.slice.2000-2999.json").write_bytes(b'{"playlists": [{"pid": 2000, "name": "\xff"}]}')
    (mpd / "other.json").write_text('{"items": []}')
    report = run(mpd, tmp_path, on_error="skip")
    assert report["files"] == {
        "read": 4,
        "used": 1,
        "skipped": {"invalid_json": 1, "invalid_utf8": 1, "not_mpd": 1},
    }
    assert [f["file"] for f in report["skipped_files"]] == [
        "mpd.slice.1000-1999.json",
        "mpd.slice.2000-2999.json",
        "other.json",
    ]
    assert report["skipped_files"][2]["message"] == (
        f"{mpd / 'other.json'}: not an MPD slice (expected an object with a 'playlists' list)"
    )
    assert report["playlists"] == {"read": 1, "written": 1, "skipped": {}}


def broken_link(path: Path, _: pytest.MonkeyPatch) -> tuple[str, str]:
    """The original silent drop: a broken symbolic link was skipped with no error and no count."""
    path.symlink_to(path.parent / "moved-away.json")
    return "broken_link", "broken symbolic link"


def link_loop(path: Path, _: pytest.MonkeyPatch) -> tuple[str, str]:
    path.symlink_to(path)
    return "unreadable", "cannot read (Too many levels of symbolic links)"


def folder(path: Path, _: pytest.MonkeyPatch) -> tuple[str, str]:
    path.mkdir()
    return "not_a_file", "not a regular file"


def named_pipe(path: Path, _: pytest.MonkeyPatch) -> tuple[str, str]:
    """Reading it would block for ever."""
    os.mkfifo(path)
    return "not_a_file", "not a regular file"


def failing_read(code: int) -> Any:
    """A valid slice whose read fails with `code` (an I/O error, or no permission for a user who is root)."""

    def make(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
        write_slice(path.parent, [playlist(5000, [track(9)])], name=path.name)
        read_bytes = Path.read_bytes

        def read(self: Path) -> bytes:
            if self == path:
                raise OSError(code, os.strerror(code), str(self))
            return read_bytes(self)

        monkeypatch.setattr(Path, "read_bytes", read)
        return "unreadable", f"cannot read ({os.strerror(code)})"

    return make


UNREADABLE = [broken_link, link_loop, folder, named_pipe, failing_read(errno.EIO), failing_read(errno.EACCES)]


@pytest.mark.parametrize("make", UNREADABLE, ids=lambda make: make.__name__)
def test_a_slice_that_cannot_be_read_is_a_one_line_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Any
) -> None:
    """The original failure: an OSError traceback not naming the file (or, for a broken link, nothing)."""
    write_slice(tmp_path / "mpd", [playlist(0, [track(0)])])
    path = tmp_path / "mpd" / "mpd.slice.1000-1999.json"
    _, message = make(path, monkeypatch)
    with pytest.raises(MPDFormatError) as error:
        run(tmp_path / "mpd", tmp_path)
    assert str(error.value) == f"{path}: {message}"


@pytest.mark.parametrize("make", UNREADABLE, ids=lambda make: make.__name__)
def test_a_slice_that_cannot_be_read_is_skipped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Any
) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, [track(0)])])
    path = tmp_path / "mpd" / "mpd.slice.1000-1999.json"
    reason, message = make(path, monkeypatch)
    report = run(tmp_path / "mpd", tmp_path, on_error="skip")
    assert report["files"] == {"read": 2, "used": 1, "skipped": {reason: 1}}
    assert report["skipped_files"] == [{"file": path.name, "reason": reason, "message": f"{path}: {message}"}]
    assert report["playlists"] == {"read": 1, "written": 1, "skipped": {}}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file without read permission")
def test_a_slice_without_read_permission_is_named(tmp_path: Path) -> None:
    path = write_slice(tmp_path / "mpd", [playlist(0, [track(0)])])
    path.chmod(0)
    with pytest.raises(MPDFormatError, match=f"{path}: cannot read \\(Permission denied\\)"):
        run(tmp_path / "mpd", tmp_path)


def test_unreadable_slices_are_reported_by_the_worker_processes_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, [track(0)])])
    path = tmp_path / "mpd" / "mpd.slice.1000-1999.json"
    broken_link(path, monkeypatch)
    with pytest.raises(MPDFormatError, match="broken symbolic link"):
        run(tmp_path / "mpd", tmp_path, workers=2)
    report = run(tmp_path / "mpd", tmp_path, on_error="skip", workers=2)
    assert report["files"] == {"read": 2, "used": 1, "skipped": {"broken_link": 1}}


BAD_PLAYLISTS: list[tuple[Any, str, str]] = [
    ({"name": "x", "tracks": [track(0)]}, "missing_pid", "playlist #1 has no pid"),
    ({"pid": "7", "tracks": [track(0)]}, "invalid_pid", "playlist #1 has an invalid pid '7'"),
    ({"pid": 7, "name": "x"}, "missing_tracks", "playlist pid 7 has no tracks list"),
    ({"pid": 7, "tracks": {"a": 1}}, "invalid_tracks", "playlist pid 7: tracks is not a list"),
    (
        {"pid": 7, "name": 3, "tracks": [track(0)]},
        "invalid_name",
        "playlist pid 7: name is not a string but 3",
    ),
    ([1, 2], "invalid_playlist", "playlist #1 is not a JSON object"),
    (
        {"pid": 7, "tracks": [{"track_uri": uri(0)}] * 32769},
        "too_many_tracks",
        "playlist pid 7 has 32769 tracks (at most 32768)",
    ),
]


@pytest.mark.parametrize(("record", "reason", "message"), BAD_PLAYLISTS)
def test_bad_playlist_raises_with_its_pid_or_index(tmp_path: Path, record: Any, reason: str, message: str) -> None:
    path = write_slice(tmp_path / "mpd", [playlist(0, [track(1)]), record])
    with pytest.raises(MPDFormatError) as error:
        run(tmp_path / "mpd", tmp_path)
    assert str(error.value) == f"{path}: {message}"


@pytest.mark.parametrize(("record", "reason", "message"), BAD_PLAYLISTS)
def test_bad_playlist_is_skipped_and_counted(tmp_path: Path, record: Any, reason: str, message: str) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, [track(1)]), record])
    report = run(tmp_path / "mpd", tmp_path, on_error="skip")
    listed = len(record["tracks"]) if isinstance(record, dict) and isinstance(record.get("tracks"), list) else 0
    assert report["playlists"] == {"read": 2, "written": 1, "skipped": {reason: 1}}
    skipped_items = {"in_skipped_playlist": listed} if listed else {}
    assert report["items"] == {"read": 1 + listed, "written": 1, "duplicates": 0, "skipped": skipped_items}
    assert [r["pid"] for r in rows(tmp_path / "out/playlists.parquet")] == [0]


BAD_TRACKS: list[tuple[Any, str, str]] = [
    ({"track_name": "x", "artist_name": "y"}, "missing_track_uri", "playlist pid 0 track 1 has no track_uri"),
    (
        {"track_uri": "spotify:track:short"},
        "invalid_track_uri",
        "playlist pid 0 track 1: invalid track_uri 'spotify:track:short' (expected spotify:track:<22 base62 chars>)",
    ),
    (
        {"track_uri": "spotify:album:" + "a" * 22},
        "invalid_track_uri",
        f"playlist pid 0 track 1: invalid track_uri 'spotify:album:{'a' * 22}' "
        "(expected spotify:track:<22 base62 chars>)",
    ),
    (
        {"track_uri": "spotify:track:" + "a" * 21 + "-"},
        "invalid_track_uri",
        f"playlist pid 0 track 1: invalid track_uri 'spotify:track:{'a' * 21}-' "
        "(expected spotify:track:<22 base62 chars>)",
    ),
    (
        {"track_uri": 12},
        "invalid_track_uri",
        "playlist pid 0 track 1: invalid track_uri 12 (expected spotify:track:<22 base62 chars>)",
    ),
    ("spotify:track:x", "invalid_track", "playlist pid 0 track 1 is not a JSON object"),
]


@pytest.mark.parametrize(("record", "reason", "message"), BAD_TRACKS)
def test_bad_track_raises_with_pid_and_position(tmp_path: Path, record: Any, reason: str, message: str) -> None:
    path = write_slice(tmp_path / "mpd", [playlist(0, [track(1), record, track(2)])])
    with pytest.raises(MPDFormatError) as error:
        run(tmp_path / "mpd", tmp_path)
    assert str(error.value) == f"{path}: {message}"


@pytest.mark.parametrize(("record", "reason", "message"), BAD_TRACKS)
def test_bad_track_is_skipped_and_counted(tmp_path: Path, record: Any, reason: str, message: str) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, [track(1), record, track(2)])])
    report = run(tmp_path / "mpd", tmp_path, on_error="skip")
    assert report["items"] == {"read": 3, "written": 2, "duplicates": 0, "skipped": {reason: 1}}
    assert [r["pos"] for r in rows(tmp_path / "out/items.parquet")] == [0, 2]  # source positions kept
    assert rows(tmp_path / "out/playlists.parquet")[0]["num_tracks"] == 2


def test_playlist_whose_tracks_are_all_bad_is_skipped(tmp_path: Path) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, [{"track_uri": "x"}]), playlist(1, [track(1)])])
    report = run(tmp_path / "mpd", tmp_path, on_error="skip")
    assert report["playlists"] == {"read": 2, "written": 1, "skipped": {"no_valid_tracks": 1}}
    assert report["items"]["skipped"] == {"invalid_track_uri": 1}


def test_duplicate_pid_across_slices_raises(tmp_path: Path) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, [track(1)])], first=0)
    path = write_slice(tmp_path / "mpd", [playlist(1000, [track(2)]), playlist(0, [track(3)])], first=1000)
    with pytest.raises(MPDFormatError) as error:
        run(tmp_path / "mpd", tmp_path)
    assert str(error.value) == f"{path}: duplicate pid 0 (already read from mpd.slice.0-999.json)"


def test_duplicate_pids_are_skipped_and_their_tracks_get_no_id(tmp_path: Path) -> None:
    mpd = tmp_path / "mpd"
    write_slice(mpd, [playlist(0, [track(1)]), playlist(0, [track(1), track(9, 1)])], first=0)
    write_slice(mpd, [playlist(0, [track(8), track(2, 1)]), playlist(1000, [track(2), track(3, 1)])], first=1000)
    report = run(mpd, tmp_path, on_error="skip", workers=2)
    assert report["playlists"] == {"read": 4, "written": 2, "skipped": {"duplicate_pid": 2}}
    assert report["items"] == {
        "read": 7,
        "written": 3,
        "duplicates": 0,
        "skipped": {"in_skipped_playlist": 4},
    }
    assert [t["track_uri"] for t in rows(tmp_path / "out/tracks.parquet")] == [uri(1), uri(2), uri(3)]
    assert [(r["pid"], r["track_id"]) for r in rows(tmp_path / "out/items.parquet")] == [
        (0, 0),
        (1000, 1),
        (1000, 2),
    ]


def test_repeated_tracks_in_a_playlist_keep_the_first_and_are_counted(tmp_path: Path) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, [track(1), track(2, 1), track(1, 2), track(1, 3), track(3, 4)])])
    report = run(tmp_path / "mpd", tmp_path, on_error="raise")
    assert report["items"] == {"read": 5, "written": 3, "duplicates": 2, "skipped": {}}
    assert [(r["pos"], r["track_id"]) for r in rows(tmp_path / "out/items.parquet")] == [
        (0, 0),
        (1, 1),
        (4, 2),
    ]
    assert rows(tmp_path / "out/playlists.parquet")[0]["num_tracks"] == 3


def test_titles_empty_emoji_only_and_very_long_are_kept(tmp_path: Path) -> None:
    long_name = "Summer " * 1500  # 10,500 characters
    write_slice(
        tmp_path / "mpd",
        [
            playlist(0, [track(1)], ""),
            playlist(1, [track(1)], "   "),
            playlist(2, [track(1)], None),
            playlist(3, [track(1)], "🔥🔥"),
            playlist(4, [track(1)], long_name),
            playlist(5, [track(1)], "?!"),
        ],
    )
    report = run(tmp_path / "mpd", tmp_path)
    stored = rows(tmp_path / "out/playlists.parquet")
    assert [(r["name"], r["title"]) for r in stored[:4]] == [
        ("", ""),
        ("   ", ""),
        ("", ""),
        ("🔥🔥", "🔥 🔥"),
    ]
    assert stored[4]["name"] == long_name[:MAX_NAME_CHARS]
    assert MAX_NAME_CHARS == 300  # = 42 x "Summer " + "Summer"
    assert stored[4]["title"] == " ".join(["summer"] * 43)
    assert report["titles"] == {"empty": 4, "truncated": 1}
    assert report["playlists"]["written"] == 6


def test_zero_track_playlists_are_skipped_and_counted_even_when_raising(tmp_path: Path) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, []), playlist(1, [track(1)]), playlist(2, [])])
    report = run(tmp_path / "mpd", tmp_path, on_error="raise")
    assert report["playlists"] == {"read": 3, "written": 1, "skipped": {"no_tracks": 2}}


def test_empty_slice_is_fine(tmp_path: Path) -> None:
    write_slice(tmp_path / "mpd", [], first=0)
    write_slice(tmp_path / "mpd", [playlist(1000, [track(1)])], first=1000)
    report = run(tmp_path / "mpd", tmp_path)
    assert report["files"] == {"read": 2, "used": 2, "skipped": {}}
    assert report["playlists"] == {"read": 1, "written": 1, "skipped": {}}


def test_only_empty_slices_give_empty_tables(tmp_path: Path) -> None:
    write_slice(tmp_path / "mpd", [])
    run(tmp_path / "mpd", tmp_path)
    table = pq.read_table(tmp_path / "out/items.parquet")
    assert table.num_rows == 0 and table.schema.equals(ITEMS_SCHEMA)


def challenge_set(folder: Path) -> Path:
    """A small RecSys 2018 challenge set: one titled query with seeds, one untitled without."""
    path = folder / "challenge_set.json"
    folder.mkdir(parents=True, exist_ok=True)
    doc = {
        "date": "2018-01-16",
        "version": "v1",
        "playlists": [
            {
                "name": "Party",
                "num_holdouts": 3,
                "pid": 1000002,
                "num_samples": 2,
                "num_tracks": 5,
                "tracks": [track(4, 0), track(2, 1)],
            },
            {"num_holdouts": 10, "pid": 1000005, "num_samples": 0, "num_tracks": 10, "tracks": []},
        ],
    }
    path.write_text(json.dumps(doc))
    return path


def test_read_challenge_set_returns_queries(tmp_path: Path) -> None:
    assert read_challenge_set(challenge_set(tmp_path)) == [
        ChallengeQuery(pid=1000002, name="Party", seed_uris=(uri(4), uri(2)), num_holdouts=3),
        ChallengeQuery(pid=1000005, name="", seed_uris=(), num_holdouts=10),
    ]


def test_a_pid_listed_twice_in_a_challenge_set_is_an_error(tmp_path: Path) -> None:
    """The original failure: submit wrote a file its own check then refused, and left it on disk."""
    path = challenge_set(tmp_path)
    doc = json.loads(path.read_text())
    doc["playlists"].append({**doc["playlists"][0], "name": "again"})
    path.write_text(json.dumps(doc))
    with pytest.raises(MPDFormatError) as error:
        read_challenge_set(path)
    assert str(error.value) == f"{path}: challenge playlist pid 1000002 is listed twice (#0 and #2)"


def test_challenge_set_in_the_training_folder_is_refused_or_skipped(tmp_path: Path) -> None:
    mpd = tmp_path / "mpd"
    write_slice(mpd, [playlist(0, [track(1)])])
    path = challenge_set(mpd)
    with pytest.raises(MPDFormatError) as error:
        run(mpd, tmp_path)
    assert str(error.value) == (
        f"{path}: a RecSys 2018 challenge set (playlists with num_holdouts) is query data, "
        "not training slices; move it out of the MPD folder"
    )
    report = run(mpd, tmp_path, on_error="skip")
    assert report["files"]["skipped"] == {"challenge_set": 1}
    assert report["playlists"]["written"] == 1


def test_missing_or_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MPDFormatError, match="no such folder"):
        run(tmp_path / "absent", tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(MPDFormatError, match=r"no MPD slice files \(\*\.json\)"):
        run(tmp_path / "empty", tmp_path)


def run_stage(workdir: Path, on_error: str) -> subprocess.CompletedProcess[str]:
    """Run stages/preprocess.py in `workdir` with a params.yaml pointing at workdir/mpd."""
    (workdir / "params.yaml").write_text(f"data:\n  mpd_dir: mpd\npreprocess:\n  on_error: {on_error}\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    script = ROOT / "stages" / "preprocess.py"
    return subprocess.run([sys.executable, str(script)], cwd=workdir, env=env, capture_output=True, text=True)


def test_stage_writes_outputs_and_metrics(tmp_path: Path) -> None:
    write_slice(tmp_path / "mpd", [playlist(0, [track(1), track(1, 1)]), playlist(1, [])])
    result = run_stage(tmp_path, "raise")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("preprocess: 1 playlists, 1 items, 1 tracks from 1 files in ")
    metrics = json.loads((tmp_path / "metrics/preprocess.json").read_text())
    assert metrics["playlists"] == {"read": 2, "written": 1, "skipped": {"no_tracks": 1}}
    assert sorted(p.name for p in (tmp_path / "data/preprocessed").iterdir()) == [
        "items.parquet",
        "playlists.parquet",
        "tracks.parquet",
    ]


def test_stage_reports_damaged_input_in_one_line_and_exits_1(tmp_path: Path) -> None:
    path = write_slice(tmp_path / "mpd", [playlist(0, [track(1)])])
    path.write_bytes(path.read_bytes()[:-5])
    result = run_stage(tmp_path, "raise")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (  # after the progress bar
        f"error: {Path('mpd') / path.name}: truncated JSON (unexpected end of data) at byte "
        f"{path.stat().st_size}, after playlist pid 0"
    )
    assert not (tmp_path / "data/preprocessed/items.parquet").exists()


def valid_slice_bytes() -> bytes:
    """A small valid slice exercising every field: full and trimmed tracks, a repeat, unicode and empty names."""
    playlists = [
        playlist(0, [track(0), track(1, 1, artist=1), track(0, 2)], name="Café ☕ vibes"),
        playlist(1, [{"track_uri": uri(2), "track_name": "só", "artist_name": "x"}], name=""),
        playlist(2, [track(3), track(1, 1)], name=None),
    ]
    return json.dumps({"info": {"slice": "0-999"}, "playlists": playlists}, ensure_ascii=False).encode("utf-8")


VALID_SLICE = valid_slice_bytes()
SKIP_REASONS = {"invalid_json", "invalid_utf8", "not_mpd", "challenge_set"}
# A mutation: (operation, where as a share of the length, a byte); the bytes that matter most in JSON first.
MUTATION = st.tuples(
    st.sampled_from(["replace", "insert", "delete", "truncate"]),
    st.floats(0, 1, exclude_max=True),
    st.one_of(st.sampled_from(b'"{}[],:0-9\\\\ eE.nu\\x00\\xff\\xc3'), st.integers(0, 255)),
)


def mutate(data: bytes, mutations: list[tuple[str, float, int]]) -> bytes:
    """Apply byte mutations in turn."""
    for operation, where, byte in mutations:
        at = int(where * len(data)) if data else 0
        if operation == "replace" and data:
            data = data[:at] + bytes([byte]) + data[at + 1 :]
        elif operation == "insert":
            data = data[:at] + bytes([byte]) + data[at:]
        elif operation == "delete":
            data = data[:at] + data[at + 1 :]
        elif operation == "truncate":
            data = data[:at]
    return data


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MUTATION, min_size=1, max_size=4))
def test_a_mutated_slice_is_parsed_or_a_one_line_error_never_another_exception(
    tmp_path: Path, mutations: list[tuple[str, float, int]]
) -> None:
    path = tmp_path / "mpd.slice.0-999.json"
    path.write_bytes(mutate(VALID_SLICE, mutations))
    try:
        parse_slice(path, "raise")
    except MPDFormatError as error:
        message = str(error)
        assert message.startswith(f"{path}: ") and "\n" not in message and len(message) < 300
    skipped = parse_slice(path, "skip")  # never raises
    assert skipped.skipped_file is None or skipped.skipped_file[0] in SKIP_REASONS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MUTATION, min_size=1, max_size=4))
def test_a_mutated_slice_is_preprocessed_with_counts_that_reconcile(
    tmp_path_factory: pytest.TempPathFactory, mutations: list[tuple[str, float, int]]
) -> None:
    """End to end in skip mode: ids assigned, Parquet written (every kept string encodable), counts checked."""
    folder = tmp_path_factory.mktemp("mutated")
    (folder / "mpd").mkdir()
    (folder / "mpd" / "mpd.slice.0-999.json").write_bytes(mutate(VALID_SLICE, mutations))
    report = preprocess(folder / "mpd", folder / "out", on_error="skip", progress=False, workers=1)
    assert report["files"]["read"] == 1
    assert pq.read_table(folder / "out" / "playlists.parquet").num_rows == report["playlists"]["written"]


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    [
        "pid",
        "name",
        "tracks",
        "track_uri",
        "track_name",
        "artist_name",
        "artist_uri",
        "album_uri",
        "album_name",
        "duration_ms",
        "playlists",
        "pos",
        "num_holdouts",
    ]
)


def replace_values(doc: Any, field: str, value: Any, every: int) -> Any:
    """`doc` with every `every`-th occurrence of `field` (in a depth-first walk) set to `value`."""
    seen = 0

    def walk(node: Any) -> Any:
        nonlocal seen
        if isinstance(node, list):
            return [walk(child) for child in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, child in node.items():
            if key == field:
                seen += 1
                out[key] = value if seen % every == 0 else walk(child)
            else:
                out[key] = walk(child)
        return out

    return walk(doc)


@settings(max_examples=60, deadline=None)
@given(FIELDS, JSON_VALUES, st.integers(1, 3), st.sampled_from(["raise", "skip"]))
def test_any_value_in_any_field_is_kept_or_a_one_line_error(
    tmp_path_factory: pytest.TempPathFactory, field: str, value: Any, every: int, on_error: str
) -> None:
    folder = tmp_path_factory.mktemp("values")
    doc = replace_values(json.loads(VALID_SLICE), field, value, every)
    write_slice(folder / "mpd", doc["playlists"] if isinstance(doc, dict) else doc)
    try:
        report = preprocess(folder / "mpd", folder / "out", on_error=on_error, progress=False, workers=1)
    except MPDFormatError as error:
        assert on_error == "raise" and "\n" not in str(error) and str(error).startswith(str(folder / "mpd"))
        return
    assert report["files"]["read"] == 1
