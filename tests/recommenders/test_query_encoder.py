"""Query title encoding: each title once, known titles from their stored vectors, a missing model refused."""

import numpy as np
import pytest
import toy

from playlistrec.recommenders.query_encoder import QueryEncoder


def test_query_encoder_encodes_each_title_once():
    calls = []

    class Counting(toy.BagOfWords):
        def encode(self, texts):
            calls.append(list(texts))
            return super().encode(texts)

    encoder = QueryEncoder(Counting())
    first = encoder.encode(["rock", "pop", "rock"])
    encoder.encode(["pop", "rock"])
    assert calls == [["pop", "rock"]]
    np.testing.assert_allclose(first[0], first[2])


def test_query_encoder_answers_known_titles_from_their_stored_vectors():
    class Failing:
        def encode(self, texts):
            raise AssertionError(f"encoder called for {texts}")

    stored = np.array([[1, 0], [0, 1]], dtype=np.float32)
    encoder = QueryEncoder(Failing(), (["rock", "pop"], stored))
    assert encoder.encode(["pop", "rock"]).tolist() == [[0, 1], [1, 0]]


def test_query_encoder_refuses_a_missing_model_folder_when_built(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `dvc repro` first"):
        QueryEncoder(tmp_path / "models" / "finetuned")
