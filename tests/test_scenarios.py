"""Scenario construction on three hand-built test playlists."""

import numpy as np
import pandas as pd

from playlistrec.scenarios import SCENARIOS, Scenario, build_scenario, build_scenarios

N_TRACKS = 20
PLAYLISTS = pd.DataFrame({"pid": [12, 10, 11], "title": ["short", "long one", "pair"]})
TRACKS = {10: [7, 3, 9, 1, 4, 8], 11: [2, 5], 12: [6]}
ITEMS = pd.DataFrame(
    [(pid, pos, t) for pid, tracks in TRACKS.items() for pos, t in enumerate(tracks)],
    columns=["pid", "pos", "track_id"],
).sample(frac=1.0, random_state=0)  # shuffled: order must come from pos, not from the rows


def rows(matrix) -> list[list[int]]:
    return [sorted(matrix[i].indices.tolist()) for i in range(matrix.shape[0])]


def test_the_ten_challenge_scenarios():
    assert [(s.n_seeds, s.with_title, s.random_seeds) for s in SCENARIOS] == [
        (0, True, False), (1, True, False), (5, True, False), (5, False, False), (10, True, False),
        (10, False, False), (25, True, False), (25, True, True), (100, True, False), (100, True, True),
    ]  # fmt: skip


def test_first_seeds_and_held_out_rest_only_for_longer_playlists():
    built = build_scenario(PLAYLISTS, ITEMS, N_TRACKS, Scenario("t1", 1), seed=0)
    # playlist 12 has 1 track: not MORE than the 1 given, left out.
    assert built.pids.tolist() == [10, 11]
    assert built.queries.titles == ["long one", "pair"]
    assert rows(built.queries.seeds) == [[7], [2]]
    assert rows(built.truth) == [[1, 3, 4, 8, 9], [5]]


def test_title_only_and_hidden_title():
    title_only = build_scenario(PLAYLISTS, ITEMS, N_TRACKS, Scenario("t0", 0), seed=0)
    assert title_only.pids.tolist() == [10, 11, 12] and title_only.queries.n_seeds.tolist() == [0, 0, 0]
    assert rows(title_only.truth)[2] == [6]
    hidden = build_scenario(PLAYLISTS, ITEMS, N_TRACKS, Scenario("n5", 5, with_title=False), seed=0)
    assert hidden.pids.tolist() == [10] and hidden.queries.titles == [""]
    assert hidden.titles.tolist() == ["long one"]  # kept for bucketing
    assert rows(hidden.queries.seeds) == [[1, 3, 4, 7, 9]] and rows(hidden.truth) == [[8]]


def test_random_seeds_are_seeded_and_partition_the_playlist():
    scenario = Scenario("r3", 3, random_seeds=True)
    first = build_scenario(PLAYLISTS, ITEMS, N_TRACKS, scenario, seed=1)
    again = build_scenario(PLAYLISTS, ITEMS, N_TRACKS, scenario, seed=1)
    assert rows(first.queries.seeds) == rows(again.queries.seeds)
    seeds, truth = rows(first.queries.seeds)[0], rows(first.truth)[0]
    assert len(seeds) == 3 and sorted(seeds + truth) == sorted(TRACKS[10])
    draws = {tuple(rows(build_scenario(PLAYLISTS, ITEMS, N_TRACKS, scenario, s).queries.seeds)[0]) for s in range(8)}
    assert len(draws) > 1  # the draw depends on the seed


def test_build_scenarios_counts():
    built = build_scenarios(PLAYLISTS, ITEMS, N_TRACKS, seed=0)
    assert [len(b.pids) for b in built] == [3, 2, 1, 1, 0, 0, 0, 0, 0, 0]
    assert all(np.all(b.truth.multiply(b.queries.seeds).sum() == 0) for b in built)
