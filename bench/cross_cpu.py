"""How far the pipeline's outputs move on another CPU: `dvc repro` twice, the second as on an AVX2-only CPU.

Float kernels (torch's, oneDNN's, MKL's, OpenBLAS's) pick their code path by CPU, so the encoder's vectors
differ in the last bits between machines. The second run forces the AVX2 paths through the libraries' own
switches (ATEN_CPU_CAPABILITY, ONEDNN_MAX_CPU_ISA, MKL_ENABLE_INSTRUCTIONS, OPENBLAS_CORETYPE), which on an
AVX-512 machine gives the bits another CPU would give. Both runs use tiny params (tests/tiny_pipeline.py)
unless --default; the script prints, per output, whether it is byte-identical and how far it moved, and the
largest metric differences. With --this FOLDER, a pipeline folder whose `dvc repro` is done on this CPU with
the same code and params (e.g. the workspace after `dvc repro`) stands for the first run. Record results in
bench/RESULTS.md. Run from the repository root:

    python bench/cross_cpu.py [--default] [--keep DIR] [--this FOLDER]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from tiny_pipeline import TINY, make_repo, pipeline_env, read_metrics, run

OTHER_CPU = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    "OPENBLAS_CORETYPE": "Haswell",
}
METRICS = ("metrics/eval.json", "metrics/cluster.json", "metrics/finetune.json")
VECTORS = (
    "data/embeddings/track_vectors.npy",
    "data/embeddings/playlist_vectors.npy",
    "data/titles/pretrained.npy",
    "data/titles/finetuned.npy",
)


def outs_by_stage(repo: Path) -> dict[str, str]:
    """Every output's hash in dvc.lock, by "stage: path"."""
    lock = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]
    return {f"{stage}: {out['path']}": out["md5"] for stage, spec in lock.items() for out in spec.get("outs", [])}


def compare(a: Path, b: Path) -> None:
    """Print what differs between the two runs' outputs, and by how much."""
    hashes_a, hashes_b = outs_by_stage(a), outs_by_stage(b)
    for name in hashes_a:
        print(f"{'same' if hashes_a[name] == hashes_b[name] else 'DIFFERENT':>9}  {name}")
    for name in VECTORS:
        va, vb = np.load(a / name), np.load(b / name)
        print(f"{name}: max |diff| {np.abs(va - vb).max():.2e}, rows identical {(va == vb).all(axis=1).mean():.2%}")
    labels = [pd.read_parquet(r / "data/clusters/assignments.parquet")["cluster"].to_numpy() for r in (a, b)]
    agreement = adjusted_rand_score(labels[0], labels[1])
    print(f"cluster labels equal: {(labels[0] == labels[1]).mean():.2%} of playlists (adjusted Rand {agreement:.4f})")
    ma, mb = read_metrics(a, METRICS), read_metrics(b, METRICS)
    moved = sorted(((abs(ma[k] - mb[k]), k) for k in ma if ma[k] != mb[k]), reverse=True)
    print(f"metrics: {len(moved)} of {len(ma)} numbers differ")
    for delta, key in moved[:15]:
        print(f"  {key}: {ma[key]} vs {mb[key]} (|diff| {delta:.4g})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--default", action="store_true", help="the default params instead of tiny ones")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep both copies")
    parser.add_argument("--this", type=Path, help="a pipeline folder already reproduced on this CPU")
    args = parser.parse_args()
    top = args.keep or Path(tempfile.mkdtemp(prefix="cross_cpu."))
    runs = {"this_cpu": args.this} if args.this else {}
    for name, extra in (("this_cpu", {}), ("avx2_cpu", OTHER_CPU)):
        if name in runs:
            continue
        repo, env = top / name, pipeline_env(extra)
        repo.mkdir(parents=True)
        make_repo(repo, {} if args.default else TINY, env)
        started = time.perf_counter()
        run(["dvc", "repro"], repo, env)
        print(f"{name}: dvc repro in {time.perf_counter() - started:.0f} s", flush=True)
        runs[name] = repo
    compare(runs["this_cpu"], runs["avx2_cpu"])


if __name__ == "__main__":
    main()
