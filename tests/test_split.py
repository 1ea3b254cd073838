import numpy as np
import pandas as pd
import yaml
from test_architecture import ROOT

from playlistrec.split import hash_split, unit_hash


def test_shares_are_met_and_the_split_is_deterministic_for_a_seed():
    pids = np.arange(20_000)
    split = hash_split(pids, val_share=0.1, test_share=0.2, seed=1)
    shares = split["set"].value_counts(normalize=True)
    assert abs(shares["test"] - 0.2) < 0.01 and abs(shares["val"] - 0.1) < 0.01
    assert split["pid"].tolist() == pids.tolist()
    assert hash_split(pids, 0.1, 0.2, seed=1).equals(split)
    assert not hash_split(pids, 0.1, 0.2, seed=2)["set"].equals(split["set"])


def test_a_playlist_keeps_its_set_when_others_are_added_or_removed():
    everything = hash_split(np.arange(1_000, 3_000), 0.1, 0.1, seed=42).set_index("pid")["set"]
    some = hash_split(np.arange(2_000, 2_500)[::-1], 0.1, 0.1, seed=42).set_index("pid")["set"]
    pd.testing.assert_series_equal(some, everything.loc[some.index])


def test_the_hash_is_keyed_blake2b_of_the_pid_bytes_the_same_everywhere():
    # Pinned values: a change here moves playlists between train and test, and every committed metric with them.
    assert unit_hash(np.array([0, 1, 999_999]), 42).tolist() == [
        0.24878828904601524,
        0.04255040758611197,
        0.33516820011179943,
    ]


def upstream(stages: dict, name: str) -> set[str]:
    """The stages whose outputs `name` depends on, transitively."""
    produced = {
        next(iter(out)) if isinstance(out, dict) else out: stage
        for stage, spec in stages.items()
        for kind in ("outs", "metrics")
        for out in spec.get(kind, [])
    }
    found: set[str] = set()
    for dep in stages[name].get("deps", []):
        for path, stage in produced.items():
            if (dep == path or dep.startswith(path + "/")) and stage not in found:
                found |= {stage, *upstream(stages, stage)}
    return found


def test_the_split_depends_on_nothing_an_experiment_sweeps():
    """Two experiments with different k (or clustering, encoder, fine-tune, model params) have the same test pids:
    the split stage reads only the preprocessed playlists, `seed` and its own shares."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    assert "preprocess" in upstream(stages, "split") <= {"generate", "preprocess"}
    assert set(stages["split"]["params"]) == {"seed", "split"}
