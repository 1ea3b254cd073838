"""Stage split: 80/10/10 train/val/test by playlist, stratified by cluster."""

import sys

import pandas as pd
import pyarrow as pa

from playlistrec import paths
from playlistrec.io import load_params, write_parquet
from playlistrec.process import run_stage
from playlistrec.split import stratified_split


def main() -> None:
    params = load_params()
    cfg = params["split"]
    assignments = pd.read_parquet(paths.ASSIGNMENTS, columns=["pid", "cluster"])
    split = stratified_split(
        assignments["pid"].to_numpy(),
        assignments["cluster"].to_numpy(),
        cfg["val_share"],
        cfg["test_share"],
        params["seed"],
    )
    write_parquet(pa.Table.from_pandas(split, preserve_index=False), paths.SPLIT)
    counts = split["set"].value_counts()
    print(f"split: {counts.get('train', 0)} train, {counts.get('val', 0)} val, {counts.get('test', 0)} test playlists")


if __name__ == "__main__":
    sys.exit(run_stage(main))
