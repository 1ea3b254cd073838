"""Recommendations for a challenge set, in the Spotify Million Playlist Dataset Challenge submission format.

The format (challenge README / AIcrowd rules): a CSV, gzipped for upload (``.csv.gz``); '#' comment lines
and blank lines are ignored; the first other line is ``team_info,<team name>,<contact email>`` (the 2018
RecSys edition had an extra ``main``/``creative`` track field after ``team_info``, dropped since); then one
line per challenge playlist, ``pid,<track uri 1>,...,<track uri 500>``: exactly 500 distinct track URIs, best
first, none of them a seed track of that playlist, and every challenge pid present.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from playlistrec.io import atomic_path
from playlistrec.mpd import ChallengeQuery, read_challenge_set
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries
from playlistrec.text import normalise_title

N_RECOMMENDATIONS = 500


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


def write_submission(
    model: Recommender, challenge_path: Path, out_path: Path, team: str, email: str, chunk_size: int = 256
) -> int:
    """Recommend 500 tracks for every playlist of a challenge set and write the submission; returns the count.

    Raises ValueError when the catalogue cannot fill 500 distinct non-seed tracks for a playlist.
    """
    if "," in team or "," in email:
        raise ValueError("team name and email must not contain commas")
    challenge = read_challenge_set(challenge_path)
    recs = model.recommend_batch(challenge_queries(challenge, model), N_RECOMMENDATIONS, chunk_size)
    if (recs < 0).any():
        raise ValueError(f"the catalogue has too few tracks for {N_RECOMMENDATIONS} recommendations per playlist")
    uris = model.catalogue_.tracks["track_uri"].to_numpy()[recs]
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp, _open_text(tmp, "w") as handle:
        handle.write(f"team_info,{team},{email}\n")
        for query, row in zip(challenge, uris, strict=True):
            handle.write(f"{query.pid}," + ",".join(row) + "\n")
    return len(challenge)


def validate_submission(path: Path, challenge: Sequence[ChallengeQuery]) -> None:
    """Check a submission against its challenge set; raises ValueError naming the first problem."""
    with _open_text(Path(path), "r") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    header = [field.strip() for field in lines[0].split(",")] if lines else []
    if len(header) != 3 or header[0] != "team_info":
        raise ValueError("the first line must be 'team_info,<team name>,<contact email>'")
    seeds = {q.pid: set(q.seed_uris) for q in challenge}
    seen: set[int] = set()
    for line in lines[1:]:
        pid_text, *uris = (field.strip() for field in line.split(","))
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
