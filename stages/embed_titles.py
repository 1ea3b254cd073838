"""Stage embed_titles: unique normalised TRAIN titles, embedded by the pretrained and the fine-tuned model."""

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa

from playlistrec.encoders import Encoder
from playlistrec.io import load_params, write_npy, write_parquet
from playlistrec.process import run_stage

OUT = Path("data/titles")


def main() -> None:
    batch_size = load_params()["embed"]["batch_size"]
    split = pd.read_parquet("data/split/split.parquet", columns=["pid", "set"])
    playlists = pd.read_parquet("data/preprocessed/playlists.parquet", columns=["pid", "title"])
    train = playlists.merge(split[split["set"] == "train"], on="pid")
    counts = train.loc[train["title"] != "", "title"].value_counts().sort_index()
    titles = counts.index.tolist()
    write_parquet(pa.table({"title": titles, "n_playlists": counts.to_numpy().astype("int32")}), OUT / "titles.parquet")
    for name, model in (("pretrained", "pretrained"), ("finetuned", "models/finetuned")):
        write_npy(Encoder(model).encode(titles, batch_size=batch_size, progress=True), OUT / f"{name}.npy")
    print(f"embed_titles: {len(titles)} unique train titles embedded by the pretrained and fine-tuned encoders")


if __name__ == "__main__":
    sys.exit(run_stage(main))
