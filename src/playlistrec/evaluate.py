"""Fit every model on the train split, run every test playlist in every scenario, aggregate the metrics.

Also the entry point other front ends use: `load_recommenders(root)` builds the fitted recommenders from
the pipeline's artefacts (the CLI and the web page call it), each with `catalogue_` for track metadata and
seed-URI look-ups.

Aggregation: a metric is first averaged over a scenario's queries; "overall" is the mean of the ten
scenario means (each scenario weighs the same, as the challenge's 1,000 playlists per category do).
Buckets count the query's normalised title among TRAIN playlists: head (100+), torso (10-99), tail (1-9),
unseen (0); a scenario that hides the title is still bucketed by the playlist's title.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from playlistrec import metrics
from playlistrec.io import atomic_path, load_params, write_json
from playlistrec.llm import LLM_SKIPPED, LLMRecommender, make_generator, sample_scenario
from playlistrec.recommend import (
    BlendRecommender,
    Catalogue,
    CooccurrenceRecommender,
    ExactTitleRecommender,
    PopularityRecommender,
    Queries,
    QueryEncoder,
    Recommender,
    ReportRecommender,
    TitleRecommender,
    TitleVectors,
    TrainSet,
)
from playlistrec.scenarios import SCENARIOS, ScenarioQueries, build_scenarios
from playlistrec.text import normalise_title, track_text
from playlistrec.truth import check_describes, track_themes, typed_queries
from playlistrec.workers import worker_count

MODELS = ("popular", "exact_title", "report", "title_pretrained", "title_finetuned", "blend")
TITLE_MODELS = ("exact_title", "report", "title_pretrained", "title_finetuned")
ENCODERS = {"pretrained": "pretrained", "finetuned": "models/finetuned"}
BUCKETS = ("head", "torso", "tail", "unseen")
HEADLINE = ("ndcg", "r_precision", "clicks")
BUCKET_HEADLINE = ("ndcg", "recall@10")
# The report's 22 query titles, then paraphrased and unseen ones a person might type.
QUALITATIVE_TITLES = (
    "K-pop", "Workout music", "Dance", "Rock", "SUMMER", "hawaii", "Classic country", "older songs", "2016",
    "Finesse", "oldies", "Christian", "Gaming", "classics", "Party", "workout", "WORK", "Love songs",
    "rainy sunday", "beast mode", "songs for the gym 💪", "music to study to",
)  # fmt: skip


@dataclass(frozen=True)
class PipelineData:
    """The upstream artefacts the evaluation reads: playlists with their split set, items, tracks, titles."""

    playlists: pd.DataFrame  # pid, title, set
    items: pd.DataFrame  # pid, pos, track_id
    catalogue: Catalogue
    titles: pd.DataFrame  # title, n_playlists (unique normalised train titles)

    def subset(self, which: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Playlists and items of one split set (train, val or test)."""
        playlists = self.playlists[self.playlists["set"] == which]
        return playlists, self.items[self.items["pid"].isin(playlists["pid"])]

    def train_set(self) -> TrainSet:
        """The TRAIN split as the models' training data."""
        playlists, items = self.subset("train")
        return TrainSet.from_frames(playlists, items, self.catalogue)


def load_pipeline(root: Path = Path(".")) -> PipelineData:
    """Read data/preprocessed, data/split and data/titles under `root`."""
    pre = root / "data" / "preprocessed"
    split = pd.read_parquet(root / "data" / "split" / "split.parquet", columns=["pid", "set"])
    playlists = pd.read_parquet(pre / "playlists.parquet", columns=["pid", "title"]).merge(split, on="pid")
    return PipelineData(
        playlists,
        pd.read_parquet(pre / "items.parquet", columns=["pid", "pos", "track_id"]),
        Catalogue(pd.read_parquet(pre / "tracks.parquet")),
        pd.read_parquet(root / "data" / "titles" / "titles.parquet"),
    )


