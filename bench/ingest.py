"""Benchmark of MPD ingestion: time `preprocess` on synthetic MPDs of given sizes.

    PYTHONPATH=src python bench/ingest.py 10000 100000 [--workdir DIR] [--workers N] [--keep]

For each size, generates the synthetic MPD once with `playlistrec.synth.generator.generate` (reused when DIR already
holds it), then runs `preprocess` in a fresh Python process so the figures are its own. Prints playlists/s,
items/s and input MB/s; the CPU seconds used (user + system, workers included), which machine load inflates
less than wall time; and the peak resident memory of the main process and of the largest parser worker
(resource.getrusage, children included): main + workers x largest worker bounds the run's total.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playlistrec.mpd import PARSER_LIMIT, preprocess
from playlistrec.synth.generator import generate
from playlistrec.workers import worker_count


def timed_preprocess(mpd_dir: Path, out_dir: Path, workers: int) -> dict[str, Any]:
    """Run `preprocess`; return its report, wall and CPU time, peak RSS (MiB) of this process and workers."""
    start = time.perf_counter()
    report = preprocess(mpd_dir, out_dir, progress=False, workers=workers)
    seconds = time.perf_counter() - start
    main, workers_usage = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return {
        "report": report,
        "seconds": seconds,
        "main_cpu_s": main.ru_utime + main.ru_stime,
        "workers_cpu_s": workers_usage.ru_utime + workers_usage.ru_stime,
        "main_mib": main.ru_maxrss / 1024,  # ru_maxrss is in KiB on Linux
        "worker_mib": workers_usage.ru_maxrss / 1024,
    }


def measure(mpd_dir: Path, out_dir: Path, workers: int) -> dict[str, Any]:
    """`timed_preprocess` in a fresh Python process, so that earlier work (generation) does not count."""
    command = [sys.executable, __file__, "--measure", str(mpd_dir), str(out_dir), str(workers)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def bench_size(n_playlists: int, workdir: Path, workers: int, seed: int) -> str:
    """Generate (or reuse) a synthetic MPD of `n_playlists`, time its ingestion, return a result line."""
    data_dir = workdir / f"synth-{n_playlists}"
    mpd_dir = data_dir / "mpd"
    if not mpd_dir.is_dir():
        start = time.perf_counter()
        generate(data_dir, n_playlists, seed, progress=True, profile="clean")  # the recorded figures
        print(f"generated {n_playlists:,} playlists in {time.perf_counter() - start:.0f}s")
    size_mb = sum(p.stat().st_size for p in mpd_dir.glob("*.json")) / 1e6
    result = measure(mpd_dir, workdir / f"out-{n_playlists}", workers)
    seconds, report = result["seconds"], result["report"]
    playlists, items = report["playlists"]["written"], report["items"]["written"]
    return (
        f"{n_playlists:,} playlists, {size_mb:,.0f} MB, {items:,} items, {report['tracks']:,} tracks: "
        f"{seconds:.1f} s = {playlists / seconds:,.0f} playlists/s, {items / seconds / 1e6:.2f} M items/s, "
        f"{size_mb / seconds:.1f} MB/s; CPU s main {result['main_cpu_s']:.0f} "
        f"+ workers {result['workers_cpu_s']:.0f}; "
        f"peak RSS main {result['main_mib']:,.0f} MiB, "
        f"largest worker {result['worker_mib']:,.0f} MiB"
    )


def main() -> None:
    """Parse the command line and benchmark each size (or, with --measure, time one run and print JSON)."""
    if sys.argv[1:2] == ["--measure"]:
        mpd_dir, out_dir, workers = sys.argv[2:5]
        print(json.dumps(timed_preprocess(Path(mpd_dir), Path(out_dir), int(workers))))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="+", help="numbers of playlists")
    parser.add_argument("--workdir", type=Path, help="where data is generated and kept (default: a temp dir)")
    parser.add_argument("--workers", type=int, default=worker_count(PARSER_LIMIT), help="parser processes")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the temporary workdir")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    print(f"{os.cpu_count()} CPUs, {args.workers} workers, data in {workdir}")
    try:
        for n_playlists in args.sizes:
            print(bench_size(n_playlists, workdir, args.workers, args.seed), flush=True)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
