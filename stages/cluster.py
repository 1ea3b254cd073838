"""Stage cluster: the k-means model at `k`, the misc filter, a 2-D map (the sweep over k is the `sweep` stage).

With a ground truth (`data.truth_dir`, the synthetic default) it also reports the NMI between the clusters and
the generator's primary themes; a truth folder that does not describe the data ends the stage with one line
``error: <message>`` and exit status 1.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.manifold import TSNE
from sklearn.metrics import normalized_mutual_info_score

from playlistrec import paths
from playlistrec.clustering import PlaylistClusterer
from playlistrec.io import load_params, write_csv, write_json, write_parquet
from playlistrec.process import run_stage
from playlistrec.truth import TruthMismatchError, primary_themes


def theme_nmi(truth_dir: str, pids: np.ndarray, labels: np.ndarray) -> float | None:
    """NMI between clusters and the generator's primary themes (None for data without a ground truth)."""
    if not truth_dir:
        return None
    return round(float(normalized_mutual_info_score(primary_themes(Path(truth_dir), pids), labels)), 4)


def cluster_map(vectors: np.ndarray, labels: np.ndarray, sample: int, seed: int) -> pd.DataFrame:
    """t-SNE coordinates of a seeded sample of playlists, for the 2-D map plot."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False))
    xy = TSNE(n_components=2, init="pca", random_state=seed, perplexity=min(30, len(rows) - 1)).fit_transform(
        vectors[rows]
    )
    return pd.DataFrame({"x": xy[:, 0].round(3), "y": xy[:, 1].round(3), "cluster": labels[rows]})


def main() -> int:
    """Run the stage; return the process exit status."""
    params = load_params()
    cfg, k, seed = params["cluster"], params["k"], params["seed"]
    playlists = pd.read_parquet(paths.PLAYLISTS, columns=["pid", "title"])
    vectors = np.load(paths.PLAYLIST_VECTORS)
    titles = playlists["title"].tolist()

    model = PlaylistClusterer(k, cfg["min_coherence"], seed, cfg["n_init"]).fit(vectors, titles)
    pids = playlists["pid"].to_numpy()
    summary = model.summary()
    try:
        summary["theme_nmi"] = theme_nmi(params["data"]["truth_dir"], pids, model.labels_)
    except TruthMismatchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    write_parquet(pa.table({"pid": pids, "cluster": model.labels_, "kept": model.kept_}), paths.ASSIGNMENTS)
    write_json(summary, paths.CLUSTER_METRICS)
    write_csv(pd.DataFrame([{"k": k, **summary}]), paths.CLUSTER_CHOSEN, float_format="%.6g")
    write_csv(cluster_map(vectors, model.labels_, cfg["map_sample"], seed), paths.CLUSTER_MAP)
    print(
        f"cluster: k={k}, {summary['kept_clusters']} clusters kept ({summary['kept_share']:.1%} of playlists), "
        f"mean coherence {summary['mean_coherence']:.3f}, theme NMI {summary['theme_nmi']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(run_stage(main))
