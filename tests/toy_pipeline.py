"""A tiny hand-built pipeline folder (the artefacts the eval stage and the front ends read), rock and pop.

Tracks 0-9 are rock, 10-19 pop, track 20 is only in the test playlists; title vectors are the toy
bag-of-words encoder's (tests/toy.py), for every encoder; the `cf` encoder's folder holds only its Dense
projection (`toy.cf_space`), next to the train split's collaborative basis in data/cf.
"""

import json

import numpy as np
import pandas as pd
import yaml
from safetensors.numpy import save_file
from toy import BagOfWords, cf_space

from playlistrec import paths
from playlistrec.evaluate.llm_baseline import LLMSettings
from playlistrec.evaluate.run import EvalSettings
from playlistrec.recommenders.data import playlist_track_matrix

ROCK, POP = range(0, 10), range(10, 20)  # track ids by theme; track 20 only in a test playlist
TRAIN_TITLES = ["rock"] * 10 + ["rock classics"] * 5 + ["pop"] * 10 + ["pop hits"] * 5
TEST_TITLES = ["rock", "pop", "classics", "Pop Hits!"]
HYPER = {"top_m": 3}  # the `recommend` section of its params.yaml
TRUTH_DIR = "data/generated/truth"


def settings(typed: bool) -> EvalSettings:
    """Lists of 15, the default cut-offs, the ground truth when `typed`, no LLM."""
    return EvalSettings(
        n=15, cutoffs=[10, 66], seed=1, truth_dir=TRUTH_DIR if typed else "", llm=LLMSettings("", "", "", 50, 20)
    )


def uri(i: int) -> str:
    return f"spotify:track:{i:022d}"


def write_cf(root, basis, projection) -> None:
    """data/cf's basis files and a models/title_cf folder holding the projection as sentence-transformers saves it."""
    (root / paths.CF_DIR).mkdir(parents=True)
    np.save(root / paths.ITEM_FACTORS, basis.item_factors)
    np.save(root / paths.SINGULAR_VALUES, basis.singular_values)
    dense = root / paths.TITLE_CF / "3_Dense"
    dense.mkdir(parents=True)
    (root / paths.TITLE_CF / "config.json").write_text("{}")
    modules = [
        {"path": path, "type": f"sentence_transformers.{kind}"}
        for path, kind in (
            ("", "Transformer"),
            ("1_Pooling", "Pooling"),
            ("2_Normalize", "Normalize"),
            ("3_Dense", "Dense"),
        )
    ]
    (root / paths.TITLE_CF / "modules.json").write_text(json.dumps(modules))
    config = {"out_features": len(projection.bias), "activation_function": "torch.nn.modules.linear.Identity"}
    (dense / "config.json").write_text(json.dumps(config))
    save_file({"linear.weight": projection.weight, "linear.bias": projection.bias}, str(dense / "model.safetensors"))


def write_artefacts(root, typed: bool) -> None:
    """data/preprocessed, data/split, data/titles (+ the ground truth when `typed`) and params.yaml under root."""
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
    for name in paths.TITLE_ENCODERS:
        np.save(titles_dir / f"{name}.npy", BagOfWords().encode(list(counts.index)))
    train_items = [(pid, track) for pid, _, track in items if sets[pid] == "train"]
    rows, cols = np.array(train_items).T
    matrix = playlist_track_matrix(rows, cols, len(TRAIN_TITLES), 21)
    write_cf(root, *cf_space(matrix, np.array(TRAIN_TITLES, dtype=object)))
    (root / "params.yaml").write_text(yaml.safe_dump({"recommend": HYPER}))
    if typed:
        truth = root / TRUTH_DIR
        truth.mkdir(parents=True)
        themes = ["rock" if "rock" in title.lower() or "classics" in title else "pop" for title in titles]
        pd.DataFrame({"pid": range(len(titles)), "primary_theme": themes}).to_parquet(truth / "playlists.parquet")
        pd.DataFrame({"query": ["classics", "hits"], "theme": ["rock", "pop"], "kind": ["synonym"] * 2}).to_parquet(
            truth / "queries.parquet"
        )
        pd.DataFrame({"track_uri": [uri(i) for i in range(20)], "theme": ["rock"] * 10 + ["pop"] * 10}).to_parquet(
            truth / "tracks.parquet"
        )
