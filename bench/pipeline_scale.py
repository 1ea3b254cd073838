"""The whole pipeline at N synthetic playlists: the real `dvc repro` in a scratch folder, stage by stage.

    PYTHONPATH=src .venv/bin/python bench/pipeline_scale.py N [--workdir DIR] [--set KEY=VALUE ...]
    PYTHONPATH=src .venv/bin/python bench/pipeline_scale.py N --resume FOLDER --from STAGE

Copies the checkout (tests/tiny_pipeline.make_repo) with `generate.n_playlists: N` and the default params
otherwise (plus any --set, e.g. `--set embed.min_track_playlists=2`), then runs `dvc repro -s STAGE` for
each stage in dvc.yaml order, and prints a Markdown table: per stage the wall time, the CPU time (user +
system of the stage and its children) and the peak RSS of its largest process (the stage, a worker, or
dvc itself), and the total. The embedding cache is off (`embed.cache_dir: ""`) so the encoder is timed.
Record the table in bench/RESULTS.md with `uptime`. `--keep` leaves the scratch folder in --workdir;
`--resume FOLDER --from STAGE` goes on in a kept folder from STAGE (e.g. after a session ended mid-run),
timing only STAGE and the stages after it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from tiny_pipeline import ROOT, deep_update, make_repo, pipeline_env

# Run in a child Python so that its RUSAGE_CHILDREN covers exactly one stage's `dvc repro`.
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "wall": time.perf_counter() - started,
                  "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024}))
"""


def overrides(n: int, settings: list[str]) -> dict:
    """Params written over the defaults: N playlists, no embedding cache, and each KEY=VALUE (YAML value)."""
    params: dict = {"generate": {"n_playlists": n}, "embed": {"cache_dir": ""}}
    for setting in settings:
        key, value = setting.split("=", 1)
        tree: dict = yaml.safe_load(value)
        for part in reversed(key.split(".")):
            tree = {part: tree}
        params = deep_update(params, tree)
    return params


def measure_stage(stage: str, repo: Path, env: dict[str, str]) -> dict:
    """Wall, CPU and peak RSS of `dvc repro -s stage` in `repo`."""
    command = [sys.executable, "-c", MEASURE, "dvc", "repro", "-q", "-s", stage]
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["rc"] != 0:
        raise SystemExit(f"{stage} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return figures


def run_stages(repo: Path, env: dict[str, str], stages: list[str]) -> None:
    """Measure each stage in order, printing a table row per stage and the total."""
    print("| stage | wall | CPU | peak RSS |\n|---|---|---|---|")
    started, cpu, peak = time.perf_counter(), 0.0, 0.0
    for stage in stages:
        figures = measure_stage(stage, repo, env)
        cpu, peak = cpu + figures["cpu"], max(peak, figures["rss_mib"])
        print(f"| {stage} | {figures['wall']:.1f} s | {figures['cpu']:.1f} s | {figures['rss_mib']:.0f} MiB |")
        sys.stdout.flush()
    print(f"| total | {time.perf_counter() - started:.1f} s | {cpu:.1f} s | {peak:.0f} MiB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--workdir", type=Path, help="where the scratch folder goes (default: the system temp)")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (to --resume it later)")
    parser.add_argument("--resume", type=Path, metavar="FOLDER", help="a kept scratch folder to go on in")
    parser.add_argument("--from", dest="first", metavar="STAGE", help="with --resume: the first stage to run")
    args = parser.parse_args()
    stages = list(yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"])
    env = pipeline_env()
    if args.resume:
        if args.first not in stages:
            parser.error(f"--resume needs --from, one of: {', '.join(stages)}")
        print(f"{args.n} playlists, resumed in {args.resume} from {args.first}")
        run_stages(args.resume, env, stages[stages.index(args.first) :])
        return
    folder = Path(tempfile.mkdtemp(prefix="pipeline_scale.", dir=args.workdir))
    make_repo(folder, overrides(args.n, args.settings), env)
    print(f"{args.n} playlists, {' '.join(args.settings) or 'default params'}")
    try:
        run_stages(folder, env, stages)
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
