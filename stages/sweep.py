"""Stage sweep: k-means for every k in `cluster.sweep`, the table behind the elbow and coherence plots.

With `cluster.sample` the fits see a random sample of the playlists (the final model in `cluster` sees
all). It is a stage of its own because it does not depend on `k`: `dvc exp run -S k=...` re-runs only the
`cluster` stage's single fit, not the whole sweep.
"""

import sys

import numpy as np
import pandas as pd

from playlistrec import paths
from playlistrec.clustering import sweep
from playlistrec.io import load_params, write_csv
from playlistrec.process import run_stage


def main() -> None:
    params = load_params()
    cfg = params["cluster"]
    titles = pd.read_parquet(paths.PLAYLISTS, columns=["title"])["title"].tolist()
    vectors = np.load(paths.PLAYLIST_VECTORS)
    table = sweep(vectors, titles, cfg["sweep"], cfg["min_coherence"], params["seed"], cfg["n_init"], cfg["sample"])
    write_csv(table, paths.CLUSTER_SWEEP, float_format="%.6g")
    seen = min(len(vectors), cfg["sample"] or len(vectors))
    print(f"sweep: k-means at k = {', '.join(str(k) for k in table['k'])} on {seen} of {len(vectors)} playlists")


if __name__ == "__main__":
    sys.exit(run_stage(main))
