"""The challenge submission format on a tiny challenge set and a 600-track catalogue."""

import gzip
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playlistrec.mpd import ChallengeQuery, read_challenge_set
from playlistrec.recommenders.data import Catalogue, TrainSet
from playlistrec.recommenders.popularity import PopularityRecommender
from playlistrec.submission import N_RECOMMENDATIONS, check_team_info, validate_submission, write_submission

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


@pytest.fixture(scope="module")
def challenge_queries(model, tmp_path_factory):
    """Three challenge queries and the bytes of their valid submission."""
    queries = [ChallengeQuery(pid, "", (uri(pid),), 10) for pid in (3, 4, 5)]
    out = tmp_path_factory.mktemp("valid") / "sub.csv"
    write_submission(model, queries, out, "team", "e@x")
    return queries, out.read_bytes()


@pytest.mark.parametrize("name", ["submission.csv", "submission.csv.gz"])
def test_submission_format(tmp_path, model, challenge, name):
    out = tmp_path / name
    assert write_submission(model, read_challenge_set(challenge), out, "my team", "team@example.com") == 3
    opener = gzip.open if name.endswith(".gz") else open
    with opener(out, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "team_info,my team,team@example.com"
    rows = {int(line.split(",")[0]): line.split(",")[1:] for line in lines[1:]}
    assert set(rows) == {1000, 1001, 1002}
    assert all(len(set(r)) == len(r) == N_RECOMMENDATIONS for r in rows.values())
    assert rows[1000][:3] == [uri(0), uri(1), uri(2)]
    assert uri(0) not in rows[1001] and uri(2) not in rows[1001] and rows[1001][0] == uri(1)
    assert validate_submission(out, read_challenge_set(challenge)) == ("my team", "team@example.com")


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


@pytest.fixture()
def submit(tmp_path, model, monkeypatch):
    """`playlistrec submit` over the 600-track model: returns (exit status, stderr) and the models it loaded."""
    from playlistrec import service
    from playlistrec.cli import main

    tracks = model.catalogue_.tracks.assign(track_name="t", artist_name="a")
    (tmp_path / "data" / "preprocessed").mkdir(parents=True)
    tracks.to_parquet(tmp_path / "data" / "preprocessed" / "tracks.parquet")
    loaded = []
    monkeypatch.setattr(service, "pipeline_loader", lambda root, names, *_: loaded.append(names) or {"popular": model})

    def run(challenge_path, out, *options):
        argv = ["submit", str(challenge_path), "-o", str(out), "--model", "popular", "--root", str(tmp_path)]
        status = main([*argv, *options])
        return status, loaded

    return run


def test_submit_to_an_existing_folder_fails_before_loading_and_deletes_nothing(
    tmp_path, challenge, submit, capsys, monkeypatch
):
    """The original failure: the folder and everything in it was deleted, the CSV put in its place, exit 0."""
    mine = tmp_path / "mine"
    (mine / "sub").mkdir(parents=True)
    (mine / "sub" / "work.txt").write_text("keep")
    status, loaded = submit(challenge, mine)
    err = capsys.readouterr().err
    assert status == 2
    assert err == f"playlistrec: error: {mine}: is an existing folder; give a file name (a folder is never replaced)\n"
    assert loaded == [] and (mine / "sub" / "work.txt").read_text() == "keep"
    monkeypatch.chdir(mine)
    status, _ = submit(challenge, ".")
    assert status == 2 and capsys.readouterr().err.count("\n") == 1
    assert sorted(p.name for p in mine.rglob("*")) == ["sub", "work.txt"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--email", "me@example.org\nteam_info,x,y", "email must not contain '\\n' (U+000A)"),
        ("--team", "a\u2028b", "team name must not contain '\\u2028' (U+2028)"),
        ("--team", "a,b", "team name must not contain ','"),
        ("--team", "caf\udce9", "team name must not contain '\\udce9' (U+DCE9)"),  # undecodable argv byte
        ("--email", " me@example.org", "email must not start or end with spaces"),
    ],
)
def test_submit_refuses_team_info_that_breaks_the_header(tmp_path, challenge, submit, capsys, option, value, message):
    """The original failure: a newline in --email was accepted and broke the header; the file stayed."""
    status, loaded = submit(challenge, tmp_path / "sub.csv", option, value)
    err = capsys.readouterr().err
    assert status == 2 and err.startswith(f"playlistrec: error: {message}") and err.count("\n") == 1
    assert loaded == [] and not (tmp_path / "sub.csv").exists()


def test_submit_with_a_pid_listed_twice_writes_nothing(tmp_path, challenge, submit, capsys):
    doc = json.loads(challenge.read_text())
    doc["playlists"].append(doc["playlists"][0])
    challenge.write_text(json.dumps(doc))
    status, loaded = submit(challenge, tmp_path / "sub.csv")
    assert status == 2 and "pid 1000 is listed twice" in capsys.readouterr().err
    assert loaded == [] and not (tmp_path / "sub.csv").exists()


def test_a_submission_that_fails_its_check_never_replaces_the_output(tmp_path, model, challenge, monkeypatch):
    from playlistrec import submission

    out = tmp_path / "sub.csv"
    out.write_text("the previous submission\n")

    def refuse(path, queries):
        raise ValueError("pid 1000: recommends a seed track")

    monkeypatch.setattr(submission, "validate_submission", refuse)
    with pytest.raises(ValueError, match="seed track"):
        write_submission(model, read_challenge_set(challenge), out, "t", "e")
    assert out.read_text() == "the previous submission\n"
    assert [p.name for p in tmp_path.iterdir() if p.name != "challenge_set.json"] == ["sub.csv"]


CHALLENGES = st.lists(
    st.builds(
        ChallengeQuery,
        pid=st.integers(0, 2**40),
        name=st.text(max_size=20),
        seed_uris=st.lists(st.integers(0, N_TRACKS - 1), unique=True, max_size=4).map(lambda s: tuple(map(uri, s))),
        num_holdouts=st.just(10),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda query: query.pid,
)
TEAM_INFO = st.text(st.characters(exclude_categories=()), max_size=24)  # anything, lone surrogates included


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CHALLENGES, TEAM_INFO, TEAM_INFO, st.sampled_from(["sub.csv", "sub.csv.gz"]))
def test_submission_round_trip_or_a_refusal_that_writes_nothing(tmp_path_factory, model, challenge, team, email, name):
    out = tmp_path_factory.mktemp("submission") / name
    try:
        check_team_info(team, email)
    except ValueError:
        with pytest.raises(ValueError):
            write_submission(model, challenge, out, team, email)
        assert list(out.parent.iterdir()) == []
        return
    assert write_submission(model, challenge, out, team, email) == len(challenge)
    assert validate_submission(out, challenge) == (team, email)
    assert [p.name for p in out.parent.iterdir()] == [name]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 40_000), st.integers(0, 255)), min_size=1, max_size=4))
def test_a_damaged_submission_is_valid_or_a_value_error(tmp_path_factory, model, challenge_queries, damage):
    out = tmp_path_factory.mktemp("damaged") / "sub.csv"
    data = bytearray(challenge_queries[1])
    for where, byte in damage:
        data[where % len(data)] = byte
    out.write_bytes(bytes(data))
    try:
        validate_submission(out, challenge_queries[0])
    except ValueError as error:
        assert "\n" not in str(error)
