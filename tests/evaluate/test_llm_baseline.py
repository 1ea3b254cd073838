"""The LLM baseline in the evaluation: skipped when unconfigured, the seeded sample, every model on it."""

import pandas as pd
from llm_fakes import title_only_queries, train_set

from playlistrec.evaluate.llm_baseline import LLM_SKIPPED, LLMSettings, llm_baseline, sample_scenario
from playlistrec.recommenders.popularity import PopularityRecommender


def settings(endpoint: str = "", model: str = "", sample: int = 50) -> LLMSettings:
    return LLMSettings(gguf_path="", endpoint=endpoint, model=model, sample=sample, n_songs=20)


def test_llm_baseline_skipped_when_unconfigured(tmp_path):
    train = train_set()
    record = llm_baseline(settings(), tmp_path, train, title_only_queries(train), {}, pd.DataFrame(), 500, [10], 0)
    assert record == LLM_SKIPPED
    assert LLM_SKIPPED["status"] == "skipped"


def test_sample_scenario_is_seeded_subset():
    queries = title_only_queries(train_set())
    sample = sample_scenario(queries, 2, seed=1)
    assert len(sample.pids) == 2 and set(sample.pids) <= set(queries.pids)
    assert sample.pids.tolist() == sample_scenario(queries, 2, seed=1).pids.tolist() == sorted(sample.pids)
    assert sample.truth.shape == (2, queries.truth.shape[1]) and len(sample.queries) == 2
    assert len(sample_scenario(queries, 50, seed=1).pids) == 4


def test_llm_baseline_scores_llm_and_others_on_the_same_sample(tmp_path, fake_ollama):
    endpoint, received = fake_ollama
    train = train_set()
    popular = PopularityRecommender().fit(train)
    counts = pd.DataFrame({"title": ["workout"], "n_playlists": [5]})
    record = llm_baseline(
        settings(endpoint, "fake", sample=3), tmp_path, train, title_only_queries(train), {"popular": popular},
        counts, n=6, cutoffs=[2], seed=0,
    )  # fmt: skip
    assert record["status"] == "ok" and record["backend"].startswith("ollama:fake@")
    assert record["n_queries"] == 3 and record["scenario"] == "title_only"
    assert record["run"]["queries"] == len(received) == 2  # one prompt per distinct title of the sample
    assert record["run"]["matched_share"] == round(5 / 6, 4)
    assert set(record["models"]) == {"llm", "popular"}
    # truth is tracks 1 and 3, which the reply names first: the LLM beats popularity on this sample
    assert record["models"]["llm"]["ndcg"] == 1.0 > record["models"]["popular"]["ndcg"]
