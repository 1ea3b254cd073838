"""The eval stage's work: fit every model on the train split, run the test scenarios, typed queries, the
qualitative report and the LLM baseline, and write the metrics, plots and report.

Settings arrive as plain values (the stage maps params.yaml onto `EvalSettings`); models come from the
registry with the `recommend` hyper-parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from playlistrec import paths
from playlistrec.artefacts import load_pipeline
from playlistrec.evaluate.aggregate import evaluate_models, summarise, title_buckets, title_headline
from playlistrec.evaluate.llm_baseline import LLMSettings, llm_baseline
from playlistrec.evaluate.qualitative import QUALITATIVE_TITLES, qualitative_report
from playlistrec.evaluate.typed import typed_query_metrics
from playlistrec.io import atomic_path, write_csv, write_json
from playlistrec.recommenders.registry import MODELS, make_models, with_artefacts
from playlistrec.scenarios import build_scenarios
from playlistrec.truth import check_describes, track_themes, typed_queries


@dataclass(frozen=True)
class EvalSettings:
    """How the evaluation runs: list length `n`, precision/recall/MRR `cutoffs`, the random `seed`, the ground
    truth folder (relative to the pipeline folder; "" for data without one) and the LLM baseline's settings."""

    n: int
    cutoffs: Sequence[int]
    seed: int
    truth_dir: str
    llm: LLMSettings


@dataclass
class EvaluationResult:
    """Everything the evaluate stage writes: `headline` is metrics/eval.json, `detail` eval_detail.json."""

    headline: dict
    detail: dict
    by_scenario: pd.DataFrame
    by_bucket: pd.DataFrame
    qualitative: str
    llm: dict  # the LLM baseline's record (see `llm_baseline`): its headline in eval.json, all of it in the detail


def run_evaluation(
    root: Path, hyper: Mapping[str, Any], settings: EvalSettings, models: Iterable[str] = MODELS
) -> EvaluationResult:
    """The whole evaluation at `root`: fit on train, test scenarios, typed queries, qualitative report.

    `hyper`: the models' hyper-parameters (see `registry`). Typed queries are scored when there is a truth
    folder; it must describe the data (`truth.TruthMismatchError` otherwise).
    """
    n, cutoffs = settings.n, settings.cutoffs
    data = load_pipeline(root)
    train = data.train_set()
    test_playlists, test_items = data.subset("test")
    catalogue, train_titles, pids = train.catalogue, data.titles, data.playlists["pid"].to_numpy()
    del data  # its items (65M rows on the full MPD) are not held past here: `train` has them as a matrix
    fitted = {name: m.fit(train) for name, m in make_models(models, with_artefacts(hyper, root)).items()}
    scenarios = build_scenarios(test_playlists, test_items, len(catalogue), settings.seed)
    buckets = [title_buckets(s.titles, train_titles) for s in scenarios]
    track_artist = catalogue.tracks["artist_id"].to_numpy()
    per_query = evaluate_models(fitted, scenarios, buckets, track_artist, n, cutoffs)
    headline, detail, by_scenario, by_bucket = summarise(per_query)
    # The title models: those reading the title and not the seeds (typed queries and the report compare them).
    title_models = {k: v for k, v in fitted.items() if v.uses_title and not v.uses_seeds}
    for model in title_models:
        headline[model].update(title_headline(detail, model))
    if settings.truth_dir:
        truth_dir = root / settings.truth_dir
        check_describes(truth_dir, pids)
        queries = typed_queries(truth_dir)
        per_typed = typed_query_metrics(
            title_models, queries, track_themes(truth_dir, catalogue.tracks["track_uri"]), n, cutoffs
        )
        for model, group in per_typed.groupby("model", sort=False):
            metric_cols = [c for c in group.columns if c not in ("model", "kind")]
            means = group[metric_cols].mean().round(4)
            headline[model]["typed_ndcg"] = means["ndcg"]
            by_kind = group.groupby("kind")[metric_cols].mean().round(4).to_dict(orient="index")
            detail[model]["typed"] = {"all": means.to_dict(), **by_kind}
    qualitative = qualitative_report(title_models, QUALITATIVE_TITLES, train_titles)
    # scenarios[0] is title_only
    llm = llm_baseline(settings.llm, root, train, scenarios[0], fitted, train_titles, n, cutoffs, settings.seed)
    return EvaluationResult(headline, detail, by_scenario, by_bucket, qualitative, llm)


def llm_headline(record: dict[str, Any]) -> dict[str, Any]:
    """The LLM baseline in metrics/eval.json: its status and, when it ran, its own headline figures on the sample."""
    return {"status": record["status"], **record.get("models", {}).get("llm", {})}


def write_outputs(result: EvaluationResult, root: Path = Path(".")) -> None:
    """Write metrics/eval.json, metrics/eval_detail.json, the two plot tables and reports/qualitative.md."""
    write_json({**result.headline, "llm": llm_headline(result.llm)}, root / paths.EVAL_METRICS)
    write_json({**result.detail, "llm": result.llm}, root / paths.EVAL_DETAIL)
    write_csv(result.by_scenario, root / paths.EVAL_BY_SCENARIO)
    write_csv(result.by_bucket, root / paths.EVAL_BY_BUCKET)
    with atomic_path(root / paths.QUALITATIVE) as tmp:
        tmp.write_text(result.qualitative, encoding="utf-8")


def summary_line(result: EvaluationResult) -> str:
    """One line: overall NDCG, R-precision and clicks of every model."""
    parts = [
        f"{model} ndcg {m['ndcg']:.3f} rprec {m['r_precision']:.3f} clicks {m['clicks']:.2f}"
        for model, m in result.headline.items()
    ]
    return "eval: " + "; ".join(parts)
