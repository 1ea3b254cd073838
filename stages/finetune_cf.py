"""Stage finetune_cf: the title encoder + a Dense projection trained onto the titles' collaborative targets."""

import sys
import time

import numpy as np
import pandas as pd

from playlistrec import paths
from playlistrec.cf import CollaborativeTargets
from playlistrec.finetune import CFConfig, finetune_cf
from playlistrec.io import atomic_path, load_params, write_json
from playlistrec.process import run_stage


def read_targets(which: str) -> CollaborativeTargets:
    """One set's unique titles and targets from the factorize stage."""
    frame = pd.read_parquet(paths.CF_TARGETS)
    rows = np.flatnonzero(frame["set"].to_numpy() == which)
    vectors = np.load(paths.CF_TARGET_VECTORS)
    return CollaborativeTargets(
        frame["title"].iloc[rows].tolist(), frame["n_playlists"].to_numpy()[rows].astype(np.int64), vectors[rows]
    )


def main() -> None:
    params = load_params()
    cfg = params["finetune_cf"]
    settings = {key: cfg[key] for key in CFConfig.__dataclass_fields__ if key in cfg}
    config = CFConfig(**settings, seed=params["seed"], device=params["embed"]["device"])
    train, val = read_targets("train"), read_targets("val")
    started = time.perf_counter()
    result = finetune_cf(train, val, config)
    seconds = time.perf_counter() - started
    with atomic_path(paths.TITLE_CF, replace_dir=True) as tmp:  # the stage's own declared output folder
        result.model.save(str(tmp), create_model_card=False)
    last = result.curve.iloc[-1]
    write_json(
        {
            "train_titles": min(len(train.titles), config.max_titles),
            "val_titles": len(val.titles),
            "seconds": round(seconds, 1),
            "train_loss": float(last["train_loss"]),
            "val_loss": float(last["val_loss"]),
            "val_loss_epoch1": float(result.curve["val_loss"].iloc[0]),
        },
        paths.FINETUNE_CF_METRICS,
    )
    print(
        f"finetune_cf: {config.loss} on {len(train.titles)} titles x {config.epochs} epochs in {seconds:.0f}s; "
        f"val loss {result.curve['val_loss'].iloc[0]:.5f} (epoch 1) -> {last['val_loss']:.5f}"
    )


if __name__ == "__main__":
    sys.exit(run_stage(main))
