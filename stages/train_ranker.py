"""Stage train_ranker: the re-ranker's LightGBM booster, trained on VALIDATION queries (never test ones).

The candidate models are fitted on the train split; the ten challenge scenarios of the validation playlists
give the labelled candidates (`ranker_train`). Writes the booster (models/ranker/) with the ALS candidate's
fitted track factors (the eval's `als` reads them rather than fitting the same model again: ~5 min at 1M
playlists), its feature importances and per-round NDCG as DVC plots, and metrics/ranker.json. With
`recommend.ranker: none` the folder holds only a note and the plots are empty, and the eval leaves the
re-ranker out.
"""

import sys
import time
from pathlib import Path

import pandas as pd

from playlistrec import paths
from playlistrec.artefacts import load_pipeline
from playlistrec.io import atomic_path, load_params, write_csv, write_json
from playlistrec.process import run_stage
from playlistrec.recommenders.als import FACTORS_FILE, ALSRecommender
from playlistrec.recommenders.ranker import BOOSTER_FILE
from playlistrec.recommenders.ranker_train import RankerSettings, train_booster, validation_scenarios
from playlistrec.recommenders.registry import build, ranker_enabled


def write_disabled() -> None:
    """`recommend.ranker: none`: a note in place of the booster, empty plots, the choice as the metric."""
    with atomic_path(paths.RANKER, replace_dir=True) as tmp:
        tmp.mkdir()
        (tmp / "DISABLED").write_text("recommend.ranker is none: no booster trained\n", encoding="utf-8")
    write_csv(pd.DataFrame(columns=["feature", "gain_share", "splits"]), paths.RANKER_IMPORTANCE)
    write_csv(pd.DataFrame(columns=["round", "train_ndcg", "valid_ndcg"]), paths.RANKER_CURVE)
    write_json({"ranker": "none"}, paths.RANKER_METRICS)


def main() -> int:
    """Run the stage; return the process exit status."""
    start = time.perf_counter()
    params = load_params()
    hyper = params["recommend"]
    if not ranker_enabled(hyper):
        write_disabled()
        print("train_ranker: recommend.ranker is none, nothing trained")
        return 0
    data = load_pipeline(Path("."))
    ranker = build("ranked", hyper).fit(data.train_set())
    settings = RankerSettings(**params["train_ranker"], seed=params["seed"])
    trained = train_booster(ranker, validation_scenarios(data, params["seed"]), settings)
    with atomic_path(paths.RANKER, replace_dir=True) as tmp:
        tmp.mkdir()
        trained.booster.save_model(str(tmp / BOOSTER_FILE))
        for model in ranker.models.values():  # its fitted ALS, read back by the eval's and the front ends' `als`
            if isinstance(model, ALSRecommender):
                model.save_factors(tmp / FACTORS_FILE)
    write_csv(trained.importance, paths.RANKER_IMPORTANCE)
    write_csv(trained.curve, paths.RANKER_CURVE)
    summary = {"ranker": "lightgbm", **trained.summary, "stage_seconds": round(time.perf_counter() - start, 1)}
    write_json(summary, paths.RANKER_METRICS)
    print(f"train_ranker: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(run_stage(main))
