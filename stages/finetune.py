"""Stage finetune: train the title encoder on (title -> cluster) and prove retrieval sees the change."""

import sys
import time

import numpy as np
import pandas as pd

from playlistrec import paths
from playlistrec.encoders import Encoder
from playlistrec.finetune import FinetuneConfig, finetune, same_cluster_recall, title_targets
from playlistrec.io import atomic_path, load_params, write_json
from playlistrec.process import run_stage


def main() -> None:
    params = load_params()
    cfg = params["finetune"]
    config = FinetuneConfig(
        **{key: cfg[key] for key in FinetuneConfig.__dataclass_fields__ if key in cfg},
        seed=params["seed"],
        device=params["embed"]["device"],
    )
    split = pd.read_parquet(paths.SPLIT, columns=["pid", "set"])
    clusters = pd.read_parquet(paths.ASSIGNMENTS, columns=["pid", "cluster", "kept"])
    titles = pd.read_parquet(paths.PLAYLISTS, columns=["pid", "title"])
    frame = split.merge(clusters, on="pid").merge(titles, on="pid")
    frame = frame[frame["kept"]]
    labels = {cluster: i for i, cluster in enumerate(sorted(frame["cluster"].unique()))}
    frame = frame.assign(label=frame["cluster"].map(labels))
    by_set = {name: group for name, group in frame.groupby("set")}
    train = title_targets(by_set["train"]["title"], by_set["train"]["label"], len(labels), config.max_titles)
    val = title_targets(by_set["val"]["title"], by_set["val"]["label"], len(labels))

    started = time.perf_counter()
    result = finetune(train, val, config)
    seconds = time.perf_counter() - started
    with atomic_path(paths.FINETUNED, replace_dir=True) as tmp:  # the stage's own declared output folder
        result.model.save(str(tmp), create_model_card=False)

    unseen = np.array([title not in set(train.titles) for title in val.titles])
    probes = [val.titles[i] for i in np.flatnonzero(unseen)[: cfg["probe_titles"]]]
    figures: dict = {
        "train_titles": len(train.titles),
        "val_titles": len(val.titles),
        "val_unseen_titles": int(unseen.sum()),
        "clusters": len(labels),
        "val_accuracy": result.val_accuracy,
    }
    probe_vectors = {}
    for name, model in paths.TITLE_ENCODERS.items():
        encoder = Encoder(model, device=config.device)
        index, queries = encoder.encode(train.titles), encoder.encode(val.titles)
        figures[f"{name}_recall10_val_unseen"] = same_cluster_recall(
            queries[unseen], val.majority[unseen], index, train.majority
        )
        probe_vectors[name] = encoder.encode(probes)
    figures["probe_mean_cosine"] = float((probe_vectors["pretrained"] * probe_vectors["finetuned"]).sum(1).mean())
    write_json(figures, paths.FINETUNE_METRICS)
    paths.FINETUNE_LOSS.parent.mkdir(parents=True, exist_ok=True)
    result.curve.to_csv(paths.FINETUNE_LOSS, index=False, float_format="%.6g")
    print(
        f"finetune: {config.method} on {len(train.titles)} titles x {config.epochs} epochs in {seconds:.0f}s; "
        f"same-cluster recall@10 on unseen val titles {figures['pretrained_recall10_val_unseen']:.3f} -> "
        f"{figures['finetuned_recall10_val_unseen']:.3f}; probe cosine {figures['probe_mean_cosine']:.3f}"
    )


if __name__ == "__main__":
    sys.exit(run_stage(main))
