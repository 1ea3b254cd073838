"""The `playlistrec` command line: messages and exit codes, `--json`, tables, lazy imports and `stats`.

`recommend` runs over a tiny tracks.parquet written here and a catalogue-order model (the pipeline loader is
replaced); the end-to-end run over real pipeline outputs lives with the pipeline tests.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from test_web import catalogue, catalogue_order_model, exact_title_model, uri

from playlistrec import service
from playlistrec.cli import main

MISSING = "playlistrec: error: no pipeline artefacts in {root} (missing data/preprocessed/tracks.parquet); "
MISSING += "run `dvc repro` first\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with data/preprocessed/tracks.parquet, and a catalogue-order model in place of the pipeline's."""
    (tmp_path / "data" / "preprocessed").mkdir(parents=True)
    tracks = catalogue()
    tracks.to_parquet(tmp_path / "data" / "preprocessed" / "tracks.parquet")
    model = catalogue_order_model(tracks)
    monkeypatch.setattr(service, "pipeline_loader", lambda root, names, *_: dict.fromkeys(names or ["blend"], model))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `playlistrec argv...`."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_missing_artefacts_is_one_line_and_exit_2(tmp_path, capsys):
    assert run(capsys, "recommend", "summer vibes", "--root", str(tmp_path)) == (
        2,
        "",
        MISSING.format(root=tmp_path),
    )


def test_missing_later_artefact_names_it(root, capsys, monkeypatch):
    monkeypatch.undo()  # the real pipeline loader: tracks.parquet is there, the split is not
    status, out, err = run(capsys, "recommend", "summer vibes", "--model", "popular", "--root", str(root))
    assert (status, out) == (2, "")
    assert err.startswith("playlistrec: error: missing pipeline artefact (") and "split.parquet" in err
    assert err.endswith("); run `dvc repro` first\n") and err.count("\n") == 1


def test_unknown_model_lists_the_choices(root, capsys, monkeypatch):
    monkeypatch.undo()  # the real loader checks the name before reading anything
    status, _, err = run(capsys, "recommend", "summer vibes", "--model", "nonsense", "--root", str(root))
    assert status == 2
    assert err == (
        "playlistrec: error: unknown model 'nonsense'; choose one of: popular, exact_title, report, "
        "title_pretrained, title_finetuned, title_cf, blend, rp3beta, artists, als, ranked\n"
    )


def test_empty_title_without_seeds(root, capsys):
    expected = "playlistrec: error: give a playlist title or at least one seed track\n"
    assert run(capsys, "recommend", "", "--root", str(root)) == (2, "", expected)
    assert run(capsys, "recommend", "   ", "--root", str(root)) == (2, "", expected)


def test_unknown_seed_names_the_uri(root, capsys):
    bad = "spotify:track:" + "Z" * 22
    status, out, err = run(capsys, "recommend", "x", "--seed", uri(1), "--seed", bad, "--root", str(root))
    assert (status, out) == (2, "")
    assert err == f"playlistrec: error: unknown seed track URI: '{bad}' (not in the catalogue)\n"


def test_bad_n_is_a_usage_error(root, capsys):
    status, _, err = run(capsys, "recommend", "x", "-n", "0", "--root", str(root))
    assert status == 2 and err == "playlistrec: error: n must be between 1 and 500, not 0\n"


def test_json_output_shape(root, capsys):
    status, out, err = run(
        capsys, "recommend", "summer vibes", "--seed", uri(0), "-n", "2", "--json", "--root", str(root)
    )
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "title": "summer vibes",
        "seeds": [uri(0)],
        "model": "blend",
        "fallback": None,
        "tracks": [
            {
                "rank": 1,
                "track_uri": uri(1),
                "track_name": "Summer Breeze",
                "artist_name": "The Waves",
                "url": "https://open.spotify.com/track/" + "1".zfill(22),
            },
            {
                "rank": 2,
                "track_uri": uri(2),
                "track_name": "Rainy Sunday",
                "artist_name": "Cloud & Co",
                "url": "https://open.spotify.com/track/" + "2".zfill(22),
            },
        ],
    }


