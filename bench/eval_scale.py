"""Benchmark of the evaluation and of title-query latency at MPD scale (100k to 1M synthetic playlists).

    PYTHONPATH=src .venv/bin/python bench/eval_scale.py 1000000 --workdir /tmp/scale [--sample 2000]

Builds, under WORKDIR/n<N>, a scratch pipeline laid out exactly like the DVC pipeline's artefacts
(data/generated, data/preprocessed, data/split/split.parquet, data/titles/*, models/finetuned, params.yaml)
so that `playlistrec.evaluate` is reused unchanged; each step is skipped when its output already exists:

* `synth.generate(N, seed 42)` into data/generated (slices and ground truth), then `mpd.preprocess`;
* a seeded random 80/10/10 split (`stratified_split` with ONE cluster: no embedding/clustering at this
  scale);
* the unique normalised train titles embedded ONCE by the pretrained encoder and stored as both
  pretrained.npy and finetuned.npy; models/finetuned is a link to the packaged base model (no fine-tune),
  so both title models score the same.

Then, in a fresh Python process (so the peak RSS is the measurement's own), it measures:

1. load + fit time and resident-memory growth of every model (`make_models`, params.yaml hyper-parameters);
2. one title query's latency (`recommend(title, seeds, n=500)`, model loaded, encoder warm, a NEW title
   each time so the encoder runs), for the title model (no seeds) and the blend (5 seeds of a test
   playlist), with torch's default threads and with `torch.set_num_threads(1)`;
3. the evaluation on a seeded SAMPLE of test playlists: the ten scenarios built from the sample, each
   model's `recommend_batch` + `query_metrics` timed per scenario, then extrapolated linearly to the
   whole test split's query count per scenario (scenario building on the whole test split is measured,
   not extrapolated). Linear extrapolation is pessimistic for models that ignore seeds (they rank each
   distinct title once, and distinct titles grow slower than queries) and exact for the others;
4. optionally (--profile) a cProfile of the blend on one sampled scenario.

At 2.3M tracks (1M playlists) the typed-query step is timed in parts (its object-array truth on 20 queries,
extrapolated, plus the title models' ranking) and the latency with one torch setting only; use --chunk 32
there: the default chunk of 256 makes dense [256 x n_tracks] arrays of several GB each. Figures and the
analysis are in bench/RESULTS.md, "Evaluation at 1M playlists".

Prints JSON lines (one per figure) and a summary; load averages are printed with each figure because the
machine is shared.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

QUERIES = ("workout", "rainy sunday", "beast mode", "songs for the gym 💪", "chill vibes", "old school hip hop")
REPO = Path(__file__).resolve().parents[1]


def load() -> str:
    """The 1-minute load average, formatted."""
    return f"{os.getloadavg()[0]:.1f}"


def rss_mib() -> float:
    """Current resident set size of this process, MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mib() -> float:
    """Peak resident set size of this process so far, MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(record: dict[str, Any]) -> None:
    """Print one figure as a JSON line, with the load average."""
    print(json.dumps({**record, "load": load()}), flush=True)


# --------------------------------------------------------------------------- preparation
def prepare(root: Path, n_playlists: int, seed: int) -> None:
    """Build the scratch pipeline's artefacts under `root` (each step skipped when already done)."""
    import pyarrow as pa

    from playlistrec.encoders import Encoder, base_model_path
    from playlistrec.io import write_npy, write_parquet
    from playlistrec.mpd import preprocess
    from playlistrec.split import stratified_split
    from playlistrec.synth import generate

    generated = root / "data" / "generated"
    if not (generated / "truth" / "queries.parquet").is_file():
        start = time.perf_counter()
        generate(generated, n_playlists, seed)
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


# --------------------------------------------------------------------------- measurement
def latency(model, titles: list[str], seeds: list[list[str]]) -> dict[str, float]:
    """p50/p90 ms of `recommend(title, seeds, 500)`, one new title per call."""
    times = []
    for title, uris in zip(titles, seeds, strict=True):
        start = time.perf_counter()
        model.recommend(title, uris, n=500)
        times.append((time.perf_counter() - start) * 1000)
    p50, p90 = np.percentile(times, [50, 90])
    return {"p50_ms": round(float(p50), 1), "p90_ms": round(float(p90), 1), "n": len(times)}


def title_breakdown(model, titles: list[str], n_tracks: int) -> dict[str, float]:
    """Median ms of each step of a title query on the title model: encode, search, vote, top 500."""
    from playlistrec.recommend import Queries, top_n

    steps: dict[str, list[float]] = {"encode": [], "search": [], "vote": [], "top_n": []}
    for title in titles:
        q = Queries.from_lists([title], [[]], n_tracks)
        t0 = time.perf_counter()
        vec = model.titles.encoder.encode([title])
        t1 = time.perf_counter()
        sims = vec @ model.titles.vectors.T
        nearest, s = model._nearest(sims, model.top_m)
        w = model._weights(nearest, np.maximum(s, 0.0) ** model.sim_power, len(model.titles_))
        t2 = time.perf_counter()
        scores = w @ model.share_
        t3 = time.perf_counter()
        top_n(scores, 500, model.popularity_rank_, order=model.popularity_order_)
        t4 = time.perf_counter()
        for k, v in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            steps[k].append(v * 1000)
        del q
    return {k: round(float(np.median(v)), 2) for k, v in steps.items()}


