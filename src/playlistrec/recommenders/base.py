"""The base class of every recommender: fit on the train split, score queries, and one shared ranking.

The interface imitates `implicit` and scikit-learn: hyper-parameters go to the constructor, `fit(train)`
learns from the TRAIN split only and returns the model, and learned attributes end in `_`. A query is a
normalised title (possibly "") plus zero or more seed tracks; every model answers a batch of queries with
`recommend_batch(queries, n)`, an int32 array [n_queries, n] of track ids, best first, never a seed
track, padded with -1 only when the catalogue has fewer than n other tracks.

A model only computes a sparse float32 score row per query with matrix products (no Python loop over queries
or tracks); `recommend_batch` takes the queries in chunks, in title order, scores them in threads and ranks
them with `ranking.top_n` (popularity fills every list and breaks ties).
`masked_top_together` does that for several models at once, each chunk ranked by all of them in turn, so
that a composite model (the re-ranker) reuses its parts' scores of the chunk (`shared_score`).

A list filled by popularity is not silent: `explain(queries, recs)` says, per query, when the returned
tracks are not all the model's own and why ("popularity: no training title matches"), and `answer` gives
the front ends a list with its note. The default works for every model from its `score` and the
`uses_title`/`uses_seeds` flags; a model names its own reasons by overriding `unscored_reason`.
"""

from __future__ import annotations

import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from playlistrec.recommenders.data import Queries, TrainSet
from playlistrec.recommenders.ranking import first_kept, row_membership, top_n
from playlistrec.text import normalise_title
from playlistrec.workers import worker_count

if TYPE_CHECKING:
    from typing_extensions import Self

DEFAULT_CHUNK = 256
DROP_CHUNK = 8192  # queries per step when seeds are dropped from their title's ranked list
_chunk_scores = threading.local()  # `shared_scores`' memo: each thread ranks its own chunk


@dataclass(frozen=True)
class Answer:
    """One query's list (track URIs, best first) and, when popularity filled some or all of it, why (one line)."""

    uris: list[str]
    fallback: str | None = None


class Recommender(ABC):
    """Common interface: `fit(train) -> self`, `recommend_batch(queries, n)`, `recommend(title, seeds, n)`.

    A model whose scores ignore the seeds sets `uses_seeds = False`; `recommend_batch` then ranks each
    distinct title once, n + max(n_seeds) deep, and drops each query's seeds from its title's list,
    which gives exactly the masked top n at a fraction of the cost (many queries share a title). A model
    reading the title and not the seeds is a title model (the typed queries and the qualitative report
    compare those).
    """

    uses_seeds: ClassVar[bool] = True
    uses_title: ClassVar[bool] = True  # False: the scores ignore the title (popularity, item-item)
    thread_safe: ClassVar[bool] = True  # False: chunks are scored one at a time (e.g. a model calling an LLM)

    def fit(self, train: TrainSet) -> Self:
        """Learn from the train split: `catalogue_`, `popularity_` (train playlist counts), its order and rank."""
        self.catalogue_ = train.catalogue
        self.popularity_ = np.asarray(train.matrix.sum(axis=0)).ravel()
        n_tracks = train.matrix.shape[1]
        self.popularity_order_ = np.lexsort((np.arange(n_tracks), -self.popularity_))
        self.popularity_rank_ = np.empty(n_tracks, dtype=np.int64)
        self.popularity_rank_[self.popularity_order_] = np.arange(n_tracks)
        self._fit(train)
        self._fitted_on = weakref.ref(train)
        return self

    def is_fitted_on(self, train: TrainSet) -> bool:
        """Whether the last `fit` was on this very train set: a composite model (the re-ranker) then uses the
        fitted model as it is rather than fit it again (a weak reference: it does not keep the set alive)."""
        fitted_on = getattr(self, "_fitted_on", None)
        return fitted_on is not None and fitted_on() is train

    def _fit(self, train: TrainSet) -> None:  # noqa: B027 - optional hook, most models learn nothing more
        """Model-specific learning; the default learns nothing beyond popularity."""

    def _prepare(self, queries: Queries) -> None:  # noqa: B027 - optional hook
        """Work shared by a batch's chunks, done once before they are scored (nothing by default)."""

    @abstractmethod
    def score(self, queries: Queries) -> sp.csr_matrix:
        """Sparse float32 scores [n_queries, n_tracks], unstored = 0, higher = better (before fallback and
        masking). A dense array is accepted too (`top_n` converts it)."""

    def recommend_batch(
        self, queries: Queries, n: int, chunk_size: int = DEFAULT_CHUNK, progress: str | None = None
    ) -> np.ndarray:
        """Top-n track ids per query (int32 [n_queries, n]), never a seed, -1 only past the catalogue.

        `progress`: a label to show a progress bar over the chunks under (None = quiet).
        """
        if self.uses_seeds or not len(queries):
            return self._masked_top(queries, n, chunk_size, progress)
        codes, distinct = queries.distinct_titles()
        n_tracks = queries.seeds.shape[1]
        ranked = self._masked_top(distinct, n + int(queries.n_seeds.max()), chunk_size, progress)
        # 1-based place of each track in its title's list, so that only the seeds are looked up (not the list)
        title_rows, places = np.nonzero(ranked >= 0)
        place = sp.csr_matrix((places + 1, (title_rows, ranked[title_rows, places])), shape=(len(distinct), n_tracks))
        out = np.empty((len(queries), n), dtype=np.int32)
        for start in range(0, len(queries), DROP_CHUNK):
            seeds = queries.seeds[start : start + DROP_CHUNK].tocoo()
            rows = ranked[codes[start : start + DROP_CHUNK]]
            found = np.asarray(place[codes[start + seeds.row], seeds.col]).ravel() if seeds.nnz else seeds.col
            keep = rows >= 0
            keep[seeds.row[found > 0], found[found > 0] - 1] = False
            out[start : start + DROP_CHUNK] = first_kept(rows, keep, n)
        return out

    def _masked_top(self, queries: Queries, n: int, chunk_size: int, progress: str | None = None) -> np.ndarray:
        """Top n of the scores with the seeds masked (`masked_top_together` for this model alone)."""
        return masked_top_together({"": self}, queries, n, chunk_size, progress)[""]

    def shared_score(self, queries: Queries) -> sp.csr_matrix:
        """`score`, computed once per model and batch inside a `shared_scores` block on this thread (a composite
        model ranked after its parts then reuses their scores); plain `score` outside one."""
        memo = getattr(_chunk_scores, "memo", None)
        if memo is None:
            return self.score(queries)
        key = (id(self), id(queries))
        if key not in memo:
            memo[key] = self.score(queries)
        return memo[key]

    def _one_query(self, title: str, seed_uris: Sequence[str]) -> Queries:
        """A batch of one query from a raw title and seed URIs (unknown URI -> UnknownTrackError)."""
        return Queries.from_lists([normalise_title(title)], [self.catalogue_.ids(seed_uris)], len(self.catalogue_))

    def recommend(self, title: str = "", seed_uris: Sequence[str] = (), n: int = 10) -> list[str]:
        """Top-n track URIs for one raw title and seed URIs (unknown URI -> UnknownTrackError)."""
        return self.catalogue_.uris(self.recommend_batch(self._one_query(title, seed_uris), n)[0])

    def answer(self, title: str = "", seed_uris: Sequence[str] = (), n: int = 10) -> Answer:
        """`recommend`'s list with `explain`'s note: what the front ends show."""
        queries = self._one_query(title, seed_uris)
        recs = self.recommend_batch(queries, n)
        return Answer(self.catalogue_.uris(recs[0]), self.explain(queries, recs)[0])

    def explain(self, queries: Queries, recs: np.ndarray) -> list[str | None]:
        """Per query, None when the model's own scores ranked every track of its list `recs[q]`; else one line
        saying popularity filled the list, from where, and why (`unscored_reason`).

        A model reading neither title nor seeds (popularity itself) never falls back. The model's own tracks
        are those with a positive score: `top_n` ranks every other track by popularity after them.
        """
        if not (self.uses_title or self.uses_seeds):
            return [None] * len(queries)
        self._prepare(queries)
        scores = sp.csr_matrix(self.score(queries), dtype=np.float32)
        scores.data[scores.data < 0] = 0
        scores.eliminate_zeros()
        own = row_membership(recs, scores).sum(axis=1)
        notes: list[str | None] = []
        for row, (mine, listed) in enumerate(zip(own.tolist(), (recs >= 0).sum(axis=1).tolist(), strict=True)):
            if mine >= listed:
                notes.append(None)
            elif mine == 0:
                notes.append(f"popularity: {self.unscored_reason(queries, row)}")
            else:
                notes.append(f"popularity from rank {mine + 1}: the model scores only {mine} tracks for this query")
        return notes

    def unscored_reason(self, queries: Queries, row: int) -> str:
        """Why the model scores no track for query `row` (a model may name its own reasons)."""
        if self.uses_title and not self.uses_seeds and not queries.titles[row]:
            return "the model reads the title only, and the query has none"
        if self.uses_seeds and not self.uses_title and not queries.n_seeds[row]:
            return "the model reads seed tracks only, and the query has none"
        return "the model has nothing for this query"


