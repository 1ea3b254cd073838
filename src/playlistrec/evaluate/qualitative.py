"""The qualitative report: each title model's top tracks for a set of query titles, side by side."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from playlistrec.evaluate.aggregate import title_buckets
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries
from playlistrec.text import normalise_title, track_text

# The report's 22 query titles, then paraphrased and unseen ones a person might type.
QUALITATIVE_TITLES = (
    "K-pop", "Workout music", "Dance", "Rock", "SUMMER", "hawaii", "Classic country", "older songs", "2016",
    "Finesse", "oldies", "Christian", "Gaming", "classics", "Party", "workout", "WORK", "Love songs",
    "rainy sunday", "beast mode", "songs for the gym 💪", "music to study to",
)  # fmt: skip


def qualitative_report(models: dict[str, Recommender], titles: Sequence[str], counts: pd.DataFrame, k: int = 10) -> str:
    """Markdown: for each query title, the top k (track — artist) of each model side by side."""
    names = list(models)
    normalised = [normalise_title(t) for t in titles]
    bucket = title_buckets(normalised, counts)
    n_train = pd.Series(counts["n_playlists"].to_numpy(), index=counts["title"]).reindex(normalised).fillna(0)
    batch = Queries.titles_only(normalised, len(next(iter(models.values())).catalogue_))
    recs = {name: model.recommend_batch(batch, k) for name, model in models.items()}
    lines = [
        "# Qualitative comparison of the title models",
        "",
        "Top 10 tracks (track — artist) for each query title, title only (no seed tracks). Bucket = how many",
        "TRAIN playlists have exactly this normalised title.",
    ]
    for i, title in enumerate(titles):
        lines += [
            "",
            f"## {title!r} → {normalised[i]!r} ({bucket[i]}, {int(n_train.iloc[i])} train playlists)",
            "",
        ]
        lines += ["| # | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        cells = {
            name: [track_text(r.track_name, r.artist_name).replace("|", "/") for r in
                   models[name].catalogue_.describe(recs[name][i]).itertuples()]
            for name in names
        }  # fmt: skip
        for rank in range(k):
            row = [cells[name][rank] if rank < len(cells[name]) else "" for name in names]
            lines.append(f"| {rank + 1} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"
