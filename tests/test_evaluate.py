"""The evaluate stage end to end on a tiny hand-built artefact tree (toy bag-of-words encoder)."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from test_recommend import BagOfWords

from playlistrec import evaluate
from playlistrec.recommend import QueryEncoder, UnknownTrackError
from playlistrec.truth import TruthMismatchError

ROCK, POP = range(0, 10), range(10, 20)  # track ids by theme; track 20 only in a test playlist
TRAIN_TITLES = ["rock"] * 10 + ["rock classics"] * 5 + ["pop"] * 10 + ["pop hits"] * 5
TEST_TITLES = ["rock", "pop", "classics", "Pop Hits!"]


def uri(i: int) -> str:
    return f"spotify:track:{i:022d}"


def write_artefacts(root, typed: bool) -> None:
    """data/preprocessed, data/split, data/titles (+ truth when `typed`) and params.yaml under root."""
    rng = np.random.default_rng(0)
    titles = TRAIN_TITLES + TEST_TITLES
    sets = ["train"] * len(TRAIN_TITLES) + ["test"] * len(TEST_TITLES)
    items = []
    for pid, title in enumerate(titles):
        pool = ROCK if "rock" in title.lower() or "classics" in title else POP
        tracks = list(rng.choice(pool, size=7, replace=False)) + ([20] if sets[pid] == "test" else [])
        items += [(pid, pos, int(t)) for pos, t in enumerate(tracks)]
    pre, titles_dir = root / "data" / "preprocessed", root / "data" / "titles"
    for folder in (pre, titles_dir, root / "data" / "split"):
        folder.mkdir(parents=True)
    normalised = [t.lower().replace("!", "") for t in titles]
    pd.DataFrame({"pid": range(len(titles)), "name": titles, "title": normalised}).to_parquet(pre / "playlists.parquet")
    pd.DataFrame(items, columns=["pid", "pos", "track_id"]).to_parquet(pre / "items.parquet")
    pd.DataFrame(
        {
            "track_id": np.arange(21, dtype=np.int32),
            "track_uri": [uri(i) for i in range(21)],
            "track_name": [f"song {i}" for i in range(21)],
            "artist_id": np.arange(21, dtype=np.int32) // 2,
            "artist_name": [f"artist {i // 2}" for i in range(21)],
        }
    ).to_parquet(pre / "tracks.parquet")
    pd.DataFrame({"pid": range(len(titles)), "cluster": 0, "set": sets}).to_parquet(
        root / "data" / "split" / "split.parquet"
    )
    counts = pd.Series(TRAIN_TITLES).value_counts().sort_index()
    pd.DataFrame({"title": counts.index, "n_playlists": counts.to_numpy(dtype="int32")}).to_parquet(
        titles_dir / "titles.parquet"
    )
    for name in ("pretrained", "finetuned"):
        np.save(titles_dir / f"{name}.npy", BagOfWords().encode(list(counts.index)))
    truth_dir = "data/generated/truth" if typed else ""
    params = {"seed": 1, "data": {"truth_dir": truth_dir}, "recommend": {"top_m": 3}, "eval": {"n": 15}}
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    if typed:
        truth = root / truth_dir
        truth.mkdir(parents=True)
        themes = ["rock" if "rock" in title.lower() or "classics" in title else "pop" for title in titles]
        pd.DataFrame({"pid": range(len(titles)), "primary_theme": themes}).to_parquet(truth / "playlists.parquet")
        pd.DataFrame({"query": ["classics", "hits"], "theme": ["rock", "pop"], "kind": ["synonym"] * 2}).to_parquet(
            truth / "queries.parquet"
        )
        pd.DataFrame({"track_uri": [uri(i) for i in range(20)], "theme": ["rock"] * 10 + ["pop"] * 10}).to_parquet(
            truth / "tracks.parquet"
        )


@pytest.fixture()
def toy_encoder(monkeypatch):
    monkeypatch.setattr(evaluate, "QueryEncoder", lambda model, known=None: QueryEncoder(BagOfWords()))


def test_title_buckets():
    counts = pd.DataFrame({"title": ["a", "b", "c"], "n_playlists": [150, 10, 9]})
    assert evaluate.title_buckets(["a", "b", "c", "d"], counts).tolist() == [
        "head",
        "torso",
        "tail",
        "unseen",
    ]


def test_load_recommenders_fits_on_train_and_looks_up_uris(tmp_path, toy_encoder):
    write_artefacts(tmp_path, typed=False)
    models = evaluate.load_recommenders(tmp_path)
    assert list(models) == list(evaluate.MODELS)
    rock = set(models["title_finetuned"].recommend("Rock", n=10))
    assert rock == {uri(i) for i in ROCK}
    blend = models["blend"].recommend("", [uri(12)], n=5)
    assert uri(12) not in blend and set(blend) <= {uri(i) for i in POP}
    assert uri(20) not in models["popular"].recommend(n=20)  # only in a test playlist
    with pytest.raises(UnknownTrackError):
        models["blend"].recommend("rock", ["spotify:track:missing"])
    only = evaluate.load_recommenders(tmp_path, models=["exact_title"])
    assert list(only) == ["exact_title"]


def test_evaluation_writes_every_output(tmp_path, toy_encoder):
    write_artefacts(tmp_path, typed=True)
    result = evaluate.run_evaluation(tmp_path, yaml.safe_load((tmp_path / "params.yaml").read_text()))
    evaluate.write_outputs(result, tmp_path)
    compact = json.loads((tmp_path / "metrics" / "eval.json").read_text())
    assert compact.pop("llm") == {
        "status": "skipped",
        "reason": "no eval.llm.gguf_path or eval.llm.endpoint configured",
    }
    assert set(compact) == set(evaluate.MODELS)
    title_only = {m: compact[m]["scenario"]["title_only"] for m in compact}
    assert title_only["title_finetuned"]["ndcg"] > title_only["popular"]["ndcg"]
    assert compact["exact_title"]["bucket"]["unseen"]["ndcg"] < compact["title_finetuned"]["bucket"]["unseen"]["ndcg"]
    for model in compact.values():
        assert set(model["overall"]) == {"ndcg", "r_precision", "clicks"}
        assert all(0 <= v["ndcg"] <= 1 and 0 <= v["clicks"] <= 51 for v in model["scenario"].values())
    assert compact["title_pretrained"]["typed"]["theme_precision@10"] == 1.0  # synonyms hit their theme
    assert compact["popular"]["overall"] and "typed" not in compact["popular"]
    detail = json.loads((tmp_path / "metrics" / "eval_detail.json").read_text())
    assert set(detail["blend"]["scenario"]["title_only"]) == {"all", "torso", "tail", "unseen"}
    by_scenario = pd.read_csv(tmp_path / "metrics" / "plots" / "eval_by_scenario.csv")
    assert {"model", "scenario", "ndcg", "r_precision", "clicks", "recall@66", "n_queries"} <= set(by_scenario)
    assert (by_scenario.loc[by_scenario["scenario"] == "title_only", "n_queries"] == 4).all()
    by_bucket = pd.read_csv(tmp_path / "metrics" / "plots" / "eval_by_bucket.csv")
    assert set(by_bucket["bucket"]) == {"torso", "tail", "unseen"}
    report = (tmp_path / "reports" / "qualitative.md").read_text()
    assert "'K-pop'" in report and "song 0 — artist 0" in report
    assert evaluate.summary_line(result).startswith("eval: popular ndcg")


def test_theme_truth_marks_the_tracks_of_the_querys_theme():
    track_theme = np.array(["rock", "", "pop", "rock"], dtype=object)
    truth = evaluate.theme_truth(np.array(["rock", "pop", "jazz"], dtype=object), track_theme).toarray()
    np.testing.assert_array_equal(truth, [[1, 0, 0, 1], [0, 0, 1, 0], [0, 0, 0, 0]])


def test_evaluation_without_a_ground_truth_has_no_typed_queries(tmp_path, toy_encoder):
    write_artefacts(tmp_path, typed=False)
    result = evaluate.run_evaluation(tmp_path, yaml.safe_load((tmp_path / "params.yaml").read_text()))
    assert not any("typed" in metrics for metrics in result.compact.values())


def test_a_truth_that_does_not_describe_the_data_is_refused(tmp_path, toy_encoder):
    write_artefacts(tmp_path, typed=True)
    truth = tmp_path / "data" / "generated" / "truth" / "playlists.parquet"
    pd.read_parquet(truth).iloc[1:].to_parquet(truth)  # playlist 0 has no theme any more
    with pytest.raises(TruthMismatchError, match=r"no theme for playlist pid 0 \(1 playlists .*data.truth_dir"):
        evaluate.run_evaluation(tmp_path, yaml.safe_load((tmp_path / "params.yaml").read_text()))