def test_table_output(root, capsys):
    status, out, _ = run(capsys, "recommend", "summer vibes", "-n", "3", "--model", "popular", "--root", str(root))
    assert status == 0
    assert out.splitlines() == [
        'popular: 3 tracks for "summer vibes"',
        "#  track                         artist      uri",
        "-  ----------------------------  ----------  ------------------------------------",
        f"1  <img src=x onerror=alert(1)>  Mallory     {uri(0)}",
        f"2  Summer Breeze                 The Waves   {uri(1)}",
        f"3  Rainy Sunday                  Cloud & Co  {uri(2)}",
    ]


def test_table_says_when_popularity_answered_instead_of_the_model(tmp_path, capsys, monkeypatch):
    (tmp_path / "data" / "preprocessed").mkdir(parents=True)
    tracks = catalogue()
    tracks.to_parquet(tmp_path / "data" / "preprocessed" / "tracks.parquet")
    monkeypatch.setattr(service, "pipeline_loader", lambda root, names, *_: {"exact_title": exact_title_model(tracks)})
    exact = ("--model", "exact_title", "--root", str(tmp_path))
    status, out, _ = run(capsys, "recommend", "summer vibes", "-n", "2", *exact)
    assert status == 0
    assert out.splitlines()[:2] == [
        'exact_title: 2 tracks for "summer vibes"',
        "note: popularity: no training title matches",
    ]
    status, out, _ = run(capsys, "recommend", "", "--seed", uri(0), "--json", *exact)
    assert json.loads(out)["fallback"] == "popularity: the model reads the title only, and the query has none"


def test_help_names_every_model_and_version_prints_it(capsys):
    from playlistrec.recommenders.registry import MODELS

    for argv in ([], ["recommend"], ["submit"]):
        with pytest.raises(SystemExit) as done:
            main([*argv, "--help"])
        assert done.value.code == 0 and ", ".join(MODELS) in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("playlistrec 0.")


