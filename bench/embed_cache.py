"""Re-encoding after adding 1% more tracks, with the embedding cache: only the new texts are encoded.

    PYTHONPATH=src .venv/bin/python bench/embed_cache.py [N_TEXTS] [--backend onnx|torch]

Encodes N real-length texts (bench/track_texts.py) through a fresh cache, then N + 1% (the same N plus new
ones, as after adding slices) through the same cache folder read back from disk, and prints both wall times
and how many texts each encoded.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from track_texts import track_texts

from playlistrec.embedding_cache import EmbeddingCache, cached_encode
from playlistrec.encoders import EMBEDDING_DIM, Encoder, export_onnx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=5000)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        onnx_file = Path(scratch) / "model.onnx"
        if args.backend == "onnx":
            export_onnx("pretrained", onnx_file)
        encoder = Encoder(backend=args.backend, onnx_file=onnx_file)
        for texts in (track_texts(args.n), track_texts(args.n + args.n // 100)):
            started = time.perf_counter()
            cache = EmbeddingCache(Path(scratch) / "cache")
            _, encoded = cached_encode(lambda b: encoder.encode(b, args.batch_size), texts, cache, EMBEDDING_DIM)
            print(f"{len(texts)} texts: {encoded} encoded, {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
