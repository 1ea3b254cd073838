"""Recommendations for a challenge set, in the Spotify Million Playlist Dataset Challenge submission format.

The format (challenge README / AIcrowd rules): a CSV, gzipped for upload (``.csv.gz``); '#' comment lines
and blank lines are ignored; the first other line is ``team_info,<team name>,<contact email>`` (the 2018
RecSys edition had an extra ``main``/``creative`` track field after ``team_info``, dropped since); then one
line per challenge playlist, ``pid,<track uri 1>,...,<track uri 500>``: exactly 500 distinct track URIs, best
first, none of them a seed track of that playlist, and every challenge pid present.

Every input is checked before the (slow) recommending, and the file is checked against the challenge set
before it replaces anything: a submission that fails the check is never left on disk.
"""

from __future__ import annotations

import gzip
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from playlistrec.io import atomic_path, check_output_path
from playlistrec.mpd import ChallengeQuery, read_challenge_set
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries
from playlistrec.text import normalise_title

N_RECOMMENDATIONS = 500
# Characters that would break the one-line, comma-separated team_info header: controls (newline, tab...),
# line and paragraph separators, and lone surrogates (not encodable as UTF-8).
_HEADER_BREAKING = frozenset({"Cc", "Zl", "Zp", "Cs"})


def challenge_queries(challenge: Sequence[ChallengeQuery], model: Recommender) -> Queries:
    """The challenge playlists as queries: normalised titles, seeds mapped to track ids.

    A seed URI outside the model's catalogue cannot steer it (and can never be recommended), so it is
    left out of the query.
    """
    index = model.catalogue_.tracks["track_uri"]
    lookup = dict(zip(index, range(len(index)), strict=True))
    seeds = [[lookup[uri] for uri in q.seed_uris if uri in lookup] for q in challenge]
    return Queries.from_lists([normalise_title(q.name) for q in challenge], seeds, len(index))


def _open_text(path: Path, mode: str):
    """A text handle, gzip-compressed when the name ends in .gz."""
    return gzip.open(path, mode + "t", encoding="utf-8") if path.suffix == ".gz" else open(path, mode, encoding="utf-8")


def check_team_info(team: str, email: str) -> None:
    """Refuse a team name or email that cannot go into the team_info line as it is (ValueError saying why).

    A comma, a control character (a newline would start a new line), a line separator or a lone surrogate
    would break the line; spaces at either end would not survive a reader that strips fields.
    """
    for what, value in (("team name", team), ("email", email)):
        bad = next((c for c in value if c == "," or unicodedata.category(c) in _HEADER_BREAKING), None)
        if bad is not None:
            raise ValueError(f"{what} must not contain {bad!r} (U+{ord(bad):04X}): it would break the team_info line")
        if value != value.strip():
            raise ValueError(f"{what} must not start or end with spaces")


def prepare_submission(challenge_path: Path, out_path: Path, team: str, email: str) -> list[ChallengeQuery]:
    """Check every input that needs no model (team info, output path, challenge set); return the challenge set.

    Run before loading a model, so that a mistake is reported in a second, not after the recommending.
    """
    check_team_info(team, email)
    check_output_path(Path(out_path))
    return read_challenge_set(challenge_path)


def write_submission(
    model: Recommender,
    challenge: Sequence[ChallengeQuery],
    out_path: Path,
    team: str,
    email: str,
    chunk_size: int = 256,
) -> int:
    """Recommend 500 tracks for every challenge playlist and write the submission; returns the count.

    The file is written to a temporary path and validated there (`validate_submission`) before it replaces
    `out_path`. Raises ValueError for bad team info or when the catalogue cannot fill 500 distinct non-seed
    tracks for a playlist, IsADirectoryError when `out_path` is a folder (nothing is removed).
    """
    out_path = Path(out_path)
    check_team_info(team, email)
    check_output_path(out_path)
    recs = model.recommend_batch(challenge_queries(challenge, model), N_RECOMMENDATIONS, chunk_size)
    if (recs < 0).any():
        raise ValueError(f"the catalogue has too few tracks for {N_RECOMMENDATIONS} recommendations per playlist")
    uris = model.catalogue_.tracks["track_uri"].to_numpy()[recs]
    with atomic_path(out_path) as tmp:
        with _open_text(tmp, "w") as handle:
            handle.write(f"team_info,{team},{email}\n")
            for query, row in zip(challenge, uris, strict=True):
                handle.write(f"{query.pid}," + ",".join(row) + "\n")
        validate_submission(tmp, challenge)
    return len(challenge)


def validate_submission(path: Path, challenge: Sequence[ChallengeQuery]) -> tuple[str, str]:
    """Check a submission against its challenge set; return its (team name, email).

    Raises ValueError naming the first problem.
    """
    with _open_text(Path(path), "r") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    header = [field.strip() for field in lines[0].split(",")] if lines else []
    if len(header) != 3 or header[0] != "team_info":
        raise ValueError("the first line must be 'team_info,<team name>,<contact email>'")
    seeds = {q.pid: set(q.seed_uris) for q in challenge}
    seen: set[int] = set()
    for number, line in enumerate(lines[1:], start=2):
        pid_text, *uris = (field.strip() for field in line.split(","))
        if not pid_text.isascii() or not pid_text.isdigit():
            raise ValueError(f"line {number}: the pid {pid_text[:20]!r} is not a pid (a non-negative integer)")
        pid = int(pid_text)
        if pid not in seeds or pid in seen:
            raise ValueError(f"pid {pid}: not in the challenge set, or listed twice")
        if len(uris) != N_RECOMMENDATIONS or len(set(uris)) != N_RECOMMENDATIONS:
            raise ValueError(f"pid {pid}: {len(set(uris))} distinct tracks, not {N_RECOMMENDATIONS}")
        if seeds[pid] & set(uris):
            raise ValueError(f"pid {pid}: recommends a seed track")
        seen.add(pid)
    missing = np.setdiff1d(list(seeds), list(seen))
    if missing.size:
        raise ValueError(f"{missing.size} challenge pids missing, e.g. {missing[0]}")
    return header[1], header[2]