def title_vectors(root: Path, titles: pd.DataFrame, encoder: str) -> TitleVectors:
    """Embedded train titles of one encoder ("pretrained" or "finetuned"); the encoder loads lazily."""
    vectors = np.load(root / "data" / "titles" / f"{encoder}.npy")
    if len(vectors) != len(titles):
        raise ValueError(f"data/titles/{encoder}.npy has {len(vectors)} rows for {len(titles)} titles")
    model = ENCODERS[encoder]
    names = titles["title"].to_numpy(dtype=object)
    return TitleVectors(
        names, vectors, QueryEncoder(model if model == "pretrained" else root / model, (names, vectors))
    )


def make_models(
    root: Path, titles: pd.DataFrame, params: dict[str, Any], models: Iterable[str] = MODELS
) -> dict[str, Recommender]:
    """Unfitted recommenders by name, hyper-parameters from params.yaml's `recommend` section."""
    cfg = params.get("recommend", {})
    vectors = functools.cache(lambda encoder: title_vectors(root, titles, encoder))  # read only if used

    title_tracks = cfg.get("title_tracks", 1000)

    def title_model(encoder: str) -> TitleRecommender:
        return TitleRecommender(vectors(encoder), cfg.get("top_m", 50), cfg.get("sim_power", 2.0), title_tracks)

    factories = {
        "popular": PopularityRecommender,
        "exact_title": lambda: ExactTitleRecommender(title_tracks),
        "report": lambda: ReportRecommender(vectors("pretrained"), title_tracks=title_tracks),
        "title_pretrained": lambda: title_model("pretrained"),
        "title_finetuned": lambda: title_model("finetuned"),
        "blend": lambda: BlendRecommender(
            title_model("finetuned"),
            CooccurrenceRecommender(cfg.get("alpha", 0.9), cfg.get("neighbours", 500), cfg.get("max_seeds", 25)),
            cfg.get("blend_lambda", 0.25),
            cfg.get("title_depth", 1000),
        ),
    }
    unknown = set(models) - factories.keys()
    if unknown:
        raise ValueError(f"unknown model(s) {sorted(unknown)}; known: {list(factories)}")
    return {name: factories[name]() for name in models}


def load_recommenders(root: Path = Path("."), models: Iterable[str] | None = None) -> dict[str, Recommender]:
    """Recommenders fitted on the pipeline's train split under `root` (all of `MODELS` by default).

    Each has `recommend(title, seed_uris, n)` and `catalogue_` (`describe(ids)` for display, `ids(uris)`
    raising `UnknownTrackError` on an unknown URI). Encoders load on the first title query.
    """
    root = Path(root)
    data = load_pipeline(root)
    train = data.train_set()
    built = make_models(root, data.titles, load_params(root / "params.yaml"), MODELS if models is None else models)
    return {name: model.fit(train) for name, model in built.items()}


def title_buckets(titles: Sequence[str], counts: pd.DataFrame) -> np.ndarray:
    """Bucket of each normalised title by its number of train playlists: head/torso/tail/unseen."""
    n = pd.Series(counts["n_playlists"].to_numpy(), index=counts["title"]).reindex(list(titles)).fillna(0)
    return np.select([n >= 100, n >= 10, n >= 1], ["head", "torso", "tail"], "unseen")


def query_metrics(
    recs: np.ndarray, truth: sp.csr_matrix, track_artist: np.ndarray, cutoffs: Sequence[int]
) -> pd.DataFrame:
    """Every metric per query (one row per query)."""
    hits = metrics.hit_matrix(recs, truth)
    relevant = metrics.n_relevant(truth)
    columns: dict[str, np.ndarray] = {
        "ndcg": metrics.ndcg(hits, relevant),
        "r_precision": metrics.r_precision(recs, hits, truth, track_artist),
        "clicks": metrics.clicks(hits),
    }
    for n in cutoffs:
        columns[f"precision@{n}"] = metrics.precision_at(hits, n)
        columns[f"recall@{n}"] = metrics.recall_at(hits, relevant, n)
        columns[f"mrr@{n}"] = metrics.mrr_at(hits, n)
    return pd.DataFrame(columns)


