"""The realistic default against a real sample (bench/realism_reference.json), and the statistics' known answers."""

import json
from pathlib import Path

import numpy as np
import pytest

from playlistrec.realism import Playlists, _catalogue_shape, _playlist_shape, compare, realism_stats
from playlistrec.synth.generator import generate

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = json.loads((ROOT / "bench" / "realism_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def default_stats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """The statistics of the default dataset: the realistic profile at 7,071 playlists, seed 42."""
    out = tmp_path_factory.mktemp("realistic")
    generate(out, 7071, 42)
    return realism_stats(out / "mpd")


def test_the_realistic_default_lands_within_the_tolerances_of_the_real_sample(default_stats):
    rows = compare(default_stats, REFERENCE["stats"])
    checked = [row for row in rows if row.ok is not None]
    assert len(checked) == 14
    assert [(row.name, round(row.value, 3), row.target) for row in checked if not row.ok] == []


def test_the_clean_profile_is_far_from_real(tmp_path):
    generate(tmp_path, 1500, 42, profile="clean")
    rows = compare(realism_stats(tmp_path / "mpd"), REFERENCE["stats"])
    assert {"train_singleton_share", "test_near_seed"} <= {row.name for row in rows if row.ok is False}


def test_the_realistic_profile_is_deterministic_slice_by_slice(tmp_path):
    generate(tmp_path / "a", 700, 3, slice_size=300)
    generate(tmp_path / "b", 700, 3, slice_size=300)
    files = sorted((tmp_path / "a").rglob("*.*"))
    assert len(files) == 3 + 3
    assert all(f.read_bytes() == (tmp_path / "b" / f.relative_to(tmp_path / "a")).read_bytes() for f in files)


def test_playlist_and_catalogue_shapes_have_known_answers():
    # playlist 0: tracks 0 1 2 3 by artists a a a b; playlist 1: tracks 0 4 by artists a c
    data = Playlists(
        pids=np.array([0, 1]),
        titles=["x", "y"],
        offsets=np.array([0, 4, 6]),
        tracks=np.array([0, 1, 2, 3, 0, 4]),
        artists=np.array([0, 0, 0, 1, 0, 2]),
    )
    shape = _playlist_shape(data)
    assert shape["length_mean"] == 3.0
    assert shape["artists_per_playlist"] == 2.0
    assert shape["top_artist_share"] == pytest.approx((3 / 4 + 1 / 2) / 2)
    catalogue = _catalogue_shape(data, train_items=np.arange(4))  # playlist 0 alone in train
    assert catalogue["items_per_track"] == pytest.approx(6 / 5)
    assert catalogue["train_singleton_share"] == 1.0
    assert catalogue["top10_share"] == pytest.approx(2 / 6)  # the top track (0, held twice) of 5


def test_compare_applies_relative_and_absolute_tolerances():
    reference = {
        "a": {"real": 0.4, "label": "a", "tolerance": 0.25},
        "b": {"real": 0.0, "label": "b", "absolute": 0.02},
        "c": {"real": 98.6, "mpd": 66.0, "label": "c", "tolerance": 0.1, "against": "mpd"},
        "d": {"real": 7071, "label": "d"},
    }
    rows = compare({"a": 0.51, "b": 0.03, "c": 70.0, "d": 5.0}, reference)
    assert [row.ok for row in rows] == [False, False, True, None]
    assert rows[2].target == 66.0
