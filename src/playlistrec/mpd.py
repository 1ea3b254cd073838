"""Streaming reader and validator of Million Playlist Dataset slices and challenge sets (`preprocess`).

Slices are parsed one per task in a small process pool; each task returns compact per-slice columns
(`SliceColumns`), and the main process, taking them in sorted slice order, assigns the dense track and artist
ids and appends to three Parquet files. Memory is therefore bounded by a few slices plus the id maps, never
by the dataset, and the output does not depend on the number of workers.

Input rules (each bad case raises `MPDFormatError` with one line naming the file and the record, or with
``on_error="skip"`` is skipped and counted by reason in the returned report):

- Files: every ``*.json`` of the folder (hidden files ignored), MPD-named slices (``mpd.slice.<a>-<b>.json``)
  first in order of their first pid, then the others by name. Every such name is read or reported, never
  passed over: one that cannot be read (``unreadable``: no read permission, an I/O error, a symbolic link
  loop), a broken symbolic link (``broken_link``), something other than a regular file (``not_a_file``: a
  folder, a named pipe), a file that is not JSON (``invalid_json``), not UTF-8 (``invalid_utf8``), not an
  object with a ``playlists`` list (``not_mpd``) or a RecSys 2018 challenge set (``challenge_set``: query
  data, read it with `read_challenge_set`) is an error, or skipped whole. A slice with 0 playlists is fine.
- Playlists: ``pid`` must be an integer (``missing_pid``, ``invalid_pid``), unique over all slices (a later
  repeat is ``duplicate_pid``); ``tracks`` must be a list (``missing_tracks``, ``invalid_tracks``) of at most
  32,768 tracks (``too_many_tracks``, positions are int16); ``name`` must be a string or absent
  (``invalid_name``). Not errors: a missing, empty or whitespace-only name is kept as "" (title "", counted
  in ``titles.empty``); a name longer than `MAX_NAME_CHARS` is cut to that length before normalising
  (counted in ``titles.truncated``); a playlist with zero tracks is skipped (``no_tracks``) because it can be
  neither embedded nor evaluated, and so is one whose tracks were all skipped (``no_valid_tracks``).
- Tracks: an object (``invalid_track``) with a ``track_uri`` (``missing_track_uri``) of the form
  ``spotify:track:<22 base62 chars>`` (``invalid_track_uri``). A repeat of a track inside one playlist is no
  error: the first occurrence is kept and the others counted in ``items.duplicates``. Full MPD tracks and
  trimmed ones (only ``track_uri``, ``track_name``, ``artist_name``) are both accepted; absent album/artist
  URIs, album name and duration are null, absent names "". A track's metadata is that of its first occurrence.
- Positions: ``pos`` is the index in the source ``tracks`` list (the MPD's own ``pos`` field equals it, and
  trimmed slices have none), so skipped tracks and dropped repeats leave gaps but the order is the source's.
- Ids: ``track_id`` and ``artist_id`` are dense int32 in first-seen order over the sorted slices; artists are
  keyed on ``artist_uri``, or on the artist name when a track has no artist URI.

Reconciliation (checked before returning): playlists read = written + skipped, items read = written +
duplicates + skipped, where "read" counts the playlists and track entries of every file that parsed (the
contents of a file skipped whole are unknown; it is counted in ``files.skipped``).
"""

from __future__ import annotations

import re
import stat
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from playlistrec.io import atomic_path
from playlistrec.process import worker_pool
from playlistrec.text import normalise_title
from playlistrec.workers import worker_count

MAX_NAME_CHARS = 300  # real MPD titles are short; longer names are cut so one record cannot bloat the data
ON_ERROR = ("raise", "skip")
_TRACK_URI = re.compile(r"spotify:track:[0-9A-Za-z]{22}")
_SLICE_NAME = re.compile(r"mpd\.slice\.(\d+)-(\d+)\.json")
_LAST_PID = re.compile(rb'"pid"\s*:\s*(-?\d+)')
_MAX_TRACKS = 2**15  # positions are int16
_INT32_MAX = 2**31 - 1
PARSER_LIMIT = 4  # parser processes at most: beyond 4 the main process assigning ids becomes the limit

