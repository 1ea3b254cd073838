"""Render the pipeline's `dvc plots` to PNG files for the README (docs/img/), offline.

`dvc plots show` writes an HTML page that loads Vega from a CDN; this renders the same filled-in
Vega-Lite specs locally with vl-convert. Run from the repository root after `dvc repro`:

    pip install vl-convert-python && python docs/render_plots.py
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import vl_convert

OUT = Path("docs/img")
WANTED = {"elbow": "elbow", "NDCG@500 by scenario": "ndcg_by_scenario"}


def main() -> None:
    shown = json.loads(
        subprocess.run(["dvc", "plots", "show", "--json"], capture_output=True, text=True, check=True).stdout
    )
    OUT.mkdir(parents=True, exist_ok=True)
    for name, renders in shown["data"].items():
        slug = next((file for prefix, file in WANTED.items() if name.startswith(prefix)), None)
        if slug is None:
            continue
        spec = renders[0]["content"]
        spec["title"] = {"text": re.sub(r"\s*\(.*\)$", "", name)}
        (OUT / f"{slug}.png").write_bytes(vl_convert.vegalite_to_png(spec, scale=1.5))
        print(f"{OUT / slug}.png <- {name}")


if __name__ == "__main__":
    main()
