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

# finetune
FINETUNED = Path("models/finetuned")
FINETUNE_METRICS = Path("metrics/finetune.json")
FINETUNE_LOSS = Path("metrics/plots/finetune_loss.csv")

# embed_titles
TITLES_DIR = Path("data/titles")
TITLES = TITLES_DIR / "titles.parquet"
# Its title encoders: name -> "pretrained" (the packaged base model) or a model folder.
TITLE_ENCODERS: dict[str, str | Path] = {"pretrained": "pretrained", "finetuned": FINETUNED}

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
