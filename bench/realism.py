"""How real a folder of MPD slices looks: issue 11's statistics beside a real sample's.

    PYTHONPATH=src python bench/realism.py FOLDER [--metrics DIR] [--seed 42]

FOLDER holds MPD-format slices (e.g. data/generated/mpd after `dvc repro`, or a generated set). The reference
figures are bench/realism_reference.json: a sample of 7,071 real MPD playlists. Ratios and shares carry the
issue's tolerance (+-25%, the mean length +-10% of the MPD's 66.35 since the generator keeps the MPD's length
law); counts depend on the dataset's size and are shown only. With --metrics, the pipeline's figures (cluster
coherence, fine-tune accuracy and recall, the method ladder) are printed beside the real ones too.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from playlistrec.realism import Comparison, compare, pipeline_values, realism_stats

REFERENCE = Path(__file__).with_name("realism_reference.json")


def show(rows: list[Comparison]) -> None:
    """Print rows as a Markdown table."""
    print("| statistic | real sample | this folder | target | within tolerance |")
    print("|---|---|---|---|---|")
    for row in rows:
        value = "-" if row.value is None else f"{row.value:,.3f}".rstrip("0").rstrip(".")
        verdict = {None: "", True: "yes", False: "**no**"}[row.ok]
        real = f"{row.real:,.3f}".rstrip("0").rstrip(".")
        target = f"{row.target:,.3f}".rstrip("0").rstrip(".")
        print(f"| {row.label} | {real} | {value} | {target} | {verdict} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--metrics", type=Path, help="the pipeline's metrics folder (cluster/finetune/eval.json)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the 80/20 hash split")
    args = parser.parse_args()
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    start = time.perf_counter()
    values = realism_stats(args.folder, args.seed)
    print(f"{args.folder}: {time.perf_counter() - start:.1f} s; reference: {reference['source']}\n")
    rows = compare(values, reference["stats"])
    show(rows)
    failed = [row.name for row in rows if row.ok is False]
    print(f"\n{sum(row.ok is True for row in rows)} within tolerance, {len(failed)} outside: {failed}")
    if args.metrics:
        print()
        show(compare(pipeline_values(args.metrics), reference["pipeline"]))


if __name__ == "__main__":
    main()
