"""The data types: catalogue look-ups, the train set, query batches and the playlist-track matrix."""

import numpy as np
import pandas as pd
import pytest
import toy

from playlistrec.recommenders.data import Queries, TrainSet, UnknownTrackError, playlist_track_matrix


def test_playlist_track_matrix_is_binary_and_duplicates_count_once():
    matrix = playlist_track_matrix(np.array([0, 0, 0, 1]), np.array([0, 1, 1, 2]), n_rows=3, n_tracks=4)
    assert matrix.shape == (3, 4) and matrix.dtype == np.float32
    assert matrix.toarray().tolist() == [[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]


def test_catalogue_looks_up_uris_and_describes_ids():
    catalogue = toy.catalogue()
    assert catalogue.ids([toy.uri(3), toy.uri(0)]).tolist() == [3, 0]
    assert catalogue.uris(np.array([2, -1, 5])) == [toy.uri(2), toy.uri(5)]  # the -1 padding is skipped
    assert catalogue.describe(np.array([3, -1]))["artist_name"].tolist() == ["artist 1"]
    with pytest.raises(UnknownTrackError, match="spotify:track:nope"):
        catalogue.ids([toy.uri(0), "spotify:track:nope"])


def test_train_set_rows_are_the_train_playlists_sorted_by_pid():
    playlists = pd.DataFrame({"pid": [7, 3], "title": ["b", "a"]})
    items = pd.DataFrame({"pid": [7, 3, 3], "track_id": [1, 0, 2]})
    train = TrainSet.from_frames(playlists, items, toy.catalogue())
    assert train.titles.tolist() == ["a", "b"] and train.matrix[0].indices.tolist() == [0, 2]
    assert dict(train.title_vectors) == {}
    with pytest.raises(ValueError, match="outside the training set"):
        TrainSet.from_frames(playlists, pd.DataFrame({"pid": [5], "track_id": [1]}), toy.catalogue())


def test_queries_concat_take_and_title_codes():
    first, second = toy.queries(["rock", ""], [[0], []]), toy.queries(["pop"], [[4, 5]])
    both = Queries.concat([first, second])
    assert both.titles == ["rock", "", "pop"] and both.n_seeds.tolist() == [1, 0, 2]
    taken = both.take(np.array([2, 0]))
    assert taken.titles == ["pop", "rock"] and taken.seeds.toarray()[0, [4, 5]].tolist() == [1, 1]
    codes, distinct = both.title_codes()
    assert distinct == ["", "pop", "rock"] and codes.tolist() == [2, 0, 1]
