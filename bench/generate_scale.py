"""Benchmark of the synthetic generator: time and peak memory of each profile at given sizes.

    PYTHONPATH=src python bench/generate_scale.py 100000 [1000000] [--profiles clean realistic] [--workdir DIR]

Each (profile, size) runs `generate` in a fresh Python process (so peak RSS is its own) writing into a
temporary folder that is deleted afterwards. Prints wall seconds, CPU seconds (user + system: machine load
inflates them less than wall time), peak RSS, items, unique tracks/artists and normalised titles.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pathlib import Path
from playlistrec.synth.generator import generate
start, cpu = time.perf_counter(), time.process_time()
stats = generate(Path(sys.argv[1]), int(sys.argv[2]), 42, profile=sys.argv[3])
print(json.dumps({"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **stats}))
"""


def measure(profile: str, size: int, workdir: Path) -> dict:
    """Generate `size` playlists of `profile` in a child process; its figures."""
    with tempfile.TemporaryDirectory(dir=workdir) as out:
        result = subprocess.run(
            [sys.executable, "-c", CHILD, out, str(size), profile], capture_output=True, text=True, check=True
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--profiles", nargs="+", default=["clean", "realistic"])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    print("| profile | playlists | wall s | CPU s | peak RSS MB | items | unique tracks | artists | norm. titles |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        for profile in args.profiles:
            r = measure(profile, size, args.workdir)
            print(
                f"| {profile} | {size:,} | {r['wall_s']:.0f} | {r['cpu_s']:.0f} | {r['peak_rss_mb']:,.0f} | "
                f"{r['items']:,} | {r['unique_tracks']:,} | {r['unique_artists']:,} | {r['unique_titles']:,} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
