"""Tests of the synthetic MPD generator: file layout, validity, determinism, ground truth and title shape."""

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from playlistrec.synth.catalogue import catalogue_for
from playlistrec.synth.generator import generate, generate_slice
from playlistrec.synth.grammar import could_be_title, typed_queries
from playlistrec.synth.vocabulary import THEMES
from playlistrec.text import normalise_title

N, SEED = 2500, 7
URI = {kind: re.compile(rf"^spotify:{kind}:[0-9A-Za-z]{{22}}$") for kind in ("track", "artist", "album")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[dict]]:
    """One small clean-profile dataset (2.5 slices) shared by the tests: (folder, stats, playlists in pid order)."""
    out = tmp_path_factory.mktemp("synth")
    stats = generate(out, N, SEED, profile="clean")
    playlists = []
    for path in sorted((out / "mpd").glob("*.json"), key=lambda p: int(p.name.split(".")[2].split("-")[0])):
        playlists += json.loads(path.read_text(encoding="utf-8"))["playlists"]
    return out, stats, playlists


def _all_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_slice_files_are_named_like_the_mpd_and_pids_are_contiguous(generated):
    out, _, playlists = generated
    names = sorted(p.name for p in (out / "mpd").iterdir())
    assert names == ["mpd.slice.0-999.json", "mpd.slice.1000-1999.json", "mpd.slice.2000-2499.json"]
    info = json.loads((out / "mpd" / "mpd.slice.2000-2499.json").read_text())["info"]
    assert info["slice"] == "2000-2499"
    assert [p["pid"] for p in playlists] == list(range(N))


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    generate(tmp_path / "a", 1200, 3, slice_size=500, profile="clean")
    generate(tmp_path / "b", 1200, 3, slice_size=500, profile="clean")
    generate(tmp_path / "c", 1200, 4, slice_size=500, profile="clean")
    a, b, c = (_all_bytes(tmp_path / x) for x in "abc")
    assert len(a) == 3 + 3  # 3 slices + 3 truth files
    assert a == b
    assert a["mpd/mpd.slice.0-499.json"] != c["mpd/mpd.slice.0-499.json"]


def test_a_slice_generated_on_its_own_equals_the_file(generated):
    out, _, _ = generated
    alone = generate_slice(SEED, catalogue_for(N), N, 1000, 1000, "clean").text
    assert alone == (out / "mpd" / "mpd.slice.1000-1999.json").read_text(encoding="utf-8")


def test_records_are_valid_mpd(generated):
    _, _, playlists = generated
    for p in playlists:
        tracks = p["tracks"]
        assert p["collaborative"] == "false"
        assert 5 <= p["num_tracks"] == len(tracks) <= 250
        assert [t["pos"] for t in tracks] == list(range(len(tracks)))
        assert len({t["track_uri"] for t in tracks}) == len(tracks)
        assert p["num_artists"] == len({t["artist_uri"] for t in tracks})
        assert p["num_albums"] == len({t["album_uri"] for t in tracks})
        assert p["duration_ms"] == sum(t["duration_ms"] for t in tracks)
        assert p["name"].strip()
    items = [t for p in playlists for t in p["tracks"]]
    for kind in URI:
        assert all(URI[kind].match(t[f"{kind}_uri"]) for t in items)
    for field in ("track_name", "artist_name", "album_name"):  # plain text, written without JSON escaping
        assert all(re.fullmatch(r"[A-Z][\w&'.()\- ]*", t[field]) for t in items)


def test_a_uri_always_has_the_same_names_across_slices(generated):
    _, _, playlists = generated
    seen: dict[str, tuple] = {}
    for t in (t for p in playlists for t in p["tracks"]):
        names = (t["track_name"], t["artist_uri"], t["artist_name"], t["album_uri"], t["album_name"])
        assert seen.setdefault(t["track_uri"], names) == names
    artists: dict[str, str] = {}
    for t in (t for p in playlists for t in p["tracks"]):
        assert artists.setdefault(t["artist_uri"], t["artist_name"]) == t["artist_name"]


