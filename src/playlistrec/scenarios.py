"""Challenge-style queries from the TEST split, the ten categories of the RecSys Challenge 2018.

Each test playlist is turned into a query per scenario: its title (or none) plus its first k tracks (or
k tracks drawn at random, seeded), the held-out tracks being the rest of the playlist. As in the
challenge, a playlist enters a scenario only if it has MORE tracks than the scenario gives, so there is
always something to find.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from playlistrec.recommenders.data import Queries, playlist_track_matrix


@dataclass(frozen=True)
class Scenario:
    """How much of a playlist a query reveals: `n_seeds` tracks (first or random) and the title or not."""

    name: str
    n_seeds: int
    with_title: bool = True
    random_seeds: bool = False


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("title_only", 0),
    Scenario("title_first1", 1),
    Scenario("title_first5", 5),
    Scenario("first5_no_title", 5, with_title=False),
    Scenario("title_first10", 10),
    Scenario("first10_no_title", 10, with_title=False),
    Scenario("title_first25", 25),
    Scenario("title_random25", 25, random_seeds=True),
    Scenario("title_first100", 100),
    Scenario("title_random100", 100, random_seeds=True),
)


@dataclass(frozen=True)
class ScenarioQueries:
    """One scenario's queries: `pids` and full normalised `titles` (for bucketing even when the query
    hides the title), the `queries` themselves and `truth`, the binary query x track held-out matrix."""

    scenario: Scenario
    pids: np.ndarray
    titles: np.ndarray
    queries: Queries
    truth: sp.csr_matrix


def _seed_rank(items: pd.DataFrame, scenario: Scenario, seed: int) -> np.ndarray:
    """Per item, its rank within its playlist in the order seeds are taken (position, or seeded random).

    The random stream is keyed on the scenario's name, so a scenario's draw does not depend on which
    other scenarios are built or in what order.
    """
    if not scenario.random_seeds:
        return items.groupby("pid", sort=False).cumcount().to_numpy()
    rng = np.random.default_rng([seed, zlib.crc32(scenario.name.encode())])
    keyed = items.assign(_key=rng.random(len(items)))
    return keyed.sort_values(["pid", "_key"]).groupby("pid", sort=False).cumcount().reindex(keyed.index).to_numpy()


def build_scenario(
    playlists: pd.DataFrame, items: pd.DataFrame, n_tracks: int, scenario: Scenario, seed: int
) -> ScenarioQueries:
    """Queries of one scenario from test `playlists` (pid, title) and their `items` (pid, pos, track_id).

    Held-out tracks exclude the seeds (a track cannot be recommended twice); a playlist left with no
    held-out track is dropped.
    """
    items = items.sort_values(["pid", "pos"], kind="stable").reset_index(drop=True)
    rank = _seed_rank(items, scenario, seed)
    length = items.groupby("pid")["track_id"].size()
    eligible = playlists[playlists["pid"].map(length).fillna(0).to_numpy() > scenario.n_seeds]
    eligible = eligible.sort_values("pid").reset_index(drop=True)
    pids = eligible["pid"].to_numpy()
    row = pd.Index(pids).get_indexer(items["pid"])
    keep = row >= 0
    is_seed = rank < scenario.n_seeds
    track = items["track_id"].to_numpy()
    seeds = playlist_track_matrix(row[keep & is_seed], track[keep & is_seed], len(pids), n_tracks)
    truth = playlist_track_matrix(row[keep & ~is_seed], track[keep & ~is_seed], len(pids), n_tracks)
    truth = (truth - truth.multiply(seeds)).tocsr()
    truth.eliminate_zeros()
    has_truth = np.diff(truth.indptr) > 0
    titles = eligible["title"].to_numpy(dtype=object)
    shown = titles if scenario.with_title else np.full(len(titles), "", dtype=object)
    return ScenarioQueries(
        scenario,
        pids[has_truth],
        titles[has_truth],
        Queries(list(shown[has_truth]), seeds[has_truth]),
        truth[has_truth],
    )


def build_scenarios(
    playlists: pd.DataFrame,
    items: pd.DataFrame,
    n_tracks: int,
    seed: int,
    scenarios: tuple[Scenario, ...] = SCENARIOS,
) -> list[ScenarioQueries]:
    """Every scenario's queries from the same test playlists."""
    return [build_scenario(playlists, items, n_tracks, scenario, seed) for scenario in scenarios]
