"""Track-encoding speed (texts/s) on real-length texts: today's padded batches vs equal-token-length batches,
torch vs ONNX Runtime, by batch size.

    PYTHONPATH=src .venv/bin/python bench/encode.py [N_TEXTS] [--onnx-file FILE]

"before" is the encoder as it was: texts sorted by character count, batches of 256 padded to their
longest text. Each configuration encodes the same N texts (bench/track_texts.py) once after a warm-up
batch; the rows are interleaved configurations of one run, so the machine's load hits them alike.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from track_texts import track_texts

from playlistrec.encoders import Encoder, export_onnx


def char_sorted_padded(encoder: Encoder, texts: list[str], batch_size: int) -> np.ndarray:
    """The encoder before: longest texts (in characters) first, each batch padded to its longest text."""
    out = np.zeros((len(texts), 384), dtype=np.float32)
    order = np.argsort([-len(t) for t in texts], kind="stable")
    for start in range(0, len(texts), batch_size):
        idx = order[start : start + batch_size]
        batch = encoder.tokenizer(
            [texts[i] for i in idx], padding=True, truncation=True, max_length=encoder.max_length, return_tensors="np"
        )
        out[idx] = encoder._run(batch)
    return out


def rate(run: Callable[[], np.ndarray], n: int) -> tuple[float, np.ndarray]:
    """Texts per second of one call of `run`, and its vectors."""
    started = time.perf_counter()
    vectors = run()
    return n / (time.perf_counter() - started), vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=3000)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[16, 32, 64, 128, 256])
    parser.add_argument("--onnx-file", type=Path, help="an exported model (default: export one to a temp folder)")
    args = parser.parse_args()
    texts = track_texts(args.n)
    with tempfile.TemporaryDirectory() as scratch:
        onnx_file = args.onnx_file or Path(scratch) / "model.onnx"
        if args.onnx_file is None:
            export_onnx("pretrained", onnx_file)
        torch_encoder = Encoder("pretrained", backend="torch")
        onnx_encoder = Encoder("pretrained", backend="onnx", onnx_file=onnx_file)
        for encoder in (torch_encoder, onnx_encoder):
            encoder.encode(texts[:64], batch_size=64)  # warm-up
        speed, reference = rate(lambda: char_sorted_padded(torch_encoder, texts, 256), len(texts))
        print(f"{len(texts)} texts; before (torch, char-sorted, padded, batch 256): {speed:.0f} texts/s")
        print("backend | batch | texts/s | x before | min cosine to before")
        for batch_size in args.batch_sizes:
            for name, encoder in (("torch", torch_encoder), ("onnx", onnx_encoder)):
                speed_now, vectors = rate(lambda e=encoder, b=batch_size: e.encode(texts, batch_size=b), len(texts))
                cosine = float((vectors * reference).sum(axis=1).min())
                print(f"{name} | {batch_size} | {speed_now:.0f} | {speed_now / speed:.2f} | {cosine:.6f}")


if __name__ == "__main__":
    main()
