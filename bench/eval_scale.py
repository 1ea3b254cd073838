"""Benchmark of the evaluation and of query latency at MPD scale (100k to 1M synthetic playlists).

    PYTHONPATH=src .venv/bin/python bench/eval_scale.py 1000000 --workdir /tmp/scale

Builds, under WORKDIR/n<N>, a scratch pipeline laid out exactly like the DVC pipeline's artefacts
(data/generated, data/preprocessed, data/split/split.parquet, data/titles/*, models/finetuned, params.yaml)
so that `playlistrec.evaluate` runs on it unchanged; each step is skipped when its output already exists:

* `synth.generate(N, seed 42)` into data/generated (slices and ground truth), then `mpd.preprocess`;
* a seeded random 80/10/10 split (`stratified_split` with ONE cluster: no embedding/clustering at this
  scale);
* the unique normalised train titles embedded ONCE by the pretrained encoder and stored as both
  pretrained.npy and finetuned.npy; models/finetuned is a link to the packaged base model (no fine-tune),
  so both title models score the same;
* the repository's params.yaml.

Then it runs bench/eval.py on that folder in a fresh process: cold start, title and blend query latency,
and the FULL evaluation (every model, every test playlist, all ten scenarios, typed queries, report) with
its wall time, CPU time and peak memory. At 1M the preparation takes about 15 minutes and 19 GB of disk
(generate ~7 min, preprocess ~4.5 min, title embedding ~3 min on 2 cores). Figures: bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def emit(record: dict) -> None:
    """Print one preparation step as a JSON line, with the load average."""
    print(json.dumps({**record, "load": f"{os.getloadavg()[0]:.1f}"}), flush=True)


# --------------------------------------------------------------------------- preparation
def prepare(root: Path, n_playlists: int, seed: int) -> None:
    """Build the scratch pipeline's artefacts under `root` (each step skipped when already done)."""
    import pyarrow as pa

    from playlistrec.encoders import Encoder, base_model_path
    from playlistrec.io import write_npy, write_parquet
    from playlistrec.mpd import preprocess
    from playlistrec.split import stratified_split
    from playlistrec.synth.generator import generate

    generated = root / "data" / "generated"
    if not (generated / "truth" / "queries.parquet").is_file():
        start = time.perf_counter()
        generate(generated, n_playlists, seed, profile="clean")  # the recorded figures
        emit({"step": "generate", "seconds": round(time.perf_counter() - start, 1)})
    pre = root / "data" / "preprocessed"
    if not (pre / "items.parquet").is_file():
        start = time.perf_counter()
        report = preprocess(generated / "mpd", pre, progress=False)
        emit({"step": "preprocess", "seconds": round(time.perf_counter() - start, 1),
              "items": report["items"]["written"], "tracks": report["tracks"]})  # fmt: skip
    split_file = root / "data" / "split" / "split.parquet"
    if not split_file.is_file():
        pids = pd.read_parquet(pre / "playlists.parquet", columns=["pid"])["pid"].to_numpy()
        split = stratified_split(pids, np.zeros(len(pids), dtype=np.int64), 0.1, 0.1, seed)
        write_parquet(pa.Table.from_pandas(split, preserve_index=False), split_file)
    titles_dir = root / "data" / "titles"
    if not (titles_dir / "finetuned.npy").is_file():
        split = pd.read_parquet(split_file, columns=["pid", "set"])
        playlists = pd.read_parquet(pre / "playlists.parquet", columns=["pid", "title"])
        train = playlists.merge(split[split["set"] == "train"], on="pid")
        counts = train.loc[train["title"] != "", "title"].value_counts().sort_index()
        titles = counts.index.tolist()
        write_parquet(
            pa.table({"title": titles, "n_playlists": counts.to_numpy().astype("int32")}),
            titles_dir / "titles.parquet",
        )
        start = time.perf_counter()
        vectors = Encoder("pretrained").encode(titles, batch_size=256)
        emit({"step": "embed_titles", "titles": len(titles), "seconds": round(time.perf_counter() - start, 1)})
        write_npy(vectors, titles_dir / "pretrained.npy")
        write_npy(vectors, titles_dir / "finetuned.npy")
    finetuned = root / "models" / "finetuned"
    if not finetuned.exists():
        finetuned.parent.mkdir(parents=True, exist_ok=True)
        finetuned.symlink_to(base_model_path(), target_is_directory=True)
    shutil.copyfile(REPO / "params.yaml", root / "params.yaml")  # data.mpd_dir = data/generated/mpd


def main() -> None:
    """Prepare the scratch pipeline, then measure it with bench/eval.py in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n_playlists", type=int)
    parser.add_argument("--workdir", type=Path, required=True, help="scratch folder (the pipeline goes in n<N>)")
    parser.add_argument("--repeats", type=int, default=50, help="queries timed for each latency")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    root = args.workdir / f"n{args.n_playlists}"
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, pipeline in {root}", flush=True)
    prepare(root, args.n_playlists, args.seed)
    command = [sys.executable, str(REPO / "bench" / "eval.py"), "--root", str(root), "--repeats", str(args.repeats)]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