def test_cold_start_imports_no_heavy_modules(tmp_path):
    """`recommend` reaches its first answer (here: the missing-artefacts error) without torch or fastapi."""
    code = (
        "import sys; from playlistrec.cli import main; main(['recommend', 'x', '--root', sys.argv[1]]); "
        "heavy = {'torch', 'transformers', 'sentence_transformers', 'fastapi', 'uvicorn'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def write_slice(folder: Path, first_pid: int, playlists: list[tuple[str, list[int]]]) -> None:
    """An MPD slice file of (name, track numbers) playlists; track k is by artist k % 3."""
    docs = [
        {
            "pid": first_pid + i,
            "name": name,
            "num_tracks": len(track_numbers),
            "tracks": [
                {
                    "pos": pos,
                    "track_uri": uri(k),
                    "track_name": f"Track {k}",
                    "artist_name": f"Artist {k % 3}",
                    "artist_uri": f"spotify:artist:{k % 3:022d}",
                }
                for pos, k in enumerate(track_numbers)
            ],
        }
        for i, (name, track_numbers) in enumerate(playlists)
    ]
    last = first_pid + len(docs) - 1
    (folder / f"mpd.slice.{first_pid}-{last}.json").write_text(json.dumps({"playlists": docs}), encoding="utf-8")


def test_stats_of_a_folder_of_slices(tmp_path, capsys):
    write_slice(tmp_path, 0, [("Summer!", [1, 2, 3]), ("summer", [2, 3, 4, 5, 6])])
    write_slice(tmp_path, 2, [("Gym 💪", [7, 1]), ("Summer!", [1, 2, 3, 8])])
    status, out, _ = run(capsys, "stats", str(tmp_path), "--json")
    assert status == 0
    result = json.loads(out)
    assert result["stats"] == {
        "playlists": 4,
        "items": 14,
        "unique tracks": 8,
        "unique artists": 3,
        "unique titles": 3,
        "unique normalised titles": 2,  # "Summer!" and "summer" are one
        "mean length": 3.5,
        "min length": 2,
        "p10 length": 2.3,
        "p25 length": 2.75,
        "median length": 3.5,
        "p75 length": 4.25,
        "p90 length": 4.7,
        "max length": 5,
    }
    assert result["mpd"]["unique normalised titles"] == 17_381
    status, out, _ = run(capsys, "stats", str(tmp_path))
    lines = out.splitlines()
    assert lines[0] == f"MPD slices in {tmp_path}"
    assert lines[2].split() == ["statistic", "this", "folder", "real", "MPD"]
    assert lines[4].split() == ["playlists", "4", "1,000,000"]
    assert "17,381" in out and "66.35" in out


def test_stats_of_a_missing_folder(tmp_path, capsys):
    status, _, err = run(capsys, "stats", str(tmp_path / "nope"))
    assert status == 2 and err == f"playlistrec: error: {tmp_path / 'nope'}: no such folder\n"


def test_submit_writes_a_valid_submission(tmp_path, capsys, monkeypatch):
    """`submit` over a real PopularityRecommender fitted on a 510-track catalogue (500 needed + seeds)."""
    import pandas as pd

    from playlistrec.recommenders.data import Catalogue, TrainSet
    from playlistrec.recommenders.popularity import PopularityRecommender

    tracks = pd.DataFrame(
        {
            "track_id": range(510),
            "track_uri": [uri(i) for i in range(510)],
            "track_name": "t",
            "artist_name": "a",
        }
    )
    (tmp_path / "data" / "preprocessed").mkdir(parents=True)
    tracks.to_parquet(tmp_path / "data" / "preprocessed" / "tracks.parquet")
    playlists = pd.DataFrame({"pid": [0, 1], "title": ["a", "b"]})
    items = pd.DataFrame({"pid": [0, 0, 1], "track_id": [5, 6, 6]})
    model = PopularityRecommender().fit(TrainSet.from_frames(playlists, items, Catalogue(tracks)))
    monkeypatch.setattr(service, "pipeline_loader", lambda root, names, *_: {"popular": model})
    challenge = {
        "playlists": [
            {"pid": 7, "name": "gym", "num_holdouts": 10, "tracks": [{"track_uri": uri(6)}]},
            {"pid": 9, "num_holdouts": 10, "tracks": []},
        ]
    }
    (tmp_path / "challenge.json").write_text(json.dumps(challenge), encoding="utf-8")
    out = tmp_path / "sub.csv"
    argv = ["submit", str(tmp_path / "challenge.json"), "-o", str(out), "--model", "popular"]
    status, stdout, _ = run(capsys, *argv, "--email", "me@example.org", "--root", str(tmp_path))
    assert status == 0 and stdout == f"playlistrec: wrote 2 playlists x 500 tracks (popular) to {out}\n"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "team_info,playlistrec,me@example.org"
    assert lines[1].split(",")[:3] == ["7", uri(5), uri(0)]  # seed 6 left out, then popularity order
    assert lines[2].split(",")[:3] == ["9", uri(6), uri(5)]
    status, _, err = run(capsys, *argv, "--team", "a,b", "--root", str(tmp_path))
    assert status == 2 and err.startswith("playlistrec: error: team name must not contain ','") and err.count("\n") == 1


def test_stats_counts_repeated_entries_as_items_but_not_in_lengths(tmp_path, capsys):
    write_slice(tmp_path, 0, [("mix", [1, 1, 2]), ("empty", [])])
    status, out, _ = run(capsys, "stats", str(tmp_path), "--json")
    stats = json.loads(out)["stats"]
    assert status == 0
    assert (stats["playlists"], stats["items"], stats["max length"]) == (1, 3, 2)  # the zero-track playlist is left out


def test_stats_of_a_damaged_slice_is_one_line(tmp_path, capsys):
    (tmp_path / "mpd.slice.0-999.json").write_text('{"playlists": [{"pid": 0, "name": "x", "tra')
    status, _, err = run(capsys, "stats", str(tmp_path))
    assert status == 2 and err.count("\n") == 1 and "mpd.slice.0-999.json" in err


def test_stats_of_a_slice_that_cannot_be_read_is_one_line(tmp_path, capsys):
    """The original failures: an OSError traceback (unreadable slice); a broken link passed over silently."""
    write_slice(tmp_path, 0, [("mix", [1, 2])])
    (tmp_path / "mpd.slice.1000-1999.json").symlink_to(tmp_path / "moved-away.json")
    status, _, err = run(capsys, "stats", str(tmp_path))
    assert status == 2 and err == f"playlistrec: error: {tmp_path / 'mpd.slice.1000-1999.json'}: broken symbolic link\n"
    (tmp_path / "mpd.slice.1000-1999.json").unlink()
    (tmp_path / "mpd.slice.1000-1999.json").symlink_to(tmp_path / "mpd.slice.1000-1999.json")
    status, _, err = run(capsys, "stats", str(tmp_path))
    assert status == 2 and err.endswith("mpd.slice.1000-1999.json: cannot read (Too many levels of symbolic links)\n")


def test_a_title_that_is_not_utf8_is_one_line(root, capsys):
    """The original failure: `recommend $'caf\\xe9'` (argv decoded with surrogateescape) gave a TypeError
    traceback from the tokenizer of every encoder model."""
    status, out, err = run(capsys, "recommend", "caf\udce9", "--root", str(root))
    assert (status, out) == (2, "")
    assert err == "playlistrec: error: title is not valid UTF-8 text: 'caf\\udce9' (character 4)\n"


def truncate(path: Path) -> None:
    """Cut a file to half its length, as an interrupted copy would."""
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_a_truncated_parquet_file_under_root_is_one_line_naming_it(root, capsys, monkeypatch):
    """The original failure: an ArrowInvalid traceback."""
    truncate(root / "data" / "preprocessed" / "tracks.parquet")
    status, _, err = run(capsys, "recommend", "summer vibes", "--root", str(root))
    assert status == 2 and err == (
        f"playlistrec: error: {root / 'data/preprocessed/tracks.parquet'} is damaged: not a whole Parquet file; "
        "`dvc repro` rebuilds it\n"
    )
    monkeypatch.undo()  # the real loader checks every file the models read before loading any
    catalogue().to_parquet(root / "data" / "preprocessed" / "tracks.parquet")
    (root / "data" / "split").mkdir(parents=True)
    catalogue().to_parquet(root / "data" / "split" / "split.parquet")
    truncate(root / "data" / "split" / "split.parquet")
    status, _, err = run(capsys, "recommend", "summer vibes", "--model", "popular", "--root", str(root))
    assert status == 2 and err.count("\n") == 1 and "split/split.parquet is damaged: not a whole Parquet file" in err


@pytest.fixture
def loads(root, monkeypatch) -> list[object]:
    """The model loads `serve` asks for (none may happen before the port is known to be usable)."""
    calls: list[object] = []
    monkeypatch.setattr(service, "pipeline_loader", lambda root, names, *_: calls.append(names) or {})
    return calls


def test_serve_on_a_port_out_of_range_is_one_line_before_loading(root, capsys, loads):
    """The original failure: an OverflowError traceback after loading the models."""
    status, out, err = run(capsys, "serve", "--port", "70000", "--root", str(root))
    assert (status, out, loads) == (2, "", [])
    assert err == "playlistrec: error: --port must be between 0 and 65535, not 70000\n"


def test_serve_on_a_port_in_use_is_one_line_and_never_says_serving(root, capsys, loads):
    """The original failure: "serving ... on" was printed, then the server exited."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        status, out, err = run(capsys, "serve", "--port", str(port), "--root", str(root))
    assert (status, out, loads) == (2, "", [])
    assert err == f"playlistrec: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


@pytest.mark.parametrize(("options", "fit"), [((), "train"), (("--fit", "all"), "all")])
def test_recommend_fits_on_the_train_split_unless_told_all(root, capsys, monkeypatch, options, fit):
    fits, loader = [], service.pipeline_loader
    monkeypatch.setattr(service, "pipeline_loader", lambda root, names, how: fits.append(how) or loader(root, names))
    status, _, _ = run(capsys, "recommend", "summer vibes", "-n", "2", "--root", str(root), *options)
    assert status == 0 and fits == [fit]


def test_submit_fits_on_every_playlist_by_default_and_serve_on_train():
    from playlistrec.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["submit", "c.json", "-o", "s.csv"]).fit == "all"
    assert parser.parse_args(["serve"]).fit == "train"
    assert parser.parse_args(["submit", "c.json", "-o", "s.csv", "--fit", "train"]).fit == "train"
