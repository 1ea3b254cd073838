import numpy as np

from playlistrec.embedding_cache import EmbeddingCache, cached_encode, model_key


class CountingEncoder:
    """A fake encoder: the vector of a text is (len, first char code, 1); it records what it encoded."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), ord(t[0]), 1.0] for t in texts], dtype=np.float32)


def test_adding_texts_encodes_only_the_new_ones_and_gives_the_same_vectors(tmp_path):
    encoder = CountingEncoder()
    first = ["a — x", "bb — y", "ccc — z"]
    vectors, encoded = cached_encode(encoder, first, EmbeddingCache(tmp_path / "m"), dim=3)
    assert encoded == 3
    more = [*first, "dddd — w", "a — x"]  # a new slice: one new text, one repeat
    encoder.seen.clear()
    again, encoded = cached_encode(encoder, more, EmbeddingCache(tmp_path / "m"), dim=3)  # read back from disk
    assert (encoded, encoder.seen) == (1, ["dddd — w"])
    np.testing.assert_array_equal(again, CountingEncoder()(more))
    np.testing.assert_array_equal(again[:3], vectors)
    assert len(EmbeddingCache(tmp_path / "m")) == 4


def test_no_cache_encodes_each_distinct_text_once(tmp_path):
    encoder, texts = CountingEncoder(), ["a", "bb", "a", "ccc", "bb"]
    vectors, encoded = cached_encode(encoder, texts, None, dim=3)
    assert (encoded, encoder.seen) == (3, ["a", "bb", "ccc"])
    np.testing.assert_array_equal(vectors, CountingEncoder()(texts))


def test_a_repeated_new_text_is_encoded_and_stored_once(tmp_path):
    encoder = CountingEncoder()
    vectors, encoded = cached_encode(encoder, ["x", "yy", "x"], EmbeddingCache(tmp_path / "m"), dim=3)
    assert (encoded, encoder.seen, len(EmbeddingCache(tmp_path / "m"))) == (2, ["x", "yy"], 2)
    np.testing.assert_array_equal(vectors, CountingEncoder()(["x", "yy", "x"]))


def test_the_model_key_changes_with_the_weights_and_the_settings(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    key = model_key(tmp_path, "torch")
    assert model_key(tmp_path, "onnx") != key
    (tmp_path / "model.safetensors").write_bytes(b"retrained")
    assert model_key(tmp_path, "torch") != key
