"""Stage split: about 80/10/10 train/val/test by a salted hash of the pid (see `playlistrec.split`).

It reads the preprocessed playlists only, so no experiment on the clusters, the encoder or the models moves
a playlist to another set: their metrics are always measured on the same test playlists.
"""

import sys

import pandas as pd
import pyarrow as pa

from playlistrec import paths
from playlistrec.io import load_params, write_parquet
from playlistrec.process import run_stage
from playlistrec.split import hash_split


def main() -> None:
    params = load_params()
    cfg = params["split"]
    pids = pd.read_parquet(paths.PLAYLISTS, columns=["pid"])["pid"].to_numpy()
    split = hash_split(pids, cfg["val_share"], cfg["test_share"], params["seed"])
    write_parquet(pa.Table.from_pandas(split, preserve_index=False), paths.SPLIT)
    counts = split["set"].value_counts()
    print(f"split: {counts.get('train', 0)} train, {counts.get('val', 0)} val, {counts.get('test', 0)} test playlists")


if __name__ == "__main__":
    sys.exit(run_stage(main))
