"""End to end: the real `dvc repro` on tiny params in a temp git repo, then `dvc exp run -S k=...`."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TINY = {
    "k": 6,
    "generate": {"n_playlists": 600, "slice_size": 200},
    "cluster": {"sweep": [3, 6], "n_init": 1, "map_sample": 100},
    "finetune": {"epochs": 1, "max_titles": 300, "probe_titles": 50},
    "eval": {"llm": {"sample": 5}},
}


def deep_update(base: dict, update: dict) -> dict:
    """`base` with `update`'s leaves written over it."""
    for key, value in update.items():
        base[key] = deep_update(base.get(key, {}), value) if isinstance(value, dict) else value
    return base


def run(args: list[str], cwd: Path, env: dict) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def pipeline_repo(tmp_path_factory) -> tuple[Path, dict]:
    repo = tmp_path_factory.mktemp("repo")
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in tracked:
        if (ROOT / name).is_file() and not name.startswith(("metrics/", "dvc.lock")):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    params = deep_update(yaml.safe_load((ROOT / "params.yaml").read_text()), TINY)
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    env.pop("PYTHONPATH", None)
    for args in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "commit", "-qm", "tiny"],
        ["dvc", "config", "core.analytics", "false"],
        ["dvc", "repro"],
    ):
        run(args, repo, env)
    return repo, env


@pytest.mark.slow
def test_repro_writes_every_output_with_metrics_in_range(pipeline_repo):
    repo, env = pipeline_repo
    for path in [
        "data/preprocessed/items.parquet",
        "data/embeddings/playlist_vectors.npy",
        "data/clusters/assignments.parquet",
        "data/split/split.parquet",
        "models/finetuned/config.json",
        "data/titles/finetuned.npy",
        "metrics/plots/cluster_sweep.csv",
        "metrics/plots/finetune_loss.csv",
    ]:
        assert (repo / path).is_file(), path
    cluster = json.loads((repo / "metrics/cluster.json").read_text())
    assert cluster["k"] == 6 and 0.0 < cluster["kept_share"] <= 1.0
    assert 0.3 < cluster["theme_nmi"] <= 1.0
    finetune = json.loads((repo / "metrics/finetune.json").read_text())
    assert finetune["probe_mean_cosine"] < 0.999
    evaluation = json.loads((repo / "metrics/eval.json").read_text())
    assert {"popular", "exact_title", "report", "title_pretrained", "title_finetuned", "blend"} <= set(evaluation)
    assert evaluation["title_finetuned"] != evaluation["title_pretrained"]
    assert 0.0 < evaluation["popular"]["overall"]["ndcg"] < evaluation["blend"]["overall"]["ndcg"] <= 1.0
    status = run(["dvc", "status"], repo, env)
    assert "changed" not in status and "modified" not in status, status


@pytest.mark.slow
def test_exp_run_with_other_k_reruns_only_cluster_and_dependents(pipeline_repo):
    repo, env = pipeline_repo
    run(["git", "add", "-A"], repo, env)
    run(["git", "commit", "-qm", "repro"], repo, env)
    output = run(["dvc", "exp", "run", "-S", "k=3"], repo, env)
    for stage in ("generate", "preprocess", "embed_tracks"):
        assert f"Stage '{stage}' didn't change, skipping" in output
    assert "Running stage 'cluster'" in output and "Running stage 'eval'" in output
    diff = run(["dvc", "metrics", "diff", "--md"], repo, env)
    assert "metrics/cluster.json" in diff and "k" in diff


@pytest.mark.slow
def test_cli_recommends_from_the_pipeline_artefacts(pipeline_repo, capsys):
    import pandas as pd

    from playlistrec.cli import main

    repo, _ = pipeline_repo
    catalogue = set(pd.read_parquet(repo / "data/preprocessed/tracks.parquet")["track_uri"])
    seed = sorted(catalogue)[0]
    for args in (["summer vibes"], ["a title no playlist has", "--seed", seed]):
        assert main(["recommend", *args, "-n", "15", "--json", "--root", str(repo)]) == 0
        tracks = json.loads(capsys.readouterr().out)["tracks"]
        uris = [track["track_uri"] for track in tracks]
        assert len(set(uris)) == 15 and set(uris) <= catalogue and seed not in uris
