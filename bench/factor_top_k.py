"""Benchmark of ranking factor products (ALS and title_cf): each query's best `depth` tracks by dot product.

    PYTHONPATH=src .venv/bin/python bench/factor_top_k.py [--tracks 2400000] [--factors 64] [--queries 1024]

Times `ranking.product_top_k` (implicit's `topk`: a BLAS product fused with a per-row heap) against the plain
NumPy way it replaced (the product, then `argpartition` of each row), both as the evaluation runs them: chunks
of 256 queries in one thread per core, BLAS on one thread inside each. Random factors; the two must keep the
same tracks. Prints milliseconds per query and the load average.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from playlistrec.recommenders.base import DEFAULT_CHUNK
from playlistrec.recommenders.ranking import product_top_k
from playlistrec.workers import worker_count

BLOCK_CELLS = 2**26  # the replaced way scored at most this many products at once (its memory bound)


def numpy_top_k(left: np.ndarray, right: np.ndarray, k: int) -> np.ndarray:
    """Each row's k best columns by the product and `argpartition`, in row blocks of BLOCK_CELLS (the replaced way)."""
    rows = max(1, BLOCK_CELLS // len(right))
    blocks = [left[start : start + rows] for start in range(0, len(left), rows)]
    return np.vstack([np.argpartition(-(block @ right.T), k - 1, axis=1)[:, :k] for block in blocks])


def ms_per_query(rank: Callable[[np.ndarray], object], queries: np.ndarray) -> float:
    """Milliseconds per query of `rank` over `queries` in chunks, one thread per core, one BLAS thread each."""
    chunks = [queries[start : start + DEFAULT_CHUNK] for start in range(0, len(queries), DEFAULT_CHUNK)]
    started = time.perf_counter()
    with threadpool_limits(1, "blas"), ThreadPoolExecutor(worker_count()) as pool:
        list(pool.map(rank, chunks))
    return 1000 * (time.perf_counter() - started) / len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=2_400_000, help="2.4M: the 1M-playlist catalogue")
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--queries", type=int, default=1024)
    parser.add_argument("--depth", type=int, default=1000, help="the ALS model's depth")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    tracks = rng.standard_normal((args.tracks, args.factors), dtype=np.float32)
    queries = rng.standard_normal((args.queries, args.factors), dtype=np.float32)
    print(
        f"{args.tracks:,} tracks x {args.factors} factors, {args.queries} queries, depth {args.depth}, "
        f"{worker_count()} threads, load average {os.getloadavg()[0]:.1f}"
    )
    fused = ms_per_query(lambda chunk: product_top_k(chunk, tracks, args.depth), queries)
    print(f"product_top_k (implicit topk): {fused:.2f} ms/query")
    plain = ms_per_query(lambda chunk: numpy_top_k(chunk, tracks, args.depth), queries)
    print(f"NumPy product + argpartition:  {plain:.2f} ms/query")
    sample = queries[:8]
    same = all(
        set(product_top_k(row[None], tracks, args.depth).indices) == set(numpy_top_k(row[None], tracks, args.depth)[0])
        for row in sample
    )
    print(f"same tracks on {len(sample)} queries: {same}")


if __name__ == "__main__":
    main()
