"""Typed queries' truth: the tracks of the query's theme."""

import numpy as np

from playlistrec.evaluate.typed import theme_truth


def test_theme_truth_marks_the_tracks_of_the_querys_theme():
    track_theme = np.array(["rock", "", "pop", "rock"], dtype=object)
    truth = theme_truth(np.array(["rock", "pop", "jazz"], dtype=object), track_theme).toarray()
    np.testing.assert_array_equal(truth, [[1, 0, 0, 1], [0, 0, 1, 0], [0, 0, 0, 0]])
