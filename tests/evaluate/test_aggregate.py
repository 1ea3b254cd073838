"""Bucketing of query titles by their train frequency."""

import pandas as pd

from playlistrec.evaluate.aggregate import title_buckets


def test_title_buckets():
    counts = pd.DataFrame({"title": ["a", "b", "c"], "n_playlists": [150, 10, 9]})
    assert title_buckets(["a", "b", "c", "d"], counts).tolist() == [
        "head",
        "torso",
        "tail",
        "unseen",
    ]
