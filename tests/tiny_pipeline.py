"""The real pipeline on tiny params in a temporary git repository (tests/test_pipeline.py, bench/cross_cpu.py).

`make_repo` copies the checkout's tracked files (not its outputs: no metrics/, no dvc.lock) into a folder,
writes params.yaml with `TINY` over the defaults and commits it, so `dvc repro` there runs every stage
from scratch in a few minutes on 2 cores.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TINY = {
    "k": 6,
    "generate": {"profile": "clean", "n_playlists": 600, "slice_size": 200},
    # Every track in the mean, as when the tiny reference was measured; every run encodes afresh, no cache
    # (bench/cross_cpu.py compares two runs' encodings).
    "embed": {"min_track_playlists": 1, "cache_dir": ""},
    "cluster": {"sweep": [3, 6], "n_init": 1, "map_sample": 100},
    "finetune": {"epochs": 1, "max_titles": 300, "probe_titles": 50},
    "factorize": {"dim": 16},
    "finetune_cf": {"max_titles": 300},
    "eval": {"llm": {"sample": 5}},
}


def deep_update(base: dict, update: dict) -> dict:
    """`base` with `update`'s leaves written over it."""
    for key, value in update.items():
        base[key] = deep_update(base.get(key, {}), value) if isinstance(value, dict) else value
    return base


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a command in `cwd`; its stdout, or an AssertionError with the end of its output."""
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def pipeline_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment with this Python's dvc first on PATH, a git identity, no PYTHONPATH, plus `extra`."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        **(extra or {}),
    }
    env.pop("PYTHONPATH", None)
    return env


def make_repo(repo: Path, params: dict, env: dict[str, str]) -> None:
    """A committed copy of the checkout's tracked files in `repo` with `params` written over params.yaml."""
    tracked = run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], ROOT, env).split()
    for name in tracked:
        if (ROOT / name).is_file() and not name.startswith(("metrics/", "dvc.lock")):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    merged = deep_update(yaml.safe_load((ROOT / "params.yaml").read_text()), params)
    (repo / "params.yaml").write_text(yaml.safe_dump(merged, sort_keys=False))
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "tiny"]):
        run(args, repo, env)
    run(["dvc", "config", "core.analytics", "false"], repo, env)


def flat_numbers(tree: dict, prefix: str = "") -> dict[str, float]:
    """The numeric leaves of a metrics tree by dotted path ("blend.ndcg"); strings and lists are left out."""
    leaves: dict[str, float] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            leaves |= flat_numbers(value, f"{path}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            leaves[path] = float(value)
    return leaves


def read_metrics(repo: Path, files: tuple[str, ...]) -> dict[str, float]:
    """The numeric metrics of `files` (paths under `repo`) by "file:dotted.path"."""
    import json

    return {
        f"{name}:{path}": value
        for name in files
        for path, value in flat_numbers(json.loads((repo / name).read_text())).items()
    }


# The tiny run's metrics, committed as tests/reference/tiny_metrics.json; a fresh run must match them within
# `TOLERANCE` on any CPU (tests/test_pipeline.py). What cannot move: the data, the split and the models that
# read no embedding. What may: the models and figures downstream of the encoder's floats (bench/cross_cpu.py).
REFERENCE = ROOT / "tests" / "reference" / "tiny_metrics.json"
METRIC_FILES = ("metrics/preprocess.json", "metrics/cluster.json", "metrics/finetune.json", "metrics/eval.json")
EXACT = ("metrics/preprocess.json:", "metrics/eval.json:popular.", "metrics/eval.json:exact_title.")
TOLERANCE = 0.02


def off_reference(fresh: dict[str, float], reference: dict[str, float]) -> list[str]:
    """The metrics of a fresh tiny run that are missing, new, or further from the reference than allowed."""
    problems = [f"{key}: missing" for key in sorted(reference.keys() - fresh.keys())]
    problems += [f"{key}: not in the reference" for key in sorted(fresh.keys() - reference.keys())]
    for key in sorted(reference.keys() & fresh.keys()):
        allowed = 0.0 if key.startswith(EXACT) else TOLERANCE * max(1.0, abs(reference[key]))
        if abs(fresh[key] - reference[key]) > allowed:
            problems.append(f"{key}: {fresh[key]} vs {reference[key]} in the reference (allowed +-{allowed:g})")
    return problems


def write_reference() -> None:
    """Run the tiny pipeline in a temporary folder and write its metrics as the reference."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tiny_reference.") as folder:
        repo, env = Path(folder), pipeline_env()
        make_repo(repo, TINY, env)
        run(["dvc", "repro"], repo, env)
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_text(json.dumps(read_metrics(repo, METRIC_FILES), indent=1, sort_keys=True) + "\n")
    print(f"wrote {REFERENCE}")


if __name__ == "__main__":
    write_reference()