PLAYLISTS_SCHEMA = pa.schema(
    [
        pa.field("pid", pa.int64(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("title", pa.string(), nullable=False),
        pa.field("num_tracks", pa.int32(), nullable=False),
    ]
)
TRACKS_SCHEMA = pa.schema(
    [
        pa.field("track_id", pa.int32(), nullable=False),
        pa.field("track_uri", pa.string(), nullable=False),
        pa.field("track_name", pa.string(), nullable=False),
        pa.field("artist_id", pa.int32(), nullable=False),
        pa.field("artist_name", pa.string(), nullable=False),
        pa.field("artist_uri", pa.string()),
        pa.field("album_uri", pa.string()),
        pa.field("album_name", pa.string()),
        pa.field("duration_ms", pa.int32()),
    ]
)
ITEMS_SCHEMA = pa.schema(
    [
        pa.field("pid", pa.int64(), nullable=False),
        pa.field("pos", pa.int16(), nullable=False),
        pa.field("track_id", pa.int32(), nullable=False),
    ]
)
# Fixed row-group sizes, so the bytes depend on the rows only, not on how they were split into slices.
_PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}
_ROWS_PER_GROUP = {"playlists": 131_072, "tracks": 262_144, "items": 1_048_576}
_METADATA = ("track_name", "artist_name", "artist_uri", "album_uri", "album_name", "duration_ms")


class MPDFormatError(ValueError):
    """Damaged or unexpected MPD input; the message is one line naming the file and the record.

    `reason` is the counted reason when the whole file is at fault (``invalid_json``, ``challenge_set``...).
    """

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ChallengeQuery:
    """One playlist of a RecSys 2018 challenge set: a query, not training data."""

    pid: int
    name: str  # "" when the challenge gives no title
    seed_uris: tuple[str, ...]  # in the listed order (the challenge lists them by position)
    num_holdouts: int


@dataclass
class SliceColumns:
    """What one parsed slice hands to the main process: compact columns, ids still local to the slice."""

    path: Path
    pids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    truncated: list[bool] = field(default_factory=list)
    num_items: list[int] = field(default_factory=list)  # items kept per playlist
    pos: list[int] = field(default_factory=list)
    local_ids: list[int] = field(default_factory=list)  # index into `uris`, first-seen order in the slice
    uris: list[str] = field(default_factory=list)  # the slice's distinct valid track URIs
    metadata: list[tuple[Any, ...]] = field(default_factory=list)  # raw `_METADATA` values, cleaned on use
    counts: Counter[str] = field(default_factory=Counter)
    skipped_file: tuple[str, str] | None = None  # (reason, message) when the whole file was skipped


def list_slices(mpd_dir: Path) -> list[Path]:
    """Return the folder's ``*.json`` names in processing order: MPD slices by first pid, then by name.

    Every non-hidden name is listed, a broken link or a folder included: reading it reports the problem.
    """
    if not mpd_dir.is_dir():
        raise MPDFormatError(f"{mpd_dir}: no such folder")
    files = [p for p in mpd_dir.glob("*.json") if not p.name.startswith(".")]
    if not files:
        raise MPDFormatError(f"{mpd_dir}: no MPD slice files (*.json)")
    return sorted(files, key=_slice_key)


def _slice_key(path: Path) -> tuple[int, int, str]:
    """Sort key: MPD-named slices first, by the first pid in their name; then any other file by name."""
    match = _SLICE_NAME.fullmatch(path.name)
    return (0, int(match[1]), path.name) if match else (1, 0, path.name)


def _read_bytes(path: Path) -> bytes:
    """A file's bytes, or a one-line `MPDFormatError` saying why it cannot be read (never a traceback)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a named pipe would block the read for ever
            raise MPDFormatError(f"{path}: not a regular file", "not_a_file")
        return path.read_bytes()
    except FileNotFoundError:
        what = "broken symbolic link" if path.is_symlink() else "no such file"
        raise MPDFormatError(f"{path}: {what}", "broken_link" if path.is_symlink() else "unreadable") from None
    except OSError as error:
        raise MPDFormatError(f"{path}: cannot read ({error.strerror or error})", "unreadable") from None


def _load_json(path: Path) -> Any:
    """Parse a JSON file, turning a read or decoding failure into a one-line error (with the byte offset)."""
    data = _read_bytes(path)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise MPDFormatError(*_describe_json_error(path, data, error)) from None


def _describe_json_error(path: Path, data: bytes, error: orjson.JSONDecodeError) -> tuple[str, str]:
    """(message, reason) of a JSON failure: its byte offset, and the last pid before it if there is one."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"{path}: invalid UTF-8 at byte {bad.start}", "invalid_utf8"
    offset = len(text[: error.pos].encode("utf-8"))  # orjson reports a character index
    what = "truncated JSON (unexpected end of data)" if offset >= len(data) else f"invalid JSON ({error.msg})"
    pids = _LAST_PID.findall(data, 0, offset)
    after = f", after playlist pid {int(pids[-1])}" if pids else ""
    return f"{path}: {what} at byte {offset}{after}", "invalid_json"


def _show(value: Any) -> str:
    """A short one-line rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _SliceParser:
    """Validates one slice's playlists into `SliceColumns`, raising or counting bad records per `on_error`."""

    def __init__(self, path: Path, on_error: str) -> None:
        self.path = path
        self.on_error = on_error
        self.out = SliceColumns(path)
        self.track_index: dict[str, int] = {}

    def reject(self, level: str, reason: str, message: str) -> None:
        """Raise for a bad record, or count it as skipped under ``<level>.skipped.<reason>``."""
        if self.on_error == "raise":
            raise MPDFormatError(f"{self.path}: {message}")
        self.out.counts[f"{level}.skipped.{reason}"] += 1

    def parse(self, playlists: list[Any]) -> SliceColumns:
        """Add every playlist of the slice."""
        for index, playlist in enumerate(playlists):
            self.add_playlist(index, playlist)
        return self.out

    def add_playlist(self, index: int, playlist: Any) -> None:
        """Validate one playlist and append it with its kept tracks, or skip it and its tracks."""
        counts = self.out.counts
        counts["playlists.read"] += 1
        tracks = playlist.get("tracks") if type(playlist) is dict else None
        listed = len(tracks) if type(tracks) is list else 0
        counts["items.read"] += listed
        problem = self.playlist_problem(index, playlist)
        if problem is not None:
            self.reject("playlists", *problem)
            counts["items.skipped.in_skipped_playlist"] += listed
            return
        name = playlist.get("name") or ""
        start = len(self.out.pos)
        self.add_tracks(playlist["pid"], tracks)
        kept = len(self.out.pos) - start
        if not kept:  # no error in either mode, counted only (the bad tracks were counted by reason)
            counts["playlists.skipped.no_tracks" if listed == 0 else "playlists.skipped.no_valid_tracks"] += 1
            return
        self.out.pids.append(playlist["pid"])
        self.out.names.append(name[:MAX_NAME_CHARS])
        self.out.titles.append(normalise_title(name[:MAX_NAME_CHARS]))
        self.out.truncated.append(len(name) > MAX_NAME_CHARS)
        self.out.num_items.append(kept)

    def playlist_problem(self, index: int, playlist: Any) -> tuple[str, str] | None:
        """Return (reason, message) when the playlist record itself is malformed, else None."""
        if type(playlist) is not dict:
            return "invalid_playlist", f"playlist #{index} is not a JSON object"
        pid = playlist.get("pid")
        if pid is None:
            return "missing_pid", f"playlist #{index} has no pid"
        if type(pid) is not int or not 0 <= pid < 2**63:
            return "invalid_pid", f"playlist #{index} has an invalid pid {_show(pid)}"
        tracks = playlist.get("tracks")
        if tracks is None:
            return "missing_tracks", f"playlist pid {pid} has no tracks list"
        if type(tracks) is not list:
            return "invalid_tracks", f"playlist pid {pid}: tracks is not a list"
        if len(tracks) > _MAX_TRACKS:
            return "too_many_tracks", f"playlist pid {pid} has {len(tracks)} tracks (at most {_MAX_TRACKS})"
        name = playlist.get("name")
        if name is not None and type(name) is not str:
            return "invalid_name", f"playlist pid {pid}: name is not a string but {_show(name)}"
        return None

    def add_tracks(self, pid: int, tracks: list[Any]) -> None:
        """Append the playlist's valid tracks (first occurrence of each) as (pos, local id) items."""
        seen: set[int] = set()
        pos, local_ids, track_index = self.out.pos, self.out.local_ids, self.track_index
        for i, track in enumerate(tracks):
            uri = track.get("track_uri") if type(track) is dict else None
            local = track_index.get(uri) if type(uri) is str else None
            if local is None:
                local = self.new_track(pid, i, track, uri)
                if local is None:
                    continue
            if local in seen:
                self.out.counts["items.duplicates"] += 1
                continue
            seen.add(local)
            pos.append(i)
            local_ids.append(local)

    def new_track(self, pid: int, i: int, track: Any, uri: Any) -> int | None:
        """Record a valid track not yet seen in this slice (metadata as found); None when it is skipped."""
        if type(track) is dict and type(uri) is str and _TRACK_URI.fullmatch(uri):
            local = self.track_index[uri] = len(self.out.uris)
            self.out.uris.append(uri)
            get = track.get
            self.out.metadata.append(
                (
                    get("track_name"),
                    get("artist_name"),
                    get("artist_uri"),
                    get("album_uri"),
                    get("album_name"),
                    get("duration_ms"),
                )
            )
            return local
        where = f"playlist pid {pid} track {i}"
        if type(track) is not dict:
            self.reject("items", "invalid_track", f"{where} is not a JSON object")
        elif uri is None:
            self.reject("items", "missing_track_uri", f"{where} has no track_uri")
        else:
            message = f"{where}: invalid track_uri {_show(uri)} (expected spotify:track:<22 base62 chars>)"
            self.reject("items", "invalid_track_uri", message)
        return None


def _clean_metadata(raw: tuple[Any, ...]) -> tuple[Any, ...]:
    """Typed `_METADATA`: a missing or non-string name is "", URI or album name None; bad durations None."""
    track_name, artist_name, artist_uri, album_uri, album_name, duration = raw
    return (
        track_name if type(track_name) is str else "",
        artist_name if type(artist_name) is str else "",
        artist_uri if type(artist_uri) is str else None,
        album_uri if type(album_uri) is str else None,
        album_name if type(album_name) is str else None,
        duration if type(duration) is int and 0 <= duration <= _INT32_MAX else None,
    )


def parse_slice(path: Path, on_error: str = "raise") -> SliceColumns:
    """Read and validate one slice file (a worker task); a file skipped whole sets `skipped_file`."""
    try:
        doc = _load_json(path)
        playlists = doc.get("playlists") if type(doc) is dict else None
        if type(playlists) is not list:
            message = f"{path}: not an MPD slice (expected an object with a 'playlists' list)"
            raise MPDFormatError(message, "not_mpd")
        if any(type(p) is dict and "num_holdouts" in p for p in playlists):
            raise MPDFormatError(
                f"{path}: a RecSys 2018 challenge set (playlists with num_holdouts) is query data, "
                "not training slices; move it out of the MPD folder",
                "challenge_set",
            )
    except MPDFormatError as error:
        if on_error == "raise":
            raise
        return SliceColumns(path, skipped_file=(error.reason, str(error)))
    return _SliceParser(path, on_error).parse(playlists)


def read_challenge_set(path: Path) -> list[ChallengeQuery]:
    """Read a RecSys 2018 ``challenge_set.json`` (has ``num_holdouts``, maybe no name, 0-100 seeds).

    A pid listed twice is an error: a submission has one line per challenge pid.
    """
    path = Path(path)
    doc = _load_json(path)
    playlists = doc.get("playlists") if type(doc) is dict else None
    if type(playlists) is not list:
        raise MPDFormatError(f"{path}: not a challenge set (expected an object with a 'playlists' list)")
    queries = []
    first_index: dict[int, int] = {}
    for index, playlist in enumerate(playlists):
        if type(playlist) is not dict or type(playlist.get("pid")) is not int:
            raise MPDFormatError(f"{path}: challenge playlist #{index} has no integer pid")
        pid = playlist["pid"]
        if first_index.setdefault(pid, index) != index:
            twice = f"listed twice (#{first_index[pid]} and #{index})"
            raise MPDFormatError(f"{path}: challenge playlist pid {pid} is {twice}")
        holdouts = playlist.get("num_holdouts")
        if type(holdouts) is not int:
            raise MPDFormatError(f"{path}: challenge playlist pid {pid} has no integer num_holdouts")
        tracks = playlist.get("tracks", [])
        uris = [t.get("track_uri") if type(t) is dict else None for t in tracks] if type(tracks) is list else [None]
        for i, uri in enumerate(uris):
            if type(uri) is not str or not _TRACK_URI.fullmatch(uri):
                raise MPDFormatError(f"{path}: challenge playlist pid {pid} track {i}: invalid track_uri {_show(uri)}")
        name = playlist.get("name")
        queries.append(ChallengeQuery(pid, name if type(name) is str else "", tuple(uris), holdouts))
    return queries


class _GroupedWriter:
    """A Parquet writer that cuts row groups at a fixed row count whatever the sizes of the tables given."""

    def __init__(self, path: Path, schema: pa.Schema, rows_per_group: int) -> None:
        self.schema = schema
        self.rows_per_group = rows_per_group
        self.writer = pq.ParquetWriter(path, schema, **_PARQUET_OPTIONS)
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.rows_written = 0  # rows given so far, buffered or written

    def write(self, columns: dict[str, Any]) -> None:
        """Buffer rows given as columns; write every complete row group."""
        table = pa.table(columns, schema=self.schema)
        self.pending.append(table)
        self.pending_rows += table.num_rows
        self.rows_written += table.num_rows
        if self.pending_rows >= self.rows_per_group:
            self.flush(final=False)

    def flush(self, final: bool) -> None:
        """Write the complete row groups buffered (all rows when `final`) and keep the rest."""
        table = pa.concat_tables(self.pending)
        cut = table.num_rows if final else table.num_rows - table.num_rows % self.rows_per_group
        if cut:
            self.writer.write_table(table.slice(0, cut), row_group_size=self.rows_per_group)
        rest = table.slice(cut)
        self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        """Write the last partial row group and the footer."""
        if self.pending:
            self.flush(final=True)
        self.writer.close()


class _Assembler:
    """Main-process side: assigns dense ids in slice order, drops repeated pids, streams rows to Parquet."""

    def __init__(self, paths: dict[str, Path], on_error: str) -> None:
        self.paths = paths
        self.on_error = on_error
        self.writers = {
            "playlists": _GroupedWriter(paths["playlists"], PLAYLISTS_SCHEMA, _ROWS_PER_GROUP["playlists"]),
            "tracks": _GroupedWriter(paths["tracks"], TRACKS_SCHEMA, _ROWS_PER_GROUP["tracks"]),
            "items": _GroupedWriter(paths["items"], ITEMS_SCHEMA, _ROWS_PER_GROUP["items"]),
        }
        self.track_ids: dict[str, int] = {}
        self.artist_ids: dict[str, int] = {}
        self.pid_files: dict[int, int] = {}  # pid -> index of the file it was first read from
        self.files: list[Path] = []
        self.counts: Counter[str] = Counter()
        self.skipped_files: list[dict[str, str]] = []
        self.last_pid = -1
        self.pid_sorted = True

    def add(self, part: SliceColumns) -> None:
        """Append one parsed slice."""
        self.counts["files.read"] += 1
        if part.skipped_file is not None:
            reason, message = part.skipped_file
            self.counts[f"files.skipped.{reason}"] += 1
            self.skipped_files.append({"file": part.path.name, "reason": reason, "message": message})
            return
        self.files.append(part.path)
        self.counts.update(part.counts)
        keep = self.keep_mask(part)
        num_items = np.asarray(part.num_items, dtype=np.int32)
        item_keep = np.repeat(keep, num_items)
        local_ids = np.asarray(part.local_ids, dtype=np.int64)
        if keep.all():  # every slice-local track is used, already in first-seen order
            order: Any = range(len(part.uris))
        else:
            local_ids = local_ids[item_keep]
            unique, first = np.unique(local_ids, return_index=True)
            order = unique[np.argsort(first, kind="stable")].tolist()
        mapping = self.assign_track_ids(part, order)
        pids = np.asarray(part.pids, dtype=np.int64)[keep]
        num_items = num_items[keep]
        if len(pids):
            self.pid_sorted &= bool(pids[0] > self.last_pid and np.all(np.diff(pids) > 0))
            self.last_pid = int(pids[-1])
        self.writers["playlists"].write(
            {
                "pid": pids,
                "name": [name for name, k in zip(part.names, keep, strict=True) if k],
                "title": [title for title, k in zip(part.titles, keep, strict=True) if k],
                "num_tracks": num_items,
            }
        )
        self.counts["titles.truncated"] += int(np.asarray(part.truncated, dtype=bool)[keep].sum())
        self.counts["titles.empty"] += sum(1 for t, k in zip(part.titles, keep, strict=True) if k and not t)
        self.writers["items"].write(
            {
                "pid": np.repeat(pids, num_items),
                "pos": np.asarray(part.pos, dtype=np.int16)[item_keep],
                "track_id": mapping[local_ids],
            }
        )

    def keep_mask(self, part: SliceColumns) -> np.ndarray:
        """Mark the playlists to keep: a pid seen before (this or an earlier file) is an error or skipped."""
        keep = np.ones(len(part.pids), dtype=bool)
        file_index = len(self.files) - 1
        for i, pid in enumerate(part.pids):
            first = self.pid_files.get(pid)
            if first is None:
                self.pid_files[pid] = file_index
                continue
            message = f"{part.path}: duplicate pid {pid} (already read from {self.files[first].name})"
            if self.on_error == "raise":
                raise MPDFormatError(message)
            keep[i] = False
            self.counts["playlists.skipped.duplicate_pid"] += 1
            self.counts["items.skipped.in_skipped_playlist"] += part.num_items[i]
        return keep

    def assign_track_ids(self, part: SliceColumns, order: Any) -> np.ndarray:
        """Map slice-local track indices to global ids, giving new tracks the next ids in `order`."""
        track_ids, uris = self.track_ids, part.uris
        mapping = [0] * len(uris)
        new: list[int] = []
        for local in order:
            uri = uris[local]
            track_id = track_ids.get(uri)
            if track_id is None:
                track_id = track_ids[uri] = len(track_ids)
                new.append(local)
            mapping[local] = track_id
        if new:
            self.write_tracks(part, new, mapping[new[0]])
        return np.asarray(mapping, dtype=np.int32)

    def write_tracks(self, part: SliceColumns, new: list[int], first_id: int) -> None:
        """Append the rows of the tracks first seen in this slice, assigning artist ids as they come."""
        rows = [_clean_metadata(part.metadata[j]) for j in new]
        columns = dict(zip(_METADATA, zip(*rows, strict=True), strict=True))
        artist_ids = self.artist_ids
        artists = [
            artist_ids.setdefault(uri if uri is not None else "name:" + name, len(artist_ids))
            for uri, name in zip(columns["artist_uri"], columns["artist_name"], strict=True)
        ]
        self.writers["tracks"].write(
            {
                "track_id": np.arange(first_id, first_id + len(new), dtype=np.int32),
                "track_uri": [part.uris[j] for j in new],
                "artist_id": np.asarray(artists, dtype=np.int32),
                **columns,
            }
        )

    def close(self) -> None:
        """Finish the three files; re-sort playlists and items by pid if the input was not in pid order."""
        for writer in self.writers.values():
            writer.close()
        if not self.pid_sorted:
            _sort_file(self.paths["playlists"], ["pid"], _ROWS_PER_GROUP["playlists"])
            _sort_file(self.paths["items"], ["pid", "pos"], _ROWS_PER_GROUP["items"])

    def report(self, on_error: str) -> dict[str, Any]:
        """The reconciliation counts, checked to add up."""
        counts = self.counts
        report = {
            "on_error": on_error,
            "files": {
                "read": counts["files.read"],
                "used": len(self.files),
                "skipped": _by_reason(counts, "files"),
            },
            "playlists": {
                "read": counts["playlists.read"],
                "written": self.writers["playlists"].rows_written,
                "skipped": _by_reason(counts, "playlists"),
            },
            "items": {
                "read": counts["items.read"],
                "written": self.writers["items"].rows_written,
                "duplicates": counts["items.duplicates"],
                "skipped": _by_reason(counts, "items"),
            },
            "tracks": len(self.track_ids),
            "artists": len(self.artist_ids),
            "titles": {"empty": counts["titles.empty"], "truncated": counts["titles.truncated"]},
            "skipped_files": self.skipped_files,
        }
        _check_reconciliation(report)
        return report


def _by_reason(counts: Counter[str], level: str) -> dict[str, int]:
    """The ``<level>.skipped.<reason>`` counts as {reason: count}, sorted by reason."""
    prefix = f"{level}.skipped."
    return {key[len(prefix) :]: n for key, n in sorted(counts.items()) if key.startswith(prefix) and n}


def _check_reconciliation(report: dict[str, Any]) -> None:
    """Fail loudly (a bug, not bad input) if read != used/written + skipped (+ duplicates) anywhere."""
    files, playlists, items = report["files"], report["playlists"], report["items"]
    balances = {
        "files": files["read"] - files["used"] - sum(files["skipped"].values()),
        "playlists": playlists["read"] - playlists["written"] - sum(playlists["skipped"].values()),
        "items": items["read"] - items["written"] - items["duplicates"] - sum(items["skipped"].values()),
    }
    if any(balances.values()):
        raise RuntimeError(f"preprocess counts do not reconcile: {balances} in {report}")


def _sort_file(path: Path, keys: list[str], rows_per_group: int) -> None:
    """Rewrite a Parquet file sorted by `keys` (only for input whose slices are not in pid order)."""
    table = pq.read_table(path).sort_by([(key, "ascending") for key in keys])
    pq.write_table(table, path, row_group_size=rows_per_group, **_PARQUET_OPTIONS)


def _parsed_slices(files: list[Path], on_error: str, workers: int) -> Iterator[SliceColumns]:
    """Yield the parsed slices in file order, parsing up to `workers` ahead in a process pool."""
    if workers <= 1 or len(files) <= 1:
        yield from (parse_slice(path, on_error) for path in files)
        return
    with worker_pool(workers) as pool:
        pending: deque[Future[SliceColumns]] = deque()
        queued = iter(files)
        for path in queued:
            pending.append(pool.submit(parse_slice, path, on_error))
            if len(pending) > 2 * workers:
                break
        while pending:
            part = pending.popleft().result()
            next_path = next(queued, None)
            if next_path is not None:
                pending.append(pool.submit(parse_slice, next_path, on_error))
            yield part


def preprocess(
    mpd_dir: Path,
    out_dir: Path,
    on_error: str = "raise",
    progress: bool = True,
    workers: int | None = None,
) -> dict[str, Any]:
    """Turn a folder of MPD slices into ``playlists/tracks/items.parquet`` in `out_dir`; return the counts.

    The three files (schemas in docs/DESIGN.md) appear together only on success, each replaced atomically,
    and are byte-identical for the same input whatever `workers`. `on_error` is "raise" (stop at the first
    bad record with `MPDFormatError`) or "skip" (skip and count it). See the module docstring for the rules.
    """
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
    files = list_slices(Path(mpd_dir))
    out_dir = Path(out_dir)
    with ExitStack() as stack:
        paths = {name: stack.enter_context(atomic_path(out_dir / f"{name}.parquet")) for name in _ROWS_PER_GROUP}
        assembler = _Assembler(paths, on_error)
        bar = stack.enter_context(tqdm(total=len(files), unit="slice", disable=not progress, desc="preprocess"))
        parts = stack.enter_context(closing(_parsed_slices(files, on_error, workers or worker_count(PARSER_LIMIT))))
        for part in parts:
            assembler.add(part)
            bar.update()
        assembler.close()
        return assembler.report(on_error)
