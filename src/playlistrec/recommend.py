"""Playlist continuation recommenders, all under one interface.

The interface imitates `implicit` and scikit-learn: hyper-parameters go to the constructor, `fit(train)`
learns from the TRAIN split only and returns the model, and learned attributes end in `_`. A query is a
normalised title (possibly "") plus zero or more seed tracks; every model answers a batch of queries with
`recommend_batch(queries, n)`, an int32 array [n_queries, n] of track ids, best first, never a seed
track, padded with -1 only when the catalogue has fewer than n other tracks.

Every model computes a sparse float32 score row per query with matrix products (no Python loop over queries
or tracks; queries go in chunks, in title order, scored in threads), unstored entries being 0; the shared
`recommend_batch` then ranks each row's stored non-seed entries and fills the list from one popularity
order computed at fit, popularity being the final fallback: equal scores (zero included) are ordered by
train popularity, then track id. That is the exact limit of adding epsilon x normalised popularity,
without an epsilon to tune: every list is full and ties are deterministic, and the cost per query is
O(its stored scores), not O(n_tracks).

Models:

* `PopularityRecommender`: most popular train tracks.
* `ExactTitleRecommender`: tracks by frequency among train playlists with the query's exact normalised title.
* `ReportRecommender`: the student report's method: the 50 training PLAYLISTS most similar by title cosine,
  one unweighted vote each.
* `TitleRecommender`: the top-M most similar unique train titles vote, weighted sim**p times the share of
  that title's playlists holding the track.
* `CooccurrenceRecommender`: item-item asymmetric cosine from the seed tracks, over each seed's nearest
  neighbours (lists computed on first use).
* `BlendRecommender`: title and seed scores mixed with a title weight shrinking as seeds are added.
"""

from __future__ import annotations

import functools
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp
from tqdm.auto import tqdm

from playlistrec.text import normalise_title
from playlistrec.vectors import playlist_track_matrix
from playlistrec.workers import worker_count

if TYPE_CHECKING:
    from typing_extensions import Self

DEFAULT_CHUNK = 256
DROP_CHUNK = 8192  # queries per step when seeds are dropped from their title's ranked list


class UnknownTrackError(KeyError):
    """A seed URI that is not in the catalogue."""


class Catalogue:
    """Track metadata indexed by dense track id (tracks.parquet), and URI <-> id lookups."""

    def __init__(self, tracks: pd.DataFrame) -> None:
        if not np.array_equal(tracks["track_id"].to_numpy(), np.arange(len(tracks))):
            raise ValueError("tracks must be sorted by a dense track_id 0..n-1")
        self.tracks = tracks.reset_index(drop=True)
        self._ids = pd.Index(self.tracks["track_uri"])

    @functools.cached_property
    def _uris(self) -> np.ndarray:
        """The URI column as a NumPy array, converted once (not on every `uris` call)."""
        return self.tracks["track_uri"].to_numpy()

    def __len__(self) -> int:
        return len(self.tracks)

    def ids(self, uris: Sequence[str]) -> np.ndarray:
        """Track ids of `uris`; raises UnknownTrackError naming every URI not in the catalogue."""
        ids = self._ids.get_indexer(list(uris))
        if (ids < 0).any():
            unknown = [uri for uri, i in zip(uris, ids, strict=True) if i < 0]
            raise UnknownTrackError(f"unknown track URI(s), not in the catalogue: {', '.join(unknown)}")
        return ids.astype(np.int32)

    def uris(self, ids: np.ndarray) -> list[str]:
        """URIs of track ids, skipping the -1 padding."""
        ids = np.asarray(ids)
        return self._uris[ids[ids >= 0]].tolist()

    def describe(self, ids: np.ndarray) -> pd.DataFrame:
        """Display metadata (track_id, track_uri, track_name, artist_name) of ids, -1 padding skipped."""
        ids = np.asarray(ids)
        columns = ["track_id", "track_uri", "track_name", "artist_name"]
        return self.tracks.loc[ids[ids >= 0], columns].reset_index(drop=True)


@dataclass(frozen=True)
class TrainSet:
    """What every model is fitted on: the TRAIN playlists only (test playlists never vote).

    `matrix` is the binary playlist x track CSR matrix over the whole catalogue's track ids, `titles` the
    normalised title of each matrix row.
    """

    matrix: sp.csr_matrix
    titles: np.ndarray
    catalogue: Catalogue

    @classmethod
    def from_frames(cls, playlists: pd.DataFrame, items: pd.DataFrame, catalogue: Catalogue) -> TrainSet:
        """Build from train playlists (pid, title) and their items (pid, track_id)."""
        playlists = playlists.sort_values("pid").reset_index(drop=True)
        rows = np.searchsorted(playlists["pid"].to_numpy(), items["pid"].to_numpy())
        if (rows >= len(playlists)).any() or (playlists["pid"].to_numpy()[rows] != items["pid"]).any():
            raise ValueError("items reference playlists outside the training set")
        matrix = playlist_track_matrix(rows, items["track_id"].to_numpy(), len(playlists), len(catalogue))
        return cls(matrix, playlists["title"].to_numpy(dtype=object), catalogue)


