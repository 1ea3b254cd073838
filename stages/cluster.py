"""Stage cluster: k-means sweep (elbow + coherence), the model at `k`, the misc filter, a 2-D map."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.manifold import TSNE
from sklearn.metrics import normalized_mutual_info_score

from playlistrec.clustering import PlaylistClusterer, sweep
from playlistrec.io import load_params, write_json, write_parquet
from playlistrec.process import run_stage

PLOTS = Path("metrics/plots")
GENERATED_MPD = "data/generated/mpd"
TRUTH = Path("data/generated/truth/playlists.parquet")


def theme_nmi(pids: np.ndarray, labels: np.ndarray) -> float | None:
    """NMI between clusters and the generator's primary themes (only on the synthetic default data)."""
    truth = pd.read_parquet(TRUTH, columns=["pid", "primary_theme"]).set_index("pid")["primary_theme"]
    return float(normalized_mutual_info_score(truth.reindex(pids).to_numpy(), labels))


def cluster_map(vectors: np.ndarray, labels: np.ndarray, sample: int, seed: int) -> pd.DataFrame:
    """t-SNE coordinates of a seeded sample of playlists, for the 2-D map plot."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False))
    xy = TSNE(n_components=2, init="pca", random_state=seed, perplexity=min(30, len(rows) - 1)).fit_transform(
        vectors[rows]
    )
    return pd.DataFrame({"x": xy[:, 0].round(3), "y": xy[:, 1].round(3), "cluster": labels[rows]})


def main() -> None:
    params = load_params()
    cfg, k, seed = params["cluster"], params["k"], params["seed"]
    playlists = pd.read_parquet("data/preprocessed/playlists.parquet", columns=["pid", "title"])
    vectors = np.load("data/embeddings/playlist_vectors.npy")
    titles = playlists["title"].tolist()

    table = sweep(vectors, titles, cfg["sweep"], cfg["min_coherence"], seed, cfg["n_init"])
    model = PlaylistClusterer(k, cfg["min_coherence"], seed, cfg["n_init"]).fit(vectors, titles)
    pids = playlists["pid"].to_numpy()
    write_parquet(
        pa.table({"pid": pids, "cluster": model.labels_, "kept": model.kept_}),
        "data/clusters/assignments.parquet",
    )
    summary = model.summary()
    summary["theme_nmi"] = theme_nmi(pids, model.labels_) if params["data"]["mpd_dir"] == GENERATED_MPD else None
    write_json(summary, "metrics/cluster.json")
    PLOTS.mkdir(parents=True, exist_ok=True)
    table.to_csv(PLOTS / "cluster_sweep.csv", index=False, float_format="%.6g")
    pd.DataFrame([summary]).to_csv(PLOTS / "cluster_chosen.csv", index=False, float_format="%.6g")
    cluster_map(vectors, model.labels_, cfg["map_sample"], seed).to_csv(PLOTS / "cluster_map.csv", index=False)
    print(
        f"cluster: k={k}, {summary['kept_clusters']} clusters kept ({summary['kept_share']:.1%} of playlists), "
        f"mean coherence {summary['mean_coherence']:.3f}, theme NMI {summary['theme_nmi']}"
    )


if __name__ == "__main__":
    sys.exit(run_stage(main))