def evaluate_models(
    models: dict[str, Recommender],
    scenarios: Sequence[ScenarioQueries],
    buckets: Sequence[np.ndarray],
    track_artist: np.ndarray,
    n: int,
    cutoffs: Sequence[int],
) -> pd.DataFrame:
    """Per-query metrics of every model in every scenario: columns model, scenario, pid, bucket, metrics.

    Each model answers all scenarios' queries in one batch, so a title asked in several scenarios is
    scored once (per chunk for the blend, once in all for the models that ignore seeds).
    """
    everything = Queries.concat([s.queries for s in scenarios])
    bounds = np.cumsum([0] + [len(s.pids) for s in scenarios])
    frames = []
    truths = [s.truth for s in scenarios]
    for name, model in models.items():
        recs = model.recommend_batch(everything, n, progress=f"evaluate {name}")
        slices = [recs[start:stop] for start, stop in pairwise(bounds)]
        with ThreadPoolExecutor(worker_count()) as pool:  # NumPy and SciPy release the GIL
            per_scenario = pool.map(query_metrics, slices, truths, repeat(track_artist), repeat(cutoffs))
            frames.extend(
                frame.assign(model=name, scenario=s.scenario.name, pid=s.pids, bucket=bucket)
                for frame, s, bucket in zip(per_scenario, scenarios, buckets, strict=True)
            )
    return pd.concat(frames, ignore_index=True)


def _means(frame: pd.DataFrame, keys: list[str], columns: Sequence[str]) -> pd.DataFrame:
    """Mean of `columns` and the query count per group of `keys`, rounded for readable diffs."""
    grouped = frame.groupby(keys, sort=False)
    return grouped[list(columns)].mean().round(4).assign(n_queries=grouped.size()).reset_index()


def summarise(per_query: pd.DataFrame) -> tuple[dict, dict, pd.DataFrame, pd.DataFrame]:
    """(compact metrics, full breakdown, by-scenario table, by-bucket table) from per-query metrics."""
    metric_cols = [c for c in per_query.columns if c not in ("model", "scenario", "pid", "bucket")]
    by_scenario = _means(per_query, ["model", "scenario"], metric_cols)
    by_bucket = _means(per_query, ["model", "scenario", "bucket"], metric_cols)
    overall = by_scenario.groupby("model", sort=False)[metric_cols].mean().round(4)
    compact: dict[str, Any] = {}
    detail: dict[str, Any] = {}
    for model in by_scenario["model"].unique():
        scen = by_scenario[by_scenario["model"] == model].set_index("scenario")
        buck = by_bucket[by_bucket["model"] == model]
        title_only = buck[buck["scenario"] == SCENARIOS[0].name].set_index("bucket")
        compact[model] = {
            "overall": overall.loc[model, list(HEADLINE)].to_dict(),
            "scenario": scen[list(HEADLINE)].to_dict(orient="index"),
            "bucket": title_only[list(BUCKET_HEADLINE)].to_dict(orient="index"),
        }
        detail[model] = {
            "overall": overall.loc[model].to_dict(),
            "scenario": {
                name: {"all": scen.loc[name].to_dict(), **buck[buck["scenario"] == name].set_index("bucket")
                       .drop(columns=["model", "scenario"]).to_dict(orient="index")}
                for name in scen.index
            },
        }  # fmt: skip
    return compact, detail, by_scenario, by_bucket


def theme_truth(query_themes: np.ndarray, track_theme: np.ndarray) -> sp.csr_matrix:
    """Binary [n_queries, n_tracks]: the tracks whose theme is the query's (through integer theme codes, not
    a comparison of every query with every track's theme string: 2.3M tracks at MPD scale)."""
    codes, themes = pd.factorize(track_theme)
    by_theme = sp.csr_matrix(
        (np.ones(len(codes), dtype=np.float32), (codes, np.arange(len(codes)))), shape=(len(themes), len(codes))
    )
    rows = pd.Index(themes).get_indexer(query_themes)
    known = sp.diags((rows >= 0).astype(np.float32))
    return sp.csr_matrix(known @ by_theme[np.maximum(rows, 0)])


