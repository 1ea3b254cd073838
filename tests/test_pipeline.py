"""End to end: the real `dvc repro` on tiny params in a temp git repo, then `dvc exp run -S k=...`.

The tiny run's metrics are also compared with tests/reference/tiny_metrics.json, within the tolerance that
bench/cross_cpu.py measured between CPUs (tests/tiny_pipeline.py says which metrics must be exact).
"""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from tiny_pipeline import (
    METRIC_FILES,
    REFERENCE,
    ROOT,
    TINY,
    make_repo,
    off_reference,
    pipeline_env,
    read_metrics,
    run,
)


@pytest.fixture(scope="module")
def pipeline_repo(tmp_path_factory) -> tuple[Path, dict]:
    repo, env = tmp_path_factory.mktemp("repo"), pipeline_env()
    make_repo(repo, TINY, env)
    run(["dvc", "repro"], repo, env)
    return repo, env


def set_pids(repo: Path, which: str) -> list[int]:
    split = pd.read_parquet(repo / "data/split/split.parquet")
    return split.loc[split["set"] == which, "pid"].tolist()


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
    assert "k" not in cluster and 0.0 < cluster["kept_share"] <= 1.0  # k is a param, not a metric
    assert 0.3 < cluster["theme_nmi"] <= 1.0
    finetune = json.loads((repo / "metrics/finetune.json").read_text())
    assert finetune["probe_mean_cosine"] < 0.999
    evaluation = json.loads((repo / "metrics/eval.json").read_text())
    assert {"popular", "exact_title", "report", "title_pretrained", "title_finetuned", "blend"} <= set(evaluation)
    assert evaluation["title_finetuned"] != evaluation["title_pretrained"]
    assert 0.0 < evaluation["popular"]["ndcg"] < evaluation["blend"]["ndcg"] <= 1.0
    # a headline that `dvc exp show` can list: 3 numbers per model (11 models) and 3 more per title model
    assert len(read_metrics(repo, ("metrics/eval.json",))) <= 50
    status = run(["dvc", "status"], repo, env)
    assert "changed" not in status and "modified" not in status, status


@pytest.mark.slow
def test_metrics_match_the_committed_reference_within_the_tolerance(pipeline_repo):
    """A fresh tiny run reproduces tests/reference/tiny_metrics.json: exactly where no float of the encoder is
    involved, within `tiny_pipeline.TOLERANCE` elsewhere. Refresh it with `python tests/tiny_pipeline.py`
    after a change that moves the metrics on purpose."""
    repo, _ = pipeline_repo
    reference = json.loads(REFERENCE.read_text())
    assert off_reference(read_metrics(repo, METRIC_FILES), reference) == []


@pytest.mark.slow
def test_offline_plots_and_the_docs_examples_come_from_the_outputs(pipeline_repo, tmp_path):
    repo, env = pipeline_repo
    run([sys.executable, "-m", "playlistrec.cli", "plots", "--out", str(tmp_path / "png")], repo, env)
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == [
        "cluster_map.png",
        "coherence.png",
        "elbow.png",
        "finetune_loss.png",
        "ndcg_by_bucket.png",
        "ndcg_by_scenario.png",
        "ranker_importance.png",
        "ranker_ndcg.png",
    ]
    doc = tmp_path / "cli.md"
    doc.write_text((ROOT / "docs/cli.md").read_text(encoding="utf-8"), encoding="utf-8")
    examples = [sys.executable, str(ROOT / "docs/examples.py"), "--root", str(repo), "--doc", str(doc)]
    run(examples, repo, env)
    assert "note: popularity: no training title matches" in doc.read_text(encoding="utf-8")
    assert "up to date" in run([*examples, "--check"], repo, env)


@pytest.mark.slow
def test_exp_run_with_other_k_reruns_only_cluster_and_dependents_on_the_same_test_set(pipeline_repo):
    repo, env = pipeline_repo
    run(["git", "add", "-A"], repo, env)
    run(["git", "commit", "-qm", "repro"], repo, env)
    test_set = set_pids(repo, "test")
    popular = json.loads((repo / "metrics/eval.json").read_text())["popular"]
    output = run(["dvc", "exp", "run", "-S", "k=3"], repo, env)
    for stage in ("generate", "preprocess", "embed_tracks", "sweep", "split"):
        assert f"Stage '{stage}' didn't change, skipping" in output
    assert "Running stage 'cluster'" in output and "Running stage 'eval'" in output
    assert set_pids(repo, "test") == test_set  # the two experiments are scored on the same playlists
    assert json.loads((repo / "metrics/eval.json").read_text())["popular"] == popular
    diff = run(["dvc", "metrics", "diff", "--md"], repo, env)
    assert "metrics/cluster.json" in diff and "inertia" in diff


@pytest.mark.slow
def test_cli_recommends_from_the_pipeline_artefacts(pipeline_repo, capsys):
    from playlistrec.cli import main

    repo, _ = pipeline_repo
    catalogue = set(pd.read_parquet(repo / "data/preprocessed/tracks.parquet")["track_uri"])
    seed = sorted(catalogue)[0]
    for args in (["summer vibes"], ["a title no playlist has", "--seed", seed]):
        assert main(["recommend", *args, "-n", "15", "--json", "--root", str(repo)]) == 0
        tracks = json.loads(capsys.readouterr().out)["tracks"]
        uris = [track["track_uri"] for track in tracks]
        assert len(set(uris)) == 15 and set(uris) <= catalogue and seed not in uris
