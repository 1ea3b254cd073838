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


def test_encoding_in_tokenised_chunks_gives_the_same_vectors(monkeypatch):
    import playlistrec.encoders

    encoder = Encoder()
    whole = encoder.encode(TEXTS, batch_size=2)
    monkeypatch.setattr(playlistrec.encoders, "TOKENISED_CHUNK", 2)
    np.testing.assert_allclose(encoder.encode(TEXTS, batch_size=2), whole, atol=1e-6)


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


def test_onnx_backend_matches_torch_and_its_export_names_no_local_file(tmp_path):
    import onnx

    from playlistrec.encoders import export_onnx

    export_onnx("pretrained", tmp_path / "model.onnx")
    # no per-node stack traces: they name this environment's files, so the bytes would differ by machine
    assert not any(node.metadata_props for node in onnx.load(str(tmp_path / "model.onnx")).graph.node)
    texts = [*TEXTS, "Bohemian Rhapsody - Remastered 2011 — Queen", "x (feat. Y) — Z"]
    torch_vectors = Encoder().encode(texts, batch_size=3)
    onnx_vectors = Encoder(backend="onnx", onnx_file=tmp_path / "model.onnx").encode(texts, batch_size=3)
    assert onnx_vectors.shape == (len(texts), 384)
    assert (onnx_vectors * torch_vectors).sum(axis=1).min() >= 0.99999


def test_length_order_groups_equal_token_counts_and_keeps_ties_stable():
    from playlistrec.encoders import length_order

    assert length_order([5, 2, 5, 2, 9]).tolist() == [1, 3, 0, 2, 4]


@pytest.mark.parametrize(
    ("setting", "gpu", "device"),
    [("auto", True, "cuda"), ("auto", False, "cpu"), ("cpu", True, "cpu"), ("cuda", True, "cuda")],
)
def test_auto_device_is_the_gpu_when_present(setting, gpu, device):
    from playlistrec.encoders import choose_device

    assert choose_device(setting, cuda_available=gpu) == device


def test_cuda_without_a_gpu_and_unknown_settings_are_refused():
    from playlistrec.encoders import choose_backend, choose_device

    with pytest.raises(ValueError, match="no CUDA GPU"):
        choose_device("cuda", cuda_available=False)
    with pytest.raises(ValueError, match="expected one of"):
        choose_device("tpu", cuda_available=False)
    with pytest.raises(ValueError, match="expected one of"):
        choose_backend("tensorrt", "cpu")


def test_a_gpu_runs_torch_in_fp16_and_a_cpu_keeps_the_chosen_backend(monkeypatch):
    from playlistrec import encoders

    assert encoders.choose_backend("onnx", "cuda") == "torch"
    assert encoders.choose_backend("onnx", "cpu") == "onnx"
    monkeypatch.setattr(encoders, "cuda_available", lambda: True)
    halves = []
    monkeypatch.setattr("torch.nn.Module.to", lambda module, device: module)
    monkeypatch.setattr("torch.nn.Module.half", lambda module: halves.append(module) or module)
    encoder = encoders.Encoder(device="auto", backend="onnx")
    assert (encoder.device, encoder.backend, len(halves)) == ("cuda", "torch", 1)


def test_fp16_vectors_stay_within_cosine_0999_of_fp32():
    """What a GPU runs (fp16), here with the CPU's fp16 kernels: the vectors must keep their neighbours."""
    encoder = Encoder()
    texts = [*TEXTS[:3], "Bohemian Rhapsody - Remastered 2011 — Queen"]
    full = encoder.encode(texts)
    encoder.model = encoder.model.half()
    half = encoder.encode(texts)
    assert (full * half).sum(axis=1).min() >= 0.999
