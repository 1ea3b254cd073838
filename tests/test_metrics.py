"""Every metric against hand-computed values.

Query 0: G = {1, 2, 3}, recs = [5, 1, 7, 2, -1] -> hits at ranks 2 and 4.
Query 1: G = {4}, recs = 10 misses then 4 at rank 11.
Query 2: G = {0, 9}, recs with no hit.
Artists: track t is by artist t // 2 except tracks 5 and 7, both by artist 1 (the artist of track 3).
"""

import math

import numpy as np
import pytest
import scipy.sparse as sp

from playlistrec import metrics

N_TRACKS = 30
TRACK_ARTIST = np.arange(N_TRACKS) // 2
TRACK_ARTIST[[5, 7]] = 1


def make_truth(sets):
    rows = [q for q, g in enumerate(sets) for _ in g]
    cols = [t for g in sets for t in g]
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), N_TRACKS))


@pytest.fixture()
def case():
    recs = np.full((3, 12), -1)
    recs[0, :5] = [5, 1, 7, 2, -1]
    recs[1, :11] = [*range(10, 20), 4]
    recs[2, :12] = range(10, 22)
    truth = make_truth([{1, 2, 3}, {4}, {0, 9}])
    return recs, truth, metrics.hit_matrix(recs, truth)


def test_hits_match_by_id_and_never_on_padding(case):
    _, truth, hits = case
    assert hits[0].tolist()[:5] == [False, True, False, True, False]
    assert hits[1].sum() == 1 and hits[1, 10] and not hits[2].any()
    assert metrics.n_relevant(truth).tolist() == [3, 1, 2]


def test_precision_recall_mrr(case):
    _, truth, hits = case
    np.testing.assert_allclose(metrics.precision_at(hits, 2), [0.5, 0, 0])
    np.testing.assert_allclose(metrics.recall_at(hits, metrics.n_relevant(truth), 4), [2 / 3, 0, 0])
    np.testing.assert_allclose(metrics.recall_at(hits, metrics.n_relevant(truth), 11), [2 / 3, 1, 0])
    np.testing.assert_allclose(metrics.mrr_at(hits, 10), [0.5, 0, 0])
    np.testing.assert_allclose(metrics.mrr_at(hits, 12), [0.5, 1 / 11, 0])
    np.testing.assert_allclose(metrics.mrr_at(hits, 1), [0, 0, 0])


def test_ndcg_uses_the_challenge_discount(case):
    _, truth, hits = case
    # DCG = rank2: 1/log2(2) + rank4: 1/log2(4) = 1.5; IDCG over |G| = 3: 1 + 1 + 1/log2(3).
    expected0 = 1.5 / (2 + 1 / math.log2(3))
    np.testing.assert_allclose(metrics.ndcg(hits, metrics.n_relevant(truth)), [expected0, 1 / math.log2(11), 0])


def test_ndcg_is_one_for_the_ideal_list():
    truth = make_truth([{3, 4}])
    recs = np.array([[4, 3, 0]])
    np.testing.assert_allclose(metrics.ndcg(metrics.hit_matrix(recs, truth), np.array([2])), [1.0])


def test_clicks_counts_refreshes_of_ten(case):
    _, _, hits = case
    # first hit at rank 2 -> 0 refreshes; rank 11 -> 1; none -> 51.
    assert metrics.clicks(hits).tolist() == [0, 1, 51]


def test_clicks_ignores_hits_past_500():
    hits = np.zeros((2, 600), dtype=bool)
    hits[0, 499] = True  # rank 500 -> floor(499 / 10) = 49
    hits[1, 500] = True  # rank 501 -> outside the 500 -> 51
    assert metrics.clicks(hits).tolist() == [49, 51]


def test_r_precision_gives_artist_credit_once(case):
    recs, truth, hits = case
    # Query 0: top |G| = 3 -> [5, 1, 7]: one hit (track 1); 5 and 7 miss but are by artist 1, the artist
    # of G's track 3 -> one artist credit of 0.25 (each artist at most once). (1 + 0.25) / 3.
    # Query 1: |G| = 1, rec 10 (artist 5) is not G's artist (2) -> 0. Query 2: artists 0, 4 vs 5 -> 0.
    np.testing.assert_allclose(metrics.r_precision(recs, hits, truth, TRACK_ARTIST), [1.25 / 3, 0, 0])


def test_r_precision_no_artist_credit_for_an_artist_already_hit():
    truth = make_truth([{2, 3}])  # both by artist 1
    recs = np.array([[2, 7, 0]])  # 2 hits (artist 1); 7 by artist 1 too: already credited by the hit
    hits = metrics.hit_matrix(recs, truth)
    np.testing.assert_allclose(metrics.r_precision(recs, hits, truth, TRACK_ARTIST), [0.5])
