import numpy as np
import pytest

from playlistrec.encoders import Encoder, base_model_path, resolve_model_path

TEXTS = ["summer vibes", "gym💪", "Classic country", "rainy sunday " * 200, ""]


def test_encoder_matches_sentence_transformers_encode():
    from sentence_transformers import SentenceTransformer

    ours = Encoder().encode(TEXTS, batch_size=2)
    reference = SentenceTransformer(str(base_model_path()), device="cpu").encode(TEXTS, normalize_embeddings=True)
    assert ours.dtype == np.float32 and ours.shape == (5, 384)
    np.testing.assert_allclose(ours, reference, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_missing_model_folder_says_run_dvc_repro(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `dvc repro` first"):
        resolve_model_path(tmp_path / "finetuned")


def test_small_requests_run_on_one_thread_and_restore_the_thread_count():
    import torch

    encoder = Encoder()
    before = torch.get_num_threads()
    seen = []
    forward = encoder.model.forward

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return forward(*args, **kwargs)

    encoder.model.forward = spy
    one = encoder.encode(["summer vibes"])
    many = encoder.encode(["summer vibes"] * 9)
    assert seen == [1, before]
    assert torch.get_num_threads() == before
    np.testing.assert_allclose(one[0], many[0], atol=1e-5)
