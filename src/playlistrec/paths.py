"""Where the pipeline's files are, relative to the pipeline folder (the repository root): dvc.yaml mirrors these.

Stages and library functions take their paths from here, joined to a `root` folder where a caller may point
elsewhere (tests, benchmarks), instead of spelling them out; a test checks that every path below is declared
in dvc.yaml, so the two cannot drift apart silently.
"""

from __future__ import annotations

from pathlib import Path

PARAMS = Path("params.yaml")

# generate
GENERATED = Path("data/generated")
GENERATED_MPD = GENERATED / "mpd"  # MPD-format slices
GENERATED_TRUTH = GENERATED / "truth"  # the generator's ground truth (themes, typed queries)

# preprocess
PREPROCESSED = Path("data/preprocessed")
PLAYLISTS = PREPROCESSED / "playlists.parquet"
TRACKS = PREPROCESSED / "tracks.parquet"
ITEMS = PREPROCESSED / "items.parquet"
PREPROCESS_METRICS = Path("metrics/preprocess.json")

# export_onnx
ONNX_MODEL = Path("models/onnx/model.onnx")  # the base model's embedding function, for embed.backend onnx

# embed_tracks
EMBEDDINGS = Path("data/embeddings")
TRACK_VECTORS = EMBEDDINGS / "track_vectors.npy"
PLAYLIST_VECTORS = EMBEDDINGS / "playlist_vectors.npy"

# sweep
CLUSTER_SWEEP = Path("metrics/plots/cluster_sweep.csv")

# cluster
ASSIGNMENTS = Path("data/clusters/assignments.parquet")
CLUSTER_METRICS = Path("metrics/cluster.json")
CLUSTER_CHOSEN = Path("metrics/plots/cluster_chosen.csv")
CLUSTER_MAP = Path("metrics/plots/cluster_map.csv")

# split
SPLIT = Path("data/split/split.parquet")

# factorize: the train split's collaborative space (truncated SVD of the weighted playlist x track matrix)
CF_DIR = Path("data/cf")
ITEM_FACTORS = CF_DIR / "item_factors.npy"  # float32 [n_tracks, d], row i = track_id i
SINGULAR_VALUES = CF_DIR / "singular_values.npy"  # float32 [d]
PLAYLIST_FACTORS = CF_DIR / "playlist_factors.npy"  # float32 [n_train, d], train playlists by pid
CF_TARGETS = CF_DIR / "targets.parquet"  # (title, n_playlists, set): unique titles of train and val
CF_TARGET_VECTORS = CF_DIR / "targets.npy"  # float32 [n_titles, d] unit rows, in CF_TARGETS order

# finetune
FINETUNED = Path("models/finetuned")
FINETUNE_METRICS = Path("metrics/finetune.json")
FINETUNE_LOSS = Path("metrics/plots/finetune_loss.csv")

# finetune_cf: the title encoder trained into the collaborative space, with its projection to d
TITLE_CF = Path("models/title_cf")
FINETUNE_CF_METRICS = Path("metrics/finetune_cf.json")

# embed_titles
TITLES_DIR = Path("data/titles")
TITLES = TITLES_DIR / "titles.parquet"
# Its title encoders: name -> "pretrained" (the packaged base model) or a model folder.
TITLE_ENCODERS: dict[str, str | Path] = {"pretrained": "pretrained", "finetuned": FINETUNED, "cf": TITLE_CF}

# eval
RANKER = Path("models/ranker")  # the re-ranker's LightGBM booster (train_ranker stage)
RANKER_METRICS = Path("metrics/ranker.json")
RANKER_IMPORTANCE = Path("metrics/plots/ranker_importance.csv")
RANKER_CURVE = Path("metrics/plots/ranker_ndcg.csv")

EVAL_METRICS = Path("metrics/eval.json")
EVAL_DETAIL = Path("metrics/eval_detail.json")
EVAL_BY_SCENARIO = Path("metrics/plots/eval_by_scenario.csv")
EVAL_BY_BUCKET = Path("metrics/plots/eval_by_bucket.csv")
QUALITATIVE = Path("reports/qualitative.md")


def title_vectors_file(encoder: str) -> Path:
    """The embeddings of the unique train titles by one of `TITLE_ENCODERS` (rows in `TITLES` order)."""
    return TITLES_DIR / f"{encoder}.npy"
