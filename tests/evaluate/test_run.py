"""The evaluation end to end on a tiny hand-built pipeline folder (tests/toy_pipeline.py, toy encoder)."""

import json

import pandas as pd
import pytest
import toy_pipeline

from playlistrec.evaluate.run import run_evaluation, summary_line, write_outputs
from playlistrec.recommenders.registry import MODELS
from playlistrec.truth import TruthMismatchError


def test_evaluation_writes_every_output(tmp_path, toy_encoder):
    toy_pipeline.write_artefacts(tmp_path, typed=True)
    result = run_evaluation(tmp_path, toy_pipeline.HYPER, toy_pipeline.settings(typed=True))
    write_outputs(result, tmp_path)
    headline = json.loads((tmp_path / "metrics" / "eval.json").read_text())
    assert headline.pop("llm") == {"status": "skipped"}
    assert set(headline) == set(MODELS)
    title_models = {"exact_title", "report", "title_pretrained", "title_finetuned", "title_cf"}
    for model, figures in headline.items():
        extra = {"tail_ndcg", "unseen_ndcg", "typed_ndcg"} if model in title_models else set()
        assert set(figures) == {"ndcg", "r_precision", "clicks"} | extra, model
        assert 0 <= figures["ndcg"] <= 1 and 0 <= figures["clicks"] <= 51
    assert headline["exact_title"]["unseen_ndcg"] < headline["title_finetuned"]["unseen_ndcg"]
    detail = json.loads((tmp_path / "metrics" / "eval_detail.json").read_text())
    assert detail["llm"]["reason"] == "no eval.llm.gguf_path or eval.llm.endpoint configured"
    title_only = {m: detail[m]["scenario"]["title_only"]["all"] for m in MODELS}
    assert title_only["title_finetuned"]["ndcg"] > title_only["popular"]["ndcg"]
    assert set(detail["blend"]["scenario"]["title_only"]) == {"all", "torso", "tail", "unseen"}
    unseen = detail["title_finetuned"]["scenario"]["title_only"]["unseen"]
    assert unseen["ndcg"] == headline["title_finetuned"]["unseen_ndcg"]
    assert detail["title_pretrained"]["typed"]["all"]["theme_precision@10"] == 1.0  # synonyms hit their theme
    assert set(detail["title_pretrained"]["typed"]) == {"all", "synonym"}
    assert "typed" not in detail["popular"] and "typed" not in detail["blend"]  # the title models only
    by_scenario = pd.read_csv(tmp_path / "metrics" / "plots" / "eval_by_scenario.csv")
    assert {"model", "scenario", "ndcg", "r_precision", "clicks", "recall@66", "n_queries"} <= set(by_scenario)
    assert (by_scenario.loc[by_scenario["scenario"] == "title_only", "n_queries"] == 4).all()
    by_bucket = pd.read_csv(tmp_path / "metrics" / "plots" / "eval_by_bucket.csv")
    assert set(by_bucket["bucket"]) == {"torso", "tail", "unseen"}
    report = (tmp_path / "reports" / "qualitative.md").read_text()
    assert "'K-pop'" in report and "song 0 — artist 0" in report
    assert "| # | exact_title | report | title_pretrained | title_finetuned | title_cf |" in report  # the title models
    assert summary_line(result).startswith("eval: popular ndcg")


def test_evaluation_without_a_ground_truth_has_no_typed_queries(tmp_path, toy_encoder):
    toy_pipeline.write_artefacts(tmp_path, typed=False)
    result = run_evaluation(tmp_path, toy_pipeline.HYPER, toy_pipeline.settings(typed=False))
    assert not any("typed_ndcg" in figures for figures in result.headline.values())
    assert not any("typed" in figures for figures in result.detail.values())


def test_a_truth_that_does_not_describe_the_data_is_refused(tmp_path, toy_encoder):
    toy_pipeline.write_artefacts(tmp_path, typed=True)
    truth = tmp_path / toy_pipeline.TRUTH_DIR / "playlists.parquet"
    pd.read_parquet(truth).iloc[1:].to_parquet(truth)  # playlist 0 has no theme any more
    with pytest.raises(TruthMismatchError, match=r"no theme for playlist pid 0 \(1 playlists .*data.truth_dir"):
        run_evaluation(tmp_path, toy_pipeline.HYPER, toy_pipeline.settings(typed=True))