@dataclass(frozen=True)
class Queries:
    """A batch of queries: normalised titles ("" = no title) and a binary query x track seed matrix."""

    titles: list[str]
    seeds: sp.csr_matrix

    @classmethod
    def from_lists(cls, titles: Sequence[str], seed_ids: Sequence[Sequence[int]], n_tracks: int) -> Queries:
        """Build from one title and one list of seed track ids per query."""
        lengths = [len(s) for s in seed_ids]
        rows = np.repeat(np.arange(len(seed_ids)), lengths)
        cols = np.concatenate([np.asarray(s, dtype=np.int64) for s in seed_ids]) if rows.size else rows
        return cls(list(titles), playlist_track_matrix(rows, cols, len(seed_ids), n_tracks))

    @classmethod
    def titles_only(cls, titles: Sequence[str], n_tracks: int) -> Queries:
        """Queries of `titles` without seed tracks."""
        return cls.from_lists(titles, [[]] * len(titles), n_tracks)

    def __len__(self) -> int:
        return len(self.titles)

    @classmethod
    def concat(cls, batches: Sequence[Queries]) -> Queries:
        """One batch holding the queries of `batches`, in order."""
        return cls([t for b in batches for t in b.titles], sp.csr_matrix(sp.vstack([b.seeds for b in batches])))

    def take(self, rows: np.ndarray) -> Queries:
        """The queries at positions `rows`, in that order."""
        return Queries([self.titles[i] for i in rows], self.seeds[rows])

    def title_codes(self) -> tuple[np.ndarray, list[str]]:
        """(code of each query's title, the distinct titles sorted): titles[i] == distinct[codes[i]]."""
        codes, distinct = pd.factorize(pd.Series(self.titles, dtype=object), sort=True)
        return codes, distinct.tolist()

    @property
    def n_seeds(self) -> np.ndarray:
        """Number of distinct seed tracks per query."""
        return self.seeds.getnnz(axis=1)


