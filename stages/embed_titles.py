"""Stage embed_titles: unique normalised TRAIN titles, embedded by the pretrained and the fine-tuned model."""

import sys

import pandas as pd
import pyarrow as pa

from playlistrec import paths
from playlistrec.encoders import Encoder
from playlistrec.io import load_params, write_npy, write_parquet
from playlistrec.process import run_stage


def main() -> None:
    params = load_params()["embed"]
    split = pd.read_parquet(paths.SPLIT, columns=["pid", "set"])
    playlists = pd.read_parquet(paths.PLAYLISTS, columns=["pid", "title"])
    train = playlists.merge(split[split["set"] == "train"], on="pid")
    counts = train.loc[train["title"] != "", "title"].value_counts().sort_index()
    titles = counts.index.tolist()
    write_parquet(pa.table({"title": titles, "n_playlists": counts.to_numpy().astype("int32")}), paths.TITLES)
    for name, model in paths.TITLE_ENCODERS.items():
        vectors = Encoder(model, device=params["device"]).encode(titles, params["batch_size"], progress=True)
        write_npy(vectors, paths.title_vectors_file(name))
    print(f"embed_titles: {len(titles)} unique train titles embedded by the pretrained and fine-tuned encoders")


if __name__ == "__main__":
    sys.exit(run_stage(main))