def typed_query_metrics(
    models: dict[str, Recommender],
    queries: pd.DataFrame,
    track_theme: np.ndarray,
    n: int,
    cutoffs: Sequence[int],
) -> pd.DataFrame:
    """Theme precision@N and NDCG of each model on typed queries (query, theme, kind) never seen as titles.

    A recommended track is relevant when its ground-truth theme is the query's theme (`track_theme[id]`,
    "" for tracks without one); NDCG's ideal is a list made only of the theme's tracks.
    """
    truth = theme_truth(queries["theme"].to_numpy(), track_theme)
    batch = Queries.titles_only([normalise_title(q) for q in queries["query"]], len(track_theme))
    frames = []
    for name, model in models.items():
        hits = metrics.hit_matrix(model.recommend_batch(batch, n), truth)
        columns = {f"theme_precision@{c}": metrics.precision_at(hits, c) for c in cutoffs}
        columns["ndcg"] = metrics.ndcg(hits, metrics.n_relevant(truth))
        frames.append(pd.DataFrame(columns).assign(model=name, kind=queries["kind"].to_numpy()))
    return pd.concat(frames, ignore_index=True)


def qualitative_report(models: dict[str, Recommender], titles: Sequence[str], counts: pd.DataFrame, k: int = 10) -> str:
    """Markdown: for each query title, the top k (track — artist) of each model side by side."""
    names = list(models)
    normalised = [normalise_title(t) for t in titles]
    bucket = title_buckets(normalised, counts)
    n_train = pd.Series(counts["n_playlists"].to_numpy(), index=counts["title"]).reindex(normalised).fillna(0)
    batch = Queries.titles_only(normalised, len(next(iter(models.values())).catalogue_))
    recs = {name: model.recommend_batch(batch, k) for name, model in models.items()}
    lines = [
        "# Qualitative comparison of the title models",
        "",
        "Top 10 tracks (track — artist) for each query title, title only (no seed tracks). Bucket = how many",
        "TRAIN playlists have exactly this normalised title.",
    ]
    for i, title in enumerate(titles):
        lines += [
            "",
            f"## {title!r} → {normalised[i]!r} ({bucket[i]}, {int(n_train.iloc[i])} train playlists)",
            "",
        ]
        lines += ["| # | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        cells = {
            name: [track_text(r.track_name, r.artist_name).replace("|", "/") for r in
                   models[name].catalogue_.describe(recs[name][i]).itertuples()]
            for name in names
        }  # fmt: skip
        for rank in range(k):
            row = [cells[name][rank] if rank < len(cells[name]) else "" for name in names]
            lines.append(f"| {rank + 1} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


@dataclass
class EvaluationResult:
    """Everything the evaluate stage writes."""

    compact: dict
    detail: dict
    by_scenario: pd.DataFrame
    by_bucket: pd.DataFrame
    qualitative: str
    llm: dict  # the "llm" entry of metrics/eval.json (see `llm_baseline`)


def load_typed_queries(root: Path, truth_dir: str, data: PipelineData) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Typed queries and each track's theme, when the data has a ground truth (`data.truth_dir`, else None).

    The truth must describe the data: `truth.TruthMismatchError` otherwise.
    """
    if not truth_dir:
        return None
    check_describes(root / truth_dir, data.playlists["pid"].to_numpy())
    return typed_queries(root / truth_dir), track_themes(root / truth_dir, data.catalogue.tracks["track_uri"])


def llm_baseline(
    root: Path,
    params: dict[str, Any],
    train: TrainSet,
    title_only: ScenarioQueries,
    fitted: dict[str, Recommender],
    title_counts: pd.DataFrame,
) -> dict[str, Any]:
    """The LLM and every fitted model on the same seeded sample of `eval.llm.sample` title-only queries.

    Returns the "llm" record of metrics/eval.json: status, backend, the run's counts (prompts, lines,
    matched share) and each model's headline metrics on the sample, comparable with each other.
    """
    cfg = params.get("eval", {})
    llm_cfg = cfg.get("llm") or {}
    generator = make_generator(llm_cfg, root)
    if generator is None:
        return dict(LLM_SKIPPED)
    sample = sample_scenario(title_only, llm_cfg.get("sample", 50), params.get("seed", 0))
    llm = LLMRecommender(generator, llm_cfg.get("n_songs", 20)).fit(train)
    track_artist = train.catalogue.tracks["artist_id"].to_numpy()
    bucket = title_buckets(sample.titles, title_counts)
    per_query = evaluate_models(
        {"llm": llm, **fitted}, [sample], [bucket], track_artist, cfg.get("n", 500), cfg.get("cutoffs", [10, 66])
    )
    means = per_query.groupby("model", sort=False)[list(HEADLINE)].mean().round(4)
    return {
        "status": "ok",
        "backend": generator.name,
        "scenario": sample.scenario.name,
        "n_queries": len(sample.pids),
        "n_songs": llm.n_songs,
        "run": llm.stats_.as_dict(),
        "models": means.to_dict(orient="index"),
    }


def run_evaluation(root: Path, params: dict[str, Any], models: Iterable[str] = MODELS) -> EvaluationResult:
    """The whole evaluation at `root`: fit on train, test scenarios, typed queries, qualitative report."""
    cfg = params.get("eval", {})
    n, cutoffs = cfg.get("n", 500), cfg.get("cutoffs", [10, 66])
    data = load_pipeline(root)
    train = data.train_set()
    fitted = {name: m.fit(train) for name, m in make_models(root, data.titles, params, models).items()}
    test_playlists, test_items = data.subset("test")
    scenarios = build_scenarios(test_playlists, test_items, len(data.catalogue), params.get("seed", 0))
    buckets = [title_buckets(s.titles, data.titles) for s in scenarios]
    track_artist = data.catalogue.tracks["artist_id"].to_numpy()
    per_query = evaluate_models(fitted, scenarios, buckets, track_artist, n, cutoffs)
    compact, detail, by_scenario, by_bucket = summarise(per_query)
    title_models = {k: v for k, v in fitted.items() if k in TITLE_MODELS}
    typed = load_typed_queries(root, params["data"]["truth_dir"], data)
    if typed is not None:
        per_typed = typed_query_metrics(title_models, *typed, n, cutoffs)
        for model, group in per_typed.groupby("model", sort=False):
            metric_cols = [c for c in group.columns if c not in ("model", "kind")]
            compact[model]["typed"] = group[metric_cols].mean().round(4).to_dict()
            detail[model]["typed"] = group.groupby("kind")[metric_cols].mean().round(4).to_dict(orient="index")
    qualitative = qualitative_report(title_models, QUALITATIVE_TITLES, data.titles)
    llm = llm_baseline(root, params, train, scenarios[0], fitted, data.titles)  # scenarios[0] is title_only
    return EvaluationResult(compact, detail, by_scenario, by_bucket, qualitative, llm)


def write_outputs(result: EvaluationResult, root: Path = Path(".")) -> None:
    """Write metrics/eval.json, metrics/eval_detail.json, the two plot tables and reports/qualitative.md."""
    write_json({**result.compact, "llm": result.llm}, root / "metrics" / "eval.json")
    write_json(result.detail, root / "metrics" / "eval_detail.json")
    for name, table in (("eval_by_scenario", result.by_scenario), ("eval_by_bucket", result.by_bucket)):
        with atomic_path(root / "metrics" / "plots" / f"{name}.csv") as tmp:
            table.to_csv(tmp, index=False)
    with atomic_path(root / "reports" / "qualitative.md") as tmp:
        tmp.write_text(result.qualitative, encoding="utf-8")


def summary_line(result: EvaluationResult) -> str:
    """One line: overall NDCG, R-precision and clicks of every model."""
    parts = [
        f"{model} ndcg {m['overall']['ndcg']:.3f} rprec {m['overall']['r_precision']:.3f} "
        f"clicks {m['overall']['clicks']:.2f}"
        for model, m in result.compact.items()
    ]
    return "eval: " + "; ".join(parts)