def test_ground_truth_is_consistent_with_the_slices(generated):
    out, stats, playlists = generated
    truth = pd.read_parquet(out / "truth" / "playlists.parquet")
    assert truth["pid"].tolist() == list(range(N))
    assert str(truth["pid"].dtype) == "int64"
    theme_names = {t.name for t in THEMES}
    assert set(truth["primary_theme"]) <= theme_names
    assert all(themes[0] == primary for themes, primary in zip(truth["themes"], truth["primary_theme"], strict=True))
    tracks = pd.read_parquet(out / "truth" / "tracks.parquet")
    used = {t["track_uri"] for p in playlists for t in p["tracks"]}
    assert tracks["track_uri"].is_unique
    assert set(tracks["track_uri"]) == used
    assert set(tracks["theme"]) <= theme_names
    assert stats["unique_tracks"] == len(used)
    assert stats["items"] == sum(p["num_tracks"] for p in playlists)
    assert stats["unique_artists"] == len({t["artist_uri"] for p in playlists for t in p["tracks"]})


def test_tracks_mostly_come_from_the_playlists_themes(generated):
    out, _, playlists = generated
    track_theme = dict(pd.read_parquet(out / "truth" / "tracks.parquet").itertuples(index=False))
    truth = pd.read_parquet(out / "truth" / "playlists.parquet")
    on_theme = [
        np.mean([track_theme[t["track_uri"]] in themes for t in p["tracks"]])
        for p, themes in zip(playlists, truth["themes"], strict=True)
    ]
    assert 0.9 < np.mean(on_theme) < 0.99  # ~4% stray tracks (some land on the theme anyway)


def test_mixed_theme_share_is_in_range(generated):
    out, stats, _ = generated
    truth = pd.read_parquet(out / "truth" / "playlists.parquet")
    mixed = float((truth["themes"].map(len) == 2).mean())
    assert 0.08 < mixed < 0.16
    assert stats["mixed_share"] == pytest.approx(mixed, abs=1e-4)


def test_titles_have_a_head_and_a_rare_tail(generated):
    _, stats, playlists = generated
    counts = Counter(normalise_title(p["name"]) for p in playlists)
    top_title, top_count = counts.most_common(1)[0]
    assert top_title in {"country", "rap", "workout", "chill"}
    assert top_count / N >= 0.015
    rare = sum(c for c in counts.values() if c <= 2) / N
    assert rare >= 0.08
    assert stats["unique_titles"] == len(counts)
    assert stats["unique_names"] == len({p["name"] for p in playlists})
    assert stats["title_share_1_9"] == pytest.approx(sum(c for c in counts.values() if c <= 9) / N, abs=1e-4)


def test_typed_queries_never_occur_as_titles(generated):
    out, _, playlists = generated
    queries = pd.read_parquet(out / "truth" / "queries.parquet")
    assert list(queries.columns) == ["query", "theme", "kind"]
    assert set(queries["kind"]) == {"synonym", "paraphrase", "typo", "emoji", "combo"}
    per_theme = queries["theme"].value_counts()
    assert set(per_theme.index) == {t.name for t in THEMES}
    assert per_theme.between(5, 10).all()
    titles = {normalise_title(p["name"]) for p in playlists}
    assert not {normalise_title(q) for q in queries["query"]} & titles
    assert len(typed_queries()) == len(queries)


def test_catalogue_grows_with_the_dataset():
    small, full = catalogue_for(20_000), catalogue_for(1_000_000)
    assert int(small.track_offsets[-1]) == pytest.approx(25_000, rel=0.05)
    assert int(full.track_offsets[-1]) == pytest.approx(2_300_000, rel=0.05)
    assert 250_000 < int(full.artist_offsets[-1]) < 350_000


def test_the_title_grammar_check_recognises_every_generated_title(generated):
    _, _, playlists = generated
    assert all(could_be_title(p["name"]) for p in playlists)
    assert not any(could_be_title(query) for query, _, _ in typed_queries())
    assert could_be_title("My Gym Vibes 💪") and could_be_title("Country & Rap!!")
    assert not could_be_title("gym lift")  # two keywords of one theme: never a title
