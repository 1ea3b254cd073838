"""Ranking metrics of the RecSys Challenge 2018 (and precision/recall/MRR@N), vectorised over queries.

Inputs everywhere: `recs`, an int [n_queries, n] array of recommended track ids, best first (-1 = padding),
and `truth`, a binary CSR matrix [n_queries, n_tracks] of each query's held-out tracks G. Tracks are
matched by id (i.e. by URI), never by name. Every function returns one value per query; averaging over
queries is the caller's business, as in the challenge (which averages over the challenge playlists).

Challenge definitions (recsys-challenge.spotify.com/rules), with R = the recommended list (500 tracks):

* R-precision = (|G ∩ R_1:|G|| + 0.25 x artist matches) / |G|: the hits in the first |G| recommendations,
  plus partial credit for a recommended track in the first |G| that is not a hit but whose artist is an
  artist of G. Each artist of G earns that credit at most once, and not at all when a track hit already
  credited the same artist (so the score never exceeds 1).
* NDCG = DCG / IDCG with binary relevance and the challenge's discount, rank 1 undiscounted:
  DCG = rel_1 + sum_{i>=2} rel_i / log2(i); IDCG = the DCG of the ideal list, all of G on top (|G|
  relevant, capped at the list length). Copies of the rules write IDCG's sum up to |G ∩ R| instead,
  which would rate a list whose only hit is at rank 1 as perfect; the ideal over G is used here.
* Recommended Songs clicks = floor((rank of the first hit - 1) / 10), rank 1-based: the number of
  refreshes of a 10-track list before a relevant track shows; 51 (one more than 500 / 10) when no track
  of the first 500 is relevant.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from playlistrec.recommenders.ranking import row_membership

ARTIST_CREDIT = 0.25
CLICKS_PAGE = 10
CLICKS_DEPTH = 500
NO_CLICK = CLICKS_DEPTH // CLICKS_PAGE + 1


def hit_matrix(recs: np.ndarray, truth: sp.csr_matrix) -> np.ndarray:
    """Boolean [n_queries, n]: is recommendation j of query q in G_q (padding never is)."""
    return row_membership(recs, truth)


def n_relevant(truth: sp.csr_matrix) -> np.ndarray:
    """|G| per query."""
    return np.diff(truth.indptr)


def precision_at(hits: np.ndarray, cutoff: int) -> np.ndarray:
    """Share of the first `cutoff` recommendations that are relevant."""
    return hits[:, :cutoff].sum(axis=1) / cutoff


def recall_at(hits: np.ndarray, relevant: np.ndarray, cutoff: int) -> np.ndarray:
    """Share of G found in the first `cutoff` recommendations."""
    return hits[:, :cutoff].sum(axis=1) / np.maximum(relevant, 1)


def first_hit(hits: np.ndarray) -> np.ndarray:
    """0-based position of the first hit per query, -1 when there is none."""
    return np.where(hits.any(axis=1), hits.argmax(axis=1), -1)


def mrr_at(hits: np.ndarray, cutoff: int) -> np.ndarray:
    """Reciprocal rank of the first hit within the first `cutoff`, 0 when there is none."""
    first = first_hit(hits[:, :cutoff])
    return np.where(first >= 0, 1.0 / (np.maximum(first, 0) + 1.0), 0.0)


def _discounts(length: int) -> np.ndarray:
    """The challenge's discount per 1-based rank i: 1 for i = 1, 1 / log2(i) after."""
    ranks = np.arange(1, length + 1, dtype=np.float64)
    return 1.0 / np.maximum(np.log2(ranks), 1.0)


def ndcg(hits: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """DCG / IDCG with binary relevance over the whole list (NDCG@500 for a 500-track list)."""
    discounts = _discounts(hits.shape[1])
    dcg = hits @ discounts
    ideal = np.concatenate([[0.0], np.cumsum(discounts)])[np.minimum(relevant, hits.shape[1])]
    return np.divide(dcg, ideal, out=np.zeros_like(dcg), where=ideal > 0)


def clicks(hits: np.ndarray) -> np.ndarray:
    """Recommended Songs clicks: floor((first hit rank - 1) / 10) within the first 500, else 51."""
    first = first_hit(hits[:, :CLICKS_DEPTH])
    return np.where(first >= 0, first // CLICKS_PAGE, NO_CLICK)


def _query_artists(rows: np.ndarray, tracks: np.ndarray, track_artist: np.ndarray, shape: tuple) -> sp.csr_matrix:
    """Binary query x artist matrix marking the artists of the given (query, track) pairs."""
    matrix = sp.csr_matrix((np.ones(rows.size, dtype=np.int32), (rows, track_artist[tracks])), shape=shape)
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def r_precision(recs: np.ndarray, hits: np.ndarray, truth: sp.csr_matrix, track_artist: np.ndarray) -> np.ndarray:
    """R-precision with the challenge's 0.25 artist credit (see the module docstring)."""
    relevant = n_relevant(truth)
    in_top = np.arange(recs.shape[1])[None, :] < relevant[:, None]
    shape = (len(recs), int(track_artist.max()) + 1 if track_artist.size else 1)
    track_hits = (hits & in_top).sum(axis=1)
    coo = truth.tocoo()
    truth_artists = _query_artists(coo.row, coo.col, track_artist, shape)
    hit_rows, hit_cols = np.nonzero(hits & in_top)
    hit_artists = _query_artists(hit_rows, recs[hit_rows, hit_cols], track_artist, shape)
    miss_rows, miss_cols = np.nonzero(in_top & ~hits & (recs >= 0))
    miss_artists = _query_artists(miss_rows, recs[miss_rows, miss_cols], track_artist, shape)
    matched = miss_artists.multiply(truth_artists)
    credited = np.asarray(matched.sum(axis=1)).ravel() - np.asarray(matched.multiply(hit_artists).sum(axis=1)).ravel()
    return (track_hits + ARTIST_CREDIT * credited) / np.maximum(relevant, 1)
