import numpy as np

from playlistrec.split import stratified_split


def test_every_cluster_is_split_80_10_10_and_deterministic():
    pids = np.arange(100, 160)
    clusters = np.repeat([3, 7, 9], [10, 20, 30])
    split = stratified_split(pids, clusters, val_share=0.1, test_share=0.1, seed=1)
    counts = split.groupby(["cluster", "set"]).size().unstack()
    assert counts.loc[3].tolist() == [1, 8, 1]  # columns: test, train, val
    assert counts.loc[7].tolist() == [2, 16, 2]
    assert counts.loc[9].tolist() == [3, 24, 3]
    assert split["pid"].tolist() == pids.tolist()
    again = stratified_split(pids, clusters, val_share=0.1, test_share=0.1, seed=1)
    assert again.equals(split)
    other = stratified_split(pids, clusters, val_share=0.1, test_share=0.1, seed=2)
    assert not other["set"].equals(split["set"])


def test_tiny_clusters_keep_their_playlists_in_train():
    split = stratified_split(np.arange(3), np.array([0, 0, 1]), 0.1, 0.1, seed=0)
    assert split["set"].tolist() == ["train", "train", "train"]