class SupportsEncode(Protocol):
    """Anything with `encode(texts) -> float32 unit rows`, like `encoders.Encoder`."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class QueryEncoder:
    """Embeds query titles with a title encoder, loaded on first use, caching each title's vector.

    `model` is "pretrained", a model folder, or an object with `encode` (tests use a toy one). Loading
    lazily keeps `load_recommenders` fast for models that never see a title; the cache means a title
    asked in ten scenarios is encoded once.
    """

    def __init__(
        self, model: str | Path | SupportsEncode, known: tuple[Sequence[str], np.ndarray] | None = None
    ) -> None:
        """`known` = (titles, their vectors by this same model), e.g. the train titles' stored embeddings:
        a query equal to one of them is answered from it, without loading the encoder at all."""
        from playlistrec.encoders import resolve_model_path

        # A missing model folder fails here, when the models load, not at a user's first query.
        self.model = resolve_model_path(model) if isinstance(model, str | Path) else model
        self._encoder: SupportsEncode | None = None if isinstance(model, str | Path) else model
        self._cache: dict[str, np.ndarray] = dict(zip(*known, strict=True)) if known is not None else {}
        self._lock = threading.Lock()  # chunks are scored in threads; load and encode once

    def encode(self, titles: Sequence[str]) -> np.ndarray:
        """Unit float32 rows for `titles`, encoding only titles not seen before."""
        with self._lock:
            missing = sorted(set(titles) - self._cache.keys())
            if missing:
                if self._encoder is None:
                    from playlistrec.encoders import Encoder

                    self._encoder = Encoder(self.model)
                self._cache.update(zip(missing, self._encoder.encode(missing), strict=True))
            return np.stack([self._cache[t] for t in titles]).astype(np.float32, copy=False)


@dataclass(frozen=True)
class TitleVectors:
    """Unique normalised train titles, their unit embeddings (rows aligned) and the encoder for queries."""

    titles: np.ndarray
    vectors: np.ndarray
    encoder: QueryEncoder


def max_normalise(scores: sp.csr_matrix) -> sp.csr_matrix:
    """Each row divided by its maximum, implicit zeros included (rows that are all <= 0 stay unchanged).

    The row maxima come from one `np.maximum.reduceat` over the stored entries (no index sorting), which
    assumes no duplicate entries, as every scipy product or sum gives.
    """
    scores = sp.csr_matrix(scores, dtype=np.float32, copy=True)
    stored = np.diff(scores.indptr)
    peak = np.zeros(scores.shape[0], dtype=np.float32)
    nonempty = stored > 0
    peak[nonempty] = np.maximum.reduceat(scores.data, scores.indptr[:-1][nonempty])
    peak[stored < scores.shape[1]] = np.maximum(peak[stored < scores.shape[1]], 0)  # implicit zeros count
    scores.data /= np.repeat(np.where(peak > 0, peak, np.float32(1)), stored)
    return scores


def scale_rows(scores: sp.csr_matrix, factors: np.ndarray) -> sp.csr_matrix:
    """Row q of `scores` times factors[q], computed in float64 (entries upcast, none dropped)."""
    scaled = sp.csr_matrix(scores, dtype=np.float64, copy=True)
    scaled.data *= np.repeat(np.asarray(factors, dtype=np.float64), np.diff(scaled.indptr))
    return scaled


def pair_membership(rows: np.ndarray, cols: np.ndarray, matrix: sp.csr_matrix) -> np.ndarray:
    """Boolean array shaped like broadcast(rows, cols): is (rows[i], cols[i]) a nonzero entry of `matrix`
    (a negative column never is). SciPy's fancy indexing looks each pair up in its row (a binary search in
    sorted rows), 5x faster than searching sorted (row, column) keys."""
    rows, cols = np.broadcast_arrays(rows, cols)
    valid = cols >= 0
    if not rows.size:
        return valid
    values = sp.csr_matrix(matrix)[rows.ravel(), np.where(valid, cols, 0).ravel()]
    return (np.asarray(values).reshape(rows.shape) != 0) & valid


def row_membership(ids: np.ndarray, matrix: sp.csr_matrix) -> np.ndarray:
    """Boolean array shaped like `ids`: is column ids[q, j] stored in row q of `matrix` (-1 never is)."""
    return pair_membership(np.arange(len(ids))[:, None], ids, matrix)


def sortable_bits(values: np.ndarray) -> np.ndarray:
    """float32 values mapped to int32 in the same order (negatives' bits flipped)."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.int32)
    return bits ^ ((bits >> 31) & np.int32(0x7FFFFFFF))


def sort_keys(values: np.ndarray, cols: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Distinct int64 keys ordered like (float32 value asc, rank[col] desc): bigger key = better entry.

    The value's `sortable_bits` fill the high half, the inverted popularity rank the low half.
    """
    return (sortable_bits(values).astype(np.int64) << 32) | (len(rank) - 1 - rank[cols]).astype(np.int64)


def in_top_bins(rows: np.ndarray, values: np.ndarray, n: int, n_rows: int, bits: int = 10) -> np.ndarray:
    """A superset of each row's n largest values (exact pre-filter before sorting): True for the entries
    whose value falls in or above the histogram bin (top `bits` of `sortable_bits`) of the row's n-th
    largest value, every entry of a row with fewer than n. Memory: n_rows x 2**bits counts."""
    n_bins = 1 << bits
    bins = (sortable_bits(values) >> (32 - bits)).astype(np.int64) + n_bins // 2
    counts = np.bincount(rows.astype(np.int64) * n_bins + bins, minlength=n_rows * n_bins).reshape(n_rows, n_bins)
    at_or_above = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]
    cut = (at_or_above >= n).sum(axis=1) - 1  # bin of the n-th largest, -1 when fewer than n
    return bins >= cut[rows]


def row_sorted(rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Permutation grouping entries by row (ascending), each row's entries by key descending.

    One unstable argsort of the keys, then a stable (radix, for small row numbers) sort by row: several
    times faster than `np.lexsort` on millions of entries.
    """
    by_key = np.argsort(~keys)
    small_rows = rows[by_key].astype(np.min_scalar_type(max(int(rows.max(initial=0)), 1)))
    return by_key[np.argsort(small_rows, kind="stable")]


def popularity_fill(rows: np.ndarray, ranks: np.ndarray, need: np.ndarray, n_tracks: int) -> np.ndarray:
    """For each row q, the first need[q] popularity ranks not among the ranks excluded in q, concatenated.

    `rows`/`ranks` list the excluded (row, rank) pairs, distinct. With row q's excluded ranks sorted e_0 <
    e_1 < ..., e_i - i counts the free ranks below e_i, so the j-th free rank is j + #{i: e_i - i <= j}:
    one `searchsorted` over all rows at once, rows kept apart by an offset of n_tracks + 1 each.
    """
    span = n_tracks + 1
    excluded = np.sort(rows.astype(np.int64) * span + ranks)
    starts = np.searchsorted(excluded, np.arange(len(need), dtype=np.int64) * span)
    gaps = excluded - (np.arange(excluded.size) - starts[excluded // span])
    fill_rows = np.repeat(np.arange(len(need)), need)
    j = np.arange(fill_rows.size) - np.repeat(np.cumsum(need) - need, need)
    return j + np.searchsorted(gaps, fill_rows * span + j, side="right") - starts[fill_rows]


def top_n(
    scores: sp.csr_matrix | np.ndarray,
    n: int,
    rank: np.ndarray,
    seeds: sp.csr_matrix | None = None,
    order: np.ndarray | None = None,
) -> np.ndarray:
    """Column ids of the n highest scores per row, best first, ties broken by the smaller `rank[col]`.

    `scores` is sparse (unstored = 0, no duplicate entries; a dense array is converted); columns stored in
    `seeds` are never returned, and -1 pads a row past the last other column. `order` = the columns by rank
    (np.argsort(rank)), computed when not given. Exact (score desc, rank asc) order at O(stored entries
    + n) per row: the stored positive entries are sorted by one distinct int64 key each (`sort_keys`),
    then come the zero-score columns (neither stored nonzero nor seeds) in popularity order from `order`,
    then the stored negative entries by key, and the first n are kept.
    """
    scores = sp.csr_matrix(scores, dtype=np.float32)
    n_rows, n_tracks = scores.shape
    seeds = sp.csr_matrix((n_rows, n_tracks), dtype=np.float32) if seeds is None else sp.csr_matrix(seeds)
    order = np.argsort(rank, kind="stable") if order is None else order
    coo, seed_coo = scores.tocoo(), seeds.tocoo()
    kept = (coo.data != 0) & ~pair_membership(coo.row, coo.col, seeds)
    rows, cols, values = coo.row[kept], coo.col[kept], coo.data[kept]
    n_positive = np.bincount(rows[values > 0], minlength=n_rows)
    n_zero = n_tracks - np.bincount(rows, minlength=n_rows) - seeds.getnnz(axis=1)
    out = np.full((n_rows, n), -1, dtype=np.int32)
    stored, position = ranked_stored(rows, cols, values, rank, n, n_positive + n_zero)
    out[rows[stored], position] = cols[stored]
    need = np.minimum(np.maximum(n - n_positive, 0), n_zero)
    filling, seed_filling = need[rows] > 0, need[seed_coo.row] > 0  # a full row's exclusions do not matter
    excluded_rows = np.concatenate([rows[filling], seed_coo.row[seed_filling]])
    excluded_ranks = rank[np.concatenate([cols[filling], seed_coo.col[seed_filling]])]
    fill = order[popularity_fill(excluded_rows, excluded_ranks, need, n_tracks)]
    fill_rows = np.repeat(np.arange(n_rows), need)
    out[fill_rows, n_positive[fill_rows] + np.arange(fill.size) - np.repeat(np.cumsum(need) - need, need)] = fill
    return out


def ranked_stored(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, rank: np.ndarray, n: int, negatives_at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(index into the given entries, position in its row's list) of the stored nonzero entries ranked in
    the top n of their row, grouped by row, best first.

    Positives come first in key order; negatives start at `negatives_at[row]` (after the row's positives
    and zero-score columns) and are only kept when that is < n; positives far below a row's n-th are
    dropped by `in_top_bins` before sorting.
    """
    positive = values > 0
    n_rows = len(negatives_at)
    candidate = ~positive & (negatives_at < n)[rows]
    candidate[positive] = in_top_bins(rows[positive], values[positive], n, n_rows)
    index = np.flatnonzero(candidate)
    index = index[row_sorted(rows[index], sort_keys(values[index], cols[index], rank))]
    rows, positive = rows[index], positive[index]
    per_row = np.bincount(rows, minlength=n_rows)
    positives = np.bincount(rows[positive], minlength=n_rows)
    within = np.arange(rows.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    position = within + np.where(positive, 0, negatives_at[rows] - positives[rows])
    return index[position < n], position[position < n]


def row_top_k(scores: sp.csr_matrix, k: int, rank: np.ndarray) -> sp.csr_matrix:
    """Each row's k largest positive entries, ties kept by the smaller `rank[col]` (as `top_n` ranks them);
    other entries dropped. Cutting a row this way changes no top-n list with n + seeds <= k."""
    coo = scores.tocoo()
    index, _ = ranked_stored(coo.row, coo.col, coo.data, rank, k, np.full(scores.shape[0], k))
    return sp.csr_matrix((coo.data[index], (coo.row[index], coo.col[index])), shape=scores.shape)


def ragged_positions(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """starts[0] .. starts[0] + counts[0] - 1, then the same for each following pair, concatenated."""
    offsets = np.cumsum(counts) - counts
    return np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))


def spread_sample(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Each row's stored entries cut to at most k, evenly spread over the row in column order: entry i of a
    row of m > k is kept when i * k mod m < k, exactly k of them. Deterministic, and blind to the values."""
    matrix = sp.csr_matrix(matrix)
    matrix.sort_indices()
    counts = np.diff(matrix.indptr)
    within = np.arange(matrix.nnz) - np.repeat(matrix.indptr[:-1], counts)
    per_row = np.repeat(counts, counts)
    keep = (per_row <= k) | (within * k % np.maximum(per_row, 1) < k)
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    return sp.csr_matrix((matrix.data[keep], (rows[keep], matrix.indices[keep])), shape=matrix.shape)


def first_kept(ranked: np.ndarray, keep: np.ndarray, n: int) -> np.ndarray:
    """The first n entries of each ranked row where `keep` is True, in order (-1 when too few remain)."""
    position = np.cumsum(keep, axis=1) - 1  # where each kept entry lands in its row (no sort)
    placed = keep & (position < n)
    out = np.full((len(ranked), n), -1, dtype=ranked.dtype)
    out[np.nonzero(placed)[0], position[placed]] = ranked[placed]
    return out


class Recommender(ABC):
    """Common interface: `fit(train) -> self`, `recommend_batch(queries, n)`, `recommend(title, seeds, n)`.

    A model whose scores ignore the seeds sets `uses_seeds = False`; `recommend_batch` then ranks each
    distinct title once, n + max(n_seeds) deep, and drops each query's seeds from its title's list,
    which gives exactly the masked top n at a fraction of the cost (many queries share a title).
    """

    uses_seeds: ClassVar[bool] = True
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
        return self

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
        codes, titles = queries.title_codes()
        n_tracks = queries.seeds.shape[1]
        ranked = self._masked_top(
            Queries.titles_only(titles, n_tracks), n + int(queries.n_seeds.max()), chunk_size, progress
        )
        # 1-based place of each track in its title's list, so that only the seeds are looked up (not the list)
        title_rows, places = np.nonzero(ranked >= 0)
        place = sp.csr_matrix((places + 1, (title_rows, ranked[title_rows, places])), shape=(len(titles), n_tracks))
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
        """Top n of the scores with the seeds masked, chunk by chunk, the queries taken in title order: a
        chunk then holds few distinct titles, and a model whose title part costs more than its seed part
        (the blend) scores each of them once per chunk."""
        out = np.empty((len(queries), n), dtype=np.int32)
        order = np.argsort(queries.title_codes()[0], kind="stable")
        self._prepare(queries)

        def rank(start: int) -> None:
            rows = order[start : start + chunk_size]
            chunk = queries.take(rows)
            out[rows] = top_n(self.score(chunk), n, self.popularity_rank_, chunk.seeds, self.popularity_order_)

        starts = range(0, len(queries), chunk_size)
        with ThreadPoolExecutor(worker_count() if self.thread_safe else 1) as pool:
            done = pool.map(rank, starts)
            for _ in tqdm(done, total=len(starts), desc=progress, unit="chunk", disable=progress is None):
                pass
        return out

    def recommend(self, title: str = "", seed_uris: Sequence[str] = (), n: int = 10) -> list[str]:
        """Top-n track URIs for one raw title and seed URIs (unknown URI -> UnknownTrackError)."""
        seeds = self.catalogue_.ids(seed_uris)
        queries = Queries.from_lists([normalise_title(title)], [seeds], len(self.catalogue_))
        return self.catalogue_.uris(self.recommend_batch(queries, n)[0])


class PopularityRecommender(Recommender):
    """The most popular train tracks, whatever the query (the floor every model must beat).

    It scores nothing: the shared fill, from the popularity order ranked once at fit, is the whole list.
    """

    uses_seeds = False

    def score(self, queries: Queries) -> sp.csr_matrix:
        """No stored scores (all 0): every query gets the popularity order."""
        return sp.csr_matrix((len(queries), len(self.popularity_)), dtype=np.float32)


class _TitleVoteRecommender(Recommender):
    """Base of the title models: titles vote for tracks through a title x track share matrix.

    `share_[k, t]` = share of the train playlists titled k that hold track t, kept for each title's
    `title_tracks` largest shares (ties by popularity). A model only chooses the sparse query x title
    weights; the scores are weights @ share_. The cut bounds a query's cost at MPD scale, where a frequent
    title's playlists hold tens of thousands of tracks, most in one or two of them; the exact-title model's
    lists are unchanged by it while n + seeds <= title_tracks.
    """

    uses_seeds = False

    def __init__(self, title_tracks: int = 1000) -> None:
        self.title_tracks = title_tracks

    def _vocabulary(self, train: TrainSet) -> np.ndarray:
        """The titles, in row order of `share_`."""
        return np.unique(train.titles[train.titles != ""])

    def _fit(self, train: TrainSet) -> None:
        """Build `share_` and `title_counts_` (train playlists per title); untitled rows don't vote."""
        vocabulary = self._vocabulary(train)
        rows = pd.Index(vocabulary).get_indexer(train.titles)
        kept = np.flatnonzero(rows >= 0)
        membership = sp.csr_matrix(
            (np.ones(kept.size, dtype=np.float32), (rows[kept], kept)),
            shape=(len(vocabulary), train.matrix.shape[0]),
        )
        self.title_counts_ = np.asarray(membership.sum(axis=1)).ravel()
        counts = (membership @ train.matrix).tocsr()
        share = sp.diags(1.0 / np.maximum(self.title_counts_, 1)).astype(np.float32) @ counts
        self.share_ = row_top_k(share, self.title_tracks, self.popularity_rank_)
        self.titles_ = vocabulary

    @abstractmethod
    def title_weights(self, queries: Queries) -> sp.csr_matrix:
        """Sparse [n_queries, n_titles] vote weights."""

    def score(self, queries: Queries) -> sp.csr_matrix:
        """Votes: title weights times the share matrix."""
        return sp.csr_matrix(self.title_weights(queries) @ self.share_, dtype=np.float32)


class ExactTitleRecommender(_TitleVoteRecommender):
    """Tracks ranked by frequency among train playlists whose normalised title equals the query's."""

    def title_weights(self, queries: Queries) -> sp.csr_matrix:
        """Weight = the title's playlist count on the matching title (none for unseen titles)."""
        rows = pd.Index(self.titles_).get_indexer(queries.titles)
        hit = np.flatnonzero(rows >= 0)
        return sp.csr_matrix(
            (self.title_counts_[rows[hit]].astype(np.float32), (hit, rows[hit])),
            shape=(len(queries), len(self.titles_)),
        )


class _EmbeddingTitleRecommender(_TitleVoteRecommender):
    """A title model over embedded unique train titles; cosine = dot product of unit vectors."""

    def __init__(self, titles: TitleVectors, title_tracks: int = 1000) -> None:
        super().__init__(title_tracks)
        self.titles = titles

    def _vocabulary(self, train: TrainSet) -> np.ndarray:
        """The embedded titles (rows of `titles.vectors`)."""
        return np.asarray(self.titles.titles, dtype=object)

    def similarities(self, queries: Queries) -> np.ndarray:
        """Cosine of each query title to every train title, one matrix product ([n_queries, n_titles]).

        A query without a title is similar to nothing (a row of zeros, and no votes downstream).
        """
        sims = np.zeros((len(queries), len(self.titles.titles)), dtype=np.float32)
        titled = np.flatnonzero([bool(t) for t in queries.titles])
        if titled.size:
            vectors = self.titles.encoder.encode([queries.titles[i] for i in titled])
            sims[titled] = vectors @ self.titles.vectors.T
        return sims

    @staticmethod
    def _nearest(sims: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
        """The m most similar titles per row, most similar first (ties by title row), and their cosines."""
        m = min(m, sims.shape[1])
        part = np.sort(np.argpartition(-sims, m - 1, axis=1)[:, :m], axis=1)
        values = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        return np.take_along_axis(part, order, axis=1), np.take_along_axis(values, order, axis=1)

    @staticmethod
    def _weights(nearest: np.ndarray, weights: np.ndarray, n_titles: int) -> sp.csr_matrix:
        """Sparse [n_queries, n_titles] matrix with `weights[q, j]` at column `nearest[q, j]`."""
        rows = np.repeat(np.arange(len(nearest)), nearest.shape[1])
        matrix = sp.csr_matrix(
            (weights.ravel().astype(np.float32), (rows, nearest.ravel())), shape=(len(nearest), n_titles)
        )
        matrix.eliminate_zeros()
        return matrix


class TitleRecommender(_EmbeddingTitleRecommender):
    """The top-M most similar unique train titles vote, each with weight max(sim, 0) ** sim_power.

    A track's score is the sum over those titles of weight x the share of that title's playlists holding
    it. Voting by unique title rather than by playlist stops a title with thousands of identical copies
    from filling every slot with one title's opinion.
    """

    def __init__(self, titles: TitleVectors, top_m: int = 50, sim_power: float = 2.0, title_tracks: int = 1000) -> None:
        super().__init__(titles, title_tracks)
        self.top_m = top_m
        self.sim_power = sim_power

    def title_weights(self, queries: Queries) -> sp.csr_matrix:
        """sim ** p on the top-M titles of each query."""
        nearest, sims = self._nearest(self.similarities(queries), self.top_m)
        return self._weights(nearest, np.maximum(sims, 0.0) ** self.sim_power, len(self.titles_))


class ReportRecommender(_EmbeddingTitleRecommender):
    """The report's method: the `n_playlists` train playlists most similar by title cosine, one vote each.

    All playlists sharing a normalised title have the same embedding, so the cut at `n_playlists` usually
    falls inside a group of identical copies. The tie is resolved by expectation: titles are taken most
    similar first, each contributing `taken` = the copies that still fit under the cut, and a title's vote
    for a track is `taken` x the share of its playlists holding the track, i.e. the expected vote count
    over a uniformly random choice of which copies make the cut. Deterministic, and order-free.
    """

    def __init__(self, titles: TitleVectors, n_playlists: int = 50, title_tracks: int = 1000) -> None:
        super().__init__(titles, title_tracks)
        self.n_playlists = n_playlists

    def title_weights(self, queries: Queries) -> sp.csr_matrix:
        """Copies taken per title (each title holds >= 1 playlist, so n_playlists titles always suffice)."""
        nearest, _ = self._nearest(self.similarities(queries), self.n_playlists)
        copies = self.title_counts_[nearest]
        before = np.cumsum(copies, axis=1) - copies
        taken = np.clip(self.n_playlists - before, 0, copies)
        taken[[not t for t in queries.titles]] = 0  # an untitled query has no similar playlists
        return self._weights(nearest, taken, len(self.titles_))


class NeighbourLists:
    """Each track's k nearest item-item neighbours, computed the first time the track is a seed, then kept.

    sim(i, j) = C_ij / pop_j^(1 - alpha) with C = X^T X (train playlists holding both tracks); the query-side
    factor pop_i^-alpha is applied when the lists are used. A track's list is its k best j, itself included,
    kept in flat arrays (start and count per track): with k >= n_tracks the lists are exact. The product and
    the cut run fused in `sparse_dot_topn` (C++, threaded: 3.5x faster than a SciPy product then a NumPy
    cut, and it never holds a popular track's full row); ties at the k-th place are broken by that library,
    deterministically. Computing on demand means a served query pays only for its own seeds, and an
    evaluation for the tracks its queries hold (at 1M playlists, 975k tracks in 87-102 s on 2 cores).
    """

    def __init__(self, matrix: sp.csr_matrix, target_scale: np.ndarray, k: int) -> None:
        self.matrix_t = sp.csr_matrix(matrix.T, dtype=np.float32)
        self.scaled = sp.csr_matrix(matrix.multiply(target_scale[None, :]), dtype=np.float32)
        self.k = k
        n_tracks = matrix.shape[1]
        self.done = np.zeros(n_tracks, dtype=bool)
        self.start = np.zeros(n_tracks, dtype=np.int64)
        self.count = np.zeros(n_tracks, dtype=np.int64)
        self.cols = np.empty(0, dtype=np.int32)
        self.sims = np.empty(0, dtype=np.float32)
        self.used = 0
        self.lock = threading.Lock()  # a web server's threads may compute lists at the same time

    def _reserve(self, extra: int) -> None:
        """Room for `extra` more entries: the flat arrays grow to at least twice their size, copied once."""
        if self.used + extra > self.cols.size:
            size = max(2 * self.cols.size, self.used + extra)
            self.cols = np.concatenate([self.cols[: self.used], np.empty(size - self.used, dtype=np.int32)])
            self.sims = np.concatenate([self.sims[: self.used], np.empty(size - self.used, dtype=np.float32)])

    def _append(self, tracks: np.ndarray, lists: sp.csr_matrix) -> None:
        """Store the lists (rows of `lists`) of `tracks`."""
        self._reserve(lists.nnz)
        self.cols[self.used : self.used + lists.nnz] = lists.indices
        self.sims[self.used : self.used + lists.nnz] = lists.data
        self.start[tracks] = self.used + lists.indptr[:-1]
        self.count[tracks] = np.diff(lists.indptr)
        self.done[tracks] = True
        self.used += lists.nnz

    def compute(self, tracks: np.ndarray, group_size: int = 20_000) -> None:
        """Compute the lists of the `tracks` not done yet, `group_size` tracks per fused product."""
        from sparse_dot_topn import sp_matmul_topn

        with self.lock:
            todo = np.unique(tracks[~self.done[tracks]])
            self._reserve(self.k * todo.size)  # an upper bound: one allocation for a whole evaluation
            groups = np.array_split(todo, -(-todo.size // group_size)) if todo.size else []
            for group in tqdm(groups, desc="neighbour lists", unit="group", disable=len(groups) < 10):
                lists = sp_matmul_topn(self.matrix_t[group], self.scaled, top_n=self.k, n_threads=worker_count())
                self._append(group, lists)

    def product(self, weights: sp.csr_matrix) -> sp.csr_matrix:
        """weights @ sim over the lists: row q sums weights[q, i] x the list of i (computed when missing)."""
        coo = weights.tocoo()
        self.compute(coo.col)
        counts = self.count[coo.col]
        positions = ragged_positions(self.start[coo.col], counts)
        values = np.repeat(coo.data.astype(np.float32), counts) * self.sims[positions]
        rows = np.repeat(coo.row, counts)
        return sp.csr_matrix((values, (rows, self.cols[positions])), shape=weights.shape, dtype=np.float32)


class CooccurrenceRecommender(Recommender):
    """Item-item model on the seeds: asymmetric cosine sim(i, j) = C_ij / (pop_i^alpha pop_j^(1-alpha)),
    C = X^T X counting the train playlists holding both tracks, summed over at most `max_seeds` seeds, each
    contributing its `neighbours` best j.

    Both cuts bound a query's cost by max_seeds x neighbours whatever the seeds' popularity: the exact sum
    reaches every track of every playlist holding a seed, millions of entries for a few popular seeds at MPD
    scale. A query with more seeds uses `spread_sample` of them. On the default synthetic data (bench/
    RESULTS.md) 500 neighbours and 25 seeds lose 0.001 of the blend's overall NDCG against the exact sum;
    100 neighbours lose 0.05.
    """

    def __init__(self, alpha: float = 0.9, neighbours: int = 500, max_seeds: int = 25) -> None:
        self.alpha = alpha
        self.neighbours = neighbours
        self.max_seeds = max_seeds

    def _fit(self, train: TrainSet) -> None:
        """The seed-side scaling pop^-alpha (0 for tracks absent from train) and the neighbour lists (empty
        until used)."""
        pop = self.popularity_
        safe = np.maximum(pop, 1)
        self.query_scale_ = np.where(pop > 0, safe**-self.alpha, 0.0).astype(np.float32)
        target_scale = np.where(pop > 0, safe ** (self.alpha - 1.0), 0.0).astype(np.float32)
        self.neighbours_ = NeighbourLists(train.matrix, target_scale, self.neighbours)

    def _prepare(self, queries: Queries) -> None:
        """Compute the neighbour lists of every seed the batch will use, before its chunks run."""
        self.neighbours_.compute(spread_sample(queries.seeds, self.max_seeds).indices)

    def score(self, queries: Queries) -> sp.csr_matrix:
        """(Q D^-alpha) sim over at most `max_seeds` seeds per query, sparse."""
        seeds = spread_sample(queries.seeds, self.max_seeds)
        return self.neighbours_.product(seeds.multiply(self.query_scale_[None, :]).tocsr())


class BlendRecommender(Recommender):
    """Title and seed scores (each row max-normalised) mixed with title weight lambda.

    lambda = blend_lambda * n_seeds ** -0.5, and 1 when there are no seeds: the title matters most for a
    near-empty playlist and fades as the seeds say more about it. The title part is each distinct title's
    best `title_depth` tracks (scored once per title in a chunk): a title's long tail of small votes would
    cost every query with that title and barely moves a list its seeds weigh most on. A query without seeds
    gets exactly the title model's top n for n <= title_depth.
    """

    def __init__(
        self,
        title: Recommender,
        seeds: Recommender | None = None,
        blend_lambda: float = 0.25,
        title_depth: int = 1000,
    ) -> None:
        if title.uses_seeds:
            raise ValueError("the blend's title part must be a model that ignores seeds")
        self.title = title
        self.seeds = CooccurrenceRecommender() if seeds is None else seeds
        self.blend_lambda = blend_lambda
        self.title_depth = title_depth

    def _fit(self, train: TrainSet) -> None:
        """Fit both parts on the same train split."""
        self.title.fit(train)
        self.seeds.fit(train)

    def _prepare(self, queries: Queries) -> None:
        """The seed part's shared work."""
        self.seeds._prepare(queries)

    def score(self, queries: Queries) -> sp.csr_matrix:
        """lambda * title + (1 - lambda) * seeds, per query (mixed in float64, returned as float32)."""
        n_seeds = queries.n_seeds
        lam = np.where(n_seeds > 0, self.blend_lambda / np.sqrt(np.maximum(n_seeds, 1)), 1.0)
        codes, titles = queries.title_codes()
        distinct = Queries.titles_only(titles, queries.seeds.shape[1])
        title = row_top_k(max_normalise(self.title.score(distinct)), self.title_depth, self.popularity_rank_)[codes]
        if not (n_seeds > 0).any():
            return title
        seeds = max_normalise(self.seeds.score(queries))
        return sp.csr_matrix(scale_rows(title, lam) + scale_rows(seeds, 1.0 - lam), dtype=np.float32)
