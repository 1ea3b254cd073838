"""The challenge submission format on a tiny challenge set and a 600-track catalogue."""

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from playlistrec.mpd import read_challenge_set
from playlistrec.recommenders.data import Catalogue, TrainSet
from playlistrec.recommenders.popularity import PopularityRecommender
from playlistrec.submission import N_RECOMMENDATIONS, validate_submission, write_submission

N_TRACKS = 600


def uri(i: int) -> str:
    return f"spotify:track:{i:022d}"


@pytest.fixture(scope="module")
def model() -> PopularityRecommender:
    tracks = pd.DataFrame(
        {"track_id": np.arange(N_TRACKS), "track_uri": [uri(i) for i in range(N_TRACKS)], "artist_id": 0}
    )
    items = pd.DataFrame({"pid": np.repeat([0, 1], 300), "track_id": np.arange(N_TRACKS)})
    items = pd.concat([items, pd.DataFrame({"pid": 1, "track_id": [0, 1, 2]})])  # 0-2: most popular
    train = TrainSet.from_frames(pd.DataFrame({"pid": [0, 1], "title": ["a", "b"]}), items, Catalogue(tracks))
    return PopularityRecommender().fit(train)


@pytest.fixture()
def challenge(tmp_path):
    playlists = [
        {"pid": 1000, "name": "Road trip", "num_holdouts": 10, "num_samples": 0, "tracks": []},
        {
            "pid": 1001,
            "num_holdouts": 5,
            "tracks": [{"track_uri": uri(0), "pos": 0}, {"track_uri": uri(2), "pos": 1}],
        },
        {"pid": 1002, "name": "x", "num_holdouts": 5, "tracks": [{"track_uri": "spotify:track:" + "Z" * 22}]},
    ]
    path = tmp_path / "challenge_set.json"
    path.write_text(json.dumps({"date": "2018-01-16", "version": "v1", "playlists": playlists}))
    return path


@pytest.mark.parametrize("name", ["submission.csv", "submission.csv.gz"])
def test_submission_format(tmp_path, model, challenge, name):
    out = tmp_path / name
    assert write_submission(model, challenge, out, "my team", "team@example.com") == 3
    opener = gzip.open if name.endswith(".gz") else open
    with opener(out, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "team_info,my team,team@example.com"
    rows = {int(line.split(",")[0]): line.split(",")[1:] for line in lines[1:]}
    assert set(rows) == {1000, 1001, 1002}
    assert all(len(set(r)) == len(r) == N_RECOMMENDATIONS for r in rows.values())
    assert rows[1000][:3] == [uri(0), uri(1), uri(2)]
    assert uri(0) not in rows[1001] and uri(2) not in rows[1001] and rows[1001][0] == uri(1)
    validate_submission(out, read_challenge_set(challenge))


def test_validation_catches_seeds_short_lists_and_missing_pids(tmp_path, challenge):
    queries = read_challenge_set(challenge)
    good = [uri(i) for i in range(10, 510)]

    def check(lines, message):
        path = tmp_path / "bad.csv"
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(ValueError, match=message):
            validate_submission(path, queries)

    rows = [f"{pid}," + ",".join(good) for pid in (1000, 1001, 1002)]
    check(["team_info,main,t,e", *rows], "first line")
    check(["team_info,t,e", rows[0], f"1001,{uri(0)}," + ",".join(good[:-1]), rows[2]], "seed track")
    check(["team_info,t,e", rows[0], "1001," + ",".join(good[:-1]), rows[2]], "499 distinct")
    check(["team_info,t,e", *rows[:2]], "1 challenge pids missing, e.g. 1002")