@contextmanager
def shared_scores() -> Iterator[None]:
    """A block in which `Recommender.shared_score` computes each model's scores of a batch once, on this thread."""
    _chunk_scores.memo = {}
    try:
        yield
    finally:
        del _chunk_scores.memo


def masked_top_together(
    models: Mapping[str, Recommender],
    queries: Queries,
    n: int,
    chunk_size: int = DEFAULT_CHUNK,
    progress: str | None = None,
) -> dict[str, np.ndarray]:
    """Each model's top n of its scores with the seeds masked (int32 [n_queries, n] by name), chunk by chunk.

    The queries go in title order: a chunk then holds few distinct titles, and a model whose title part costs
    more than its seed part (the blend) scores each of them once per chunk. Chunks run in threads; on its
    thread a chunk is ranked by every model in turn inside `shared_scores`, so a composite model named after
    its parts (the eval's re-ranker after its candidates) reuses their scores of the chunk rather than
    computing them again.
    """
    out = {name: np.empty((len(queries), n), dtype=np.int32) for name in models}
    order = np.argsort(queries.title_codes()[0], kind="stable")
    for model in models.values():
        model._prepare(queries)

    def rank(start: int) -> None:
        rows = order[start : start + chunk_size]
        chunk = queries.take(rows)
        with shared_scores():
            for name, model in models.items():
                scores = model.shared_score(chunk)
                out[name][rows] = top_n(scores, n, model.popularity_rank_, chunk.seeds, model.popularity_order_)

    starts = range(0, len(queries), chunk_size)
    thread_safe = all(model.thread_safe for model in models.values())
    workers = min(worker_count() if thread_safe else 1, len(starts))
    # chunks in threads are the parallelism: a BLAS product inside one then runs on one core, not on all
    # of them at once (at 2.4M tracks, ALS scored in 6.7 ms per query against 10.2 with BLAS threads too)
    one_blas_thread = threadpool_limits(1, "blas") if workers > 1 else nullcontext()
    with one_blas_thread, ThreadPoolExecutor(max(workers, 1)) as pool:
        done = pool.map(rank, starts)
        for _ in tqdm(done, total=len(starts), desc=progress, unit="chunk", disable=progress is None):
            pass
    return out
