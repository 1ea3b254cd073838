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