def measure(root: Path, sample: int, n_latency: int, chunk: int, seed: int, profile: bool, models_arg: str) -> None:
    """Every figure of the module docstring, for the pipeline at `root`."""
    from playlistrec.evaluate import (
        MODELS,
        QUALITATIVE_TITLES,
        TITLE_MODELS,
        load_pipeline,
        load_typed_queries,
        make_models,
        qualitative_report,
        query_metrics,
        title_buckets,
        typed_query_metrics,
    )
    from playlistrec.io import load_params
    from playlistrec.scenarios import build_scenarios

    params = load_params(root / "params.yaml")
    n, cutoffs = params["eval"]["n"], params["eval"]["cutoffs"]
    wanted = MODELS if models_arg == "all" else tuple(models_arg.split(","))
    start = time.perf_counter()
    data = load_pipeline(root)
    train = data.train_set()
    emit({"step": "load_pipeline+train_set", "seconds": round(time.perf_counter() - start, 1),
          "train_playlists": train.matrix.shape[0], "train_items": int(train.matrix.nnz),
          "tracks": train.matrix.shape[1], "titles": len(data.titles), "rss_mib": round(rss_mib())})  # fmt: skip
    fitted = {}
    for name, model in make_models(root, data.titles, params, wanted).items():
        before, start = rss_mib(), time.perf_counter()
        fitted[name] = model.fit(train)
        emit({"step": "fit", "model": name, "seconds": round(time.perf_counter() - start, 2),
              "rss_growth_mib": round(rss_mib() - before), "rss_mib": round(rss_mib())})  # fmt: skip

    test_playlists, test_items = data.subset("test")
    start = time.perf_counter()
    full = build_scenarios(test_playlists, test_items, len(data.catalogue), params["seed"])
    full_counts = {s.scenario.name: len(s.pids) for s in full}
    build_full_s = time.perf_counter() - start
    emit({"step": "build_scenarios(all test)", "seconds": round(build_full_s, 1),
          "test_playlists": len(test_playlists), "queries": sum(full_counts.values())})  # fmt: skip
    start = time.perf_counter()
    full_buckets = [title_buckets(s.titles, data.titles) for s in full]
    bucket_s = time.perf_counter() - start
    del full, full_buckets

    # Latency: new titles, model loaded, encoder warm.
    rng = np.random.default_rng(seed)
    titles = [f"{QUERIES[i % len(QUERIES)]} {i}" for i in range(n_latency)]
    first5 = test_items.sort_values(["pid", "pos"]).groupby("pid").head(5)
    pick = rng.choice(test_playlists["pid"].to_numpy(), n_latency)
    by_pid = first5.groupby("pid")["track_id"].apply(list)
    uris = data.catalogue.tracks["track_uri"].to_numpy()
    seed_uris = [list(uris[by_pid.get(p, [])]) for p in pick]
    import torch

    default_threads = torch.get_num_threads()
    big = len(data.catalogue) > 500_000  # at 1M: one torch setting only, to keep the run short
    for threads in (default_threads,) if big else (default_threads, 1):
        torch.set_num_threads(threads)
        for name, seeds in (("title_finetuned", [[]] * n_latency), ("blend", seed_uris)):
            if name not in fitted:
                continue
            model = fitted[name]
            model.recommend("warm up the encoder", [], n=500)
            tag = f"{name}-t{threads}"
            emit({"step": "latency", "model": name, "torch_threads": threads, "seeds": 0 if name != "blend" else 5,
                  **latency(model, [f"{t} {tag}" for t in titles], seeds)})  # fmt: skip
        if "title_finetuned" in fitted:
            emit({"step": "latency_breakdown_median_ms", "model": "title_finetuned", "torch_threads": threads,
                  **title_breakdown(fitted["title_finetuned"], [f"{t} bd{threads}" for t in titles[:100]],
                                    len(data.catalogue))})  # fmt: skip
    torch.set_num_threads(default_threads)

    # Eval on a sample of test playlists, extrapolated per scenario to the full test split.
    sample_pids = rng.choice(test_playlists["pid"].to_numpy(), min(sample, len(test_playlists)), replace=False)
    s_playlists = test_playlists[test_playlists["pid"].isin(sample_pids)]
    s_items = test_items[test_items["pid"].isin(sample_pids)]
    scenarios = build_scenarios(s_playlists, s_items, len(data.catalogue), params["seed"])
    buckets = [title_buckets(s.titles, data.titles) for s in scenarios]
    track_artist = data.catalogue.tracks["artist_id"].to_numpy()
    totals: dict[str, float] = {}
    for name, model in fitted.items():
        measured = extrapolated = cpu = cpu_extrapolated = 0.0
        for queries, bucket in zip(scenarios, buckets, strict=True):
            c0, t0 = time.process_time(), time.perf_counter()
            recs = model.recommend_batch(queries.queries, n, chunk_size=chunk)
            t1 = time.perf_counter()
            query_metrics(recs, queries.truth, track_artist, cutoffs).assign(bucket=bucket)
            t2, c2 = time.perf_counter(), time.process_time()
            cpu += c2 - c0
            scale = full_counts[queries.scenario.name] / max(len(queries.pids), 1)
            measured += t2 - t0
            extrapolated += (t2 - t0) * scale
            cpu_extrapolated += (c2 - c0) * scale
            emit({"step": "eval_sample", "model": name, "scenario": queries.scenario.name,
                  "queries": len(queries.pids), "full_queries": full_counts[queries.scenario.name],
                  "recommend_s": round(t1 - t0, 2), "metrics_s": round(t2 - t1, 2),
                  "ms_per_query": round((t2 - t0) * 1000 / max(len(queries.pids), 1), 2),
                  "extrapolated_s": round((t2 - t0) * scale, 1), "peak_mib": round(peak_mib())})  # fmt: skip
        totals[name] = extrapolated
        emit({"step": "eval_model", "model": name, "measured_s": round(measured, 1),
              "extrapolated_full_s": round(extrapolated, 1),
              "cpu_s": round(cpu, 1), "cpu_extrapolated_full_s": round(cpu_extrapolated, 1)})  # fmt: skip

    # Constant costs of run_evaluation: typed queries and the qualitative report.
    title_models = {k: v for k, v in fitted.items() if k in TITLE_MODELS}
    start = time.perf_counter()
    typed = load_typed_queries(root, params, data.catalogue)
    if typed is not None and title_models and len(data.catalogue) <= 500_000:
        typed_query_metrics(title_models, *typed, n, cutoffs)
    elif typed is not None and title_models:  # too slow to run whole at 1M: time its two parts
        from playlistrec.recommend import Queries
        from playlistrec.text import normalise_title

        frame, track_theme = typed
        themes = frame["theme"].to_numpy()
        t0 = time.perf_counter()
        np.nonzero(themes[:20, None] == track_theme[None, :])  # the object-array truth of 20 queries
        truth_s = (time.perf_counter() - t0) * len(themes) / 20
        batch = Queries.from_lists([normalise_title(q) for q in frame["query"]], [[]] * len(frame), len(track_theme))
        t0 = time.perf_counter()
        for model in title_models.values():
            model.recommend_batch(batch, n, chunk_size=chunk)
        emit({"step": "typed_parts", "queries": len(themes), "truth_extrapolated_s": round(truth_s, 1),
              "recommend_s": round(time.perf_counter() - t0, 1)})  # fmt: skip
        start -= truth_s  # count the extrapolated truth time in typed_s
    typed_s = time.perf_counter() - start
    start = time.perf_counter()
    if title_models:
        qualitative_report(title_models, QUALITATIVE_TITLES, data.titles)
    qual_s = time.perf_counter() - start
    emit({"step": "constant", "typed_s": round(typed_s, 1), "qualitative_s": round(qual_s, 1),
          "bucket_s": round(bucket_s, 1)})  # fmt: skip
    emit({"step": "summary", "extrapolated_model_eval_s": {k: round(v) for k, v in totals.items()},
          "extrapolated_full_eval_s": round(sum(totals.values()) + build_full_s + bucket_s + typed_s + qual_s),
          "peak_mib": round(peak_mib()), "chunk": chunk, "sample_playlists": len(sample_pids)})  # fmt: skip

    if profile and "blend" in fitted:
        target = next(s for s in scenarios if s.scenario.name == "title_first5")
        profiler = cProfile.Profile()
        profiler.enable()
        fitted["blend"].recommend_batch(target.queries, n, chunk_size=chunk)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(14)
        print(out.getvalue(), flush=True)


def main() -> None:
    """Prepare the scratch pipeline, then measure it in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n_playlists", type=int)
    parser.add_argument("--workdir", type=Path, required=True, help="scratch folder (the pipeline goes in n<N>)")
    parser.add_argument("--sample", type=int, default=2000, help="test playlists evaluated (then extrapolated)")
    parser.add_argument("--latency", type=int, default=500, help="title queries timed per configuration")
    parser.add_argument("--chunk", type=int, default=256, help="recommend_batch chunk size (the code's default)")
    parser.add_argument("--models", default="all", help="comma-separated model names, or all")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", action="store_true", help="cProfile the blend on one scenario")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    root = args.workdir / f"n{args.n_playlists}"
    if args.measure_only:
        measure(root, args.sample, args.latency, args.chunk, args.seed, args.profile, args.models)
        return
    print(f"{os.cpu_count()} CPUs, load average {load()}, pipeline in {root}", flush=True)
    prepare(root, args.n_playlists, args.seed)
    command = [sys.executable, __file__, *sys.argv[1:], "--measure-only"]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
