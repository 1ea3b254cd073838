"""Recommenders on a hand-built catalogue where the right answers are known.

Tracks 0-3 are rock, 4-7 pop, 8 appears only in a TEST playlist. Train playlists:
rock: {0,1,2}, rock: {0,1,3}, rock classics: {0,2}, pop: {4,5,6}, pop: {4,5,7}, pop hits: {5,6}.
Popularity: 0:3, 1:2, 2:2, 3:1, 4:2, 5:3, 6:2, 7:1, 8:0.
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from playlistrec.recommend import (
    BlendRecommender,
    Catalogue,
    CooccurrenceRecommender,
    ExactTitleRecommender,
    PopularityRecommender,
    Queries,
    QueryEncoder,
    ReportRecommender,
    TitleRecommender,
    TitleVectors,
    TrainSet,
    UnknownTrackError,
    row_top_k,
    spread_sample,
    top_n,
)

N_TRACKS = 9
WORDS = ("rock", "pop", "classics", "hits")
TRAIN = [
    ("rock", [0, 1, 2]),
    ("rock", [0, 1, 3]),
    ("rock classics", [0, 2]),
    ("pop", [4, 5, 6]),
    ("pop", [4, 5, 7]),
    ("pop hits", [5, 6]),
]


class BagOfWords:
    """A toy encoder: unit bag-of-words vectors over WORDS."""

    def encode(self, texts):
        out = np.array([[t.split().count(w) for w in WORDS] for t in texts], dtype=np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def uri(i: int) -> str:
    return f"spotify:track:{i:022d}"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(
        pd.DataFrame(
            {
                "track_id": np.arange(N_TRACKS, dtype=np.int32),
                "track_uri": [uri(i) for i in range(N_TRACKS)],
                "track_name": [f"song {i}" for i in range(N_TRACKS)],
                "artist_id": np.arange(N_TRACKS, dtype=np.int32) // 2,
                "artist_name": [f"artist {i // 2}" for i in range(N_TRACKS)],
            }
        )
    )


@pytest.fixture(scope="module")
def train(catalogue) -> TrainSet:
    playlists = pd.DataFrame({"pid": np.arange(len(TRAIN)), "title": [t for t, _ in TRAIN]})
    items = pd.DataFrame(
        [(pid, track) for pid, (_, tracks) in enumerate(TRAIN) for track in tracks],
        columns=["pid", "track_id"],
    )
    return TrainSet.from_frames(playlists, items, catalogue)


@pytest.fixture(scope="module")
def vectors() -> TitleVectors:
    titles = np.array(sorted({t for t, _ in TRAIN}), dtype=object)
    return TitleVectors(titles, BagOfWords().encode(list(titles)), QueryEncoder(BagOfWords()))


def queries(titles, seeds=None) -> Queries:
    return Queries.from_lists(titles, seeds or [[] for _ in titles], N_TRACKS)


def all_models(vectors):
    return {
        "popular": PopularityRecommender(),
        "exact": ExactTitleRecommender(),
        "report": ReportRecommender(vectors, n_playlists=3),
        "title": TitleRecommender(vectors, top_m=2, sim_power=2),
        "seeds": CooccurrenceRecommender(alpha=0.9),
        "blend": BlendRecommender(TitleRecommender(vectors, top_m=2)),
    }


def test_popularity_orders_by_train_count_then_id(train):
    recs = PopularityRecommender().fit(train).recommend_batch(queries(["rock"]), 9)
    assert recs.tolist() == [[0, 5, 1, 2, 4, 6, 3, 7, 8]]
    assert recs.dtype == np.int32


def test_exact_title_ranks_the_titles_tracks_first(train):
    recs = ExactTitleRecommender().fit(train).recommend_batch(queries(["rock", "unseen title"]), 9)
    # rock playlists: 0 and 1 in both (tie broken by popularity), then 2 and 3, then the popularity fallback.
    assert recs[0].tolist() == [0, 1, 2, 3, 5, 4, 6, 7, 8]
    assert recs[1].tolist() == [0, 5, 1, 2, 4, 6, 3, 7, 8]  # unseen title: popularity


def test_title_model_votes_sim_power_times_share(train, vectors):
    model = TitleRecommender(vectors, top_m=2, sim_power=2).fit(train)
    scores = model.score(queries(["rock", "classics"])).toarray()
    # "rock": rock (sim 1, shares 1,1,.5,.5) + rock classics (sim 1/sqrt2 -> weight .5, shares 1,0,1,0).
    np.testing.assert_allclose(scores[0], [1.5, 1.0, 1.0, 0.5, 0, 0, 0, 0, 0], atol=1e-6)
    # "classics" is only similar to "rock classics" (weight .5); the second nearest title has sim 0.
    np.testing.assert_allclose(scores[1], [0.5, 0, 0.5, 0, 0, 0, 0, 0, 0], atol=1e-6)


def test_report_method_takes_copies_in_expectation(train, vectors):
    scores = ReportRecommender(vectors, n_playlists=3).fit(train).score(queries(["rock"])).toarray()
    # both "rock" copies (share x 2) and the one "rock classics" playlist: unweighted votes.
    np.testing.assert_allclose(scores[0, :4], [3, 2, 2, 1])
    scores = ReportRecommender(vectors, n_playlists=1).fit(train).score(queries(["rock"])).toarray()
    # the cut falls inside the two "rock" copies: each is taken with probability 1/2.
    np.testing.assert_allclose(scores[0, :4], [1, 1, 0.5, 0.5])


def test_untitled_query_gets_no_title_votes(train, vectors):
    for model in (TitleRecommender(vectors), ReportRecommender(vectors), ExactTitleRecommender()):
        assert model.fit(train).score(queries([""])).nnz == 0


def test_cooccurrence_recommends_the_partner_track(train):
    model = CooccurrenceRecommender(alpha=0.9).fit(train)
    scores = model.score(queries([""], [[4]])).toarray()[0]
    # sim(4, j) = C_4j / (pop_4^.9 pop_j^.1): 5 -> 2 / 3^.1, 7 -> 1 / 1, 6 -> 1 / 2^.1.
    np.testing.assert_allclose(scores[[5, 7, 6]] * 2**0.9, [2 / 3**0.1, 1.0, 1 / 2**0.1], rtol=1e-5)
    assert model.recommend_batch(queries([""], [[4]]), 3)[0].tolist() == [5, 7, 6]


def test_blend_weights_title_by_lambda_over_sqrt_seeds(train, vectors):
    title = TitleRecommender(vectors, top_m=2).fit(train)
    seeds = CooccurrenceRecommender().fit(train)
    blend = BlendRecommender(TitleRecommender(vectors, top_m=2), blend_lambda=0.5).fit(train)
    batch = queries(["pop", "pop"], [[], [4, 5, 6, 7]])
    scores = blend.score(batch).toarray()
    t = title.score(batch).toarray() / title.score(batch).toarray().max(axis=1, keepdims=True)
    s = seeds.score(batch).toarray()[1] / seeds.score(batch).toarray()[1].max()
    np.testing.assert_allclose(scores[0], t[0], rtol=1e-6)  # no seeds: the title alone
    np.testing.assert_allclose(scores[1], 0.25 * t[1] + 0.75 * s, rtol=1e-5)  # lambda = .5 / sqrt(4)


def test_no_model_recommends_a_seed_or_an_unseen_test_track(train, vectors):
    batch = queries(["rock", "", "pop"], [[0], [1, 2], [4, 5, 6, 7]])
    for name, model in all_models(vectors).items():
        model.fit(train)
        recs = model.recommend_batch(batch, 5)
        assert 0 not in recs[0] and not {1, 2} & set(recs[1]) and not {4, 5, 6, 7} & set(recs[2]), name
        # track 8 exists only in a test playlist: nothing in train votes for it.
        assert not model.score(batch)[:, 8].toarray().any(), name


def test_lists_are_full_and_padded_only_past_the_catalogue(train, vectors):
    for name, model in all_models(vectors).items():
        recs = model.fit(train).recommend_batch(queries(["rock", "pop"], [[], [4, 5]]), 12)
        assert recs.shape == (2, 12), name
        assert sorted(recs[0, :9]) == list(range(9)) and (recs[0, 9:] == -1).all(), name
        assert len(set(recs[1, :7])) == 7 and (recs[1, 7:] == -1).all(), name


def test_chunking_does_not_change_the_answer(train, vectors):
    model = BlendRecommender(TitleRecommender(vectors)).fit(train)
    batch = queries(["rock", "pop hits", "", "classics"], [[0], [], [5], [2, 3]])
    np.testing.assert_array_equal(model.recommend_batch(batch, 6, chunk_size=1), model.recommend_batch(batch, 6))


def test_recommend_by_uri_and_unknown_uri(train, vectors):
    model = BlendRecommender(TitleRecommender(vectors)).fit(train)
    assert model.recommend("Rock!", [uri(4)], n=2) == [uri(5), uri(7)]
    assert model.recommend("ROCK", n=2) == [uri(0), uri(1)]
    with pytest.raises(UnknownTrackError, match="spotify:track:nope"):
        model.recommend("rock", [uri(0), "spotify:track:nope"])
    assert model.catalogue_.describe(np.array([3, -1]))["artist_name"].tolist() == ["artist 1"]


def test_query_encoder_encodes_each_title_once():
    calls = []

    class Counting(BagOfWords):
        def encode(self, texts):
            calls.append(list(texts))
            return super().encode(texts)

    encoder = QueryEncoder(Counting())
    first = encoder.encode(["rock", "pop", "rock"])
    encoder.encode(["pop", "rock"])
    assert calls == [["pop", "rock"]]
    np.testing.assert_allclose(first[0], first[2])


def test_query_encoder_answers_known_titles_from_their_stored_vectors():
    class Failing:
        def encode(self, texts):
            raise AssertionError(f"encoder called for {texts}")

    stored = np.array([[1, 0], [0, 1]], dtype=np.float32)
    encoder = QueryEncoder(Failing(), (["rock", "pop"], stored))
    assert encoder.encode(["pop", "rock"]).tolist() == [[0, 1], [1, 0]]


def test_top_n_orders_by_score_then_rank():
    scores = np.array([[0.5, -1.0, 0.5, 0.0, -3.0, 2.0]], dtype=np.float32)
    rank = np.array([5, 0, 1, 2, 3, 4])  # column 1 is the most popular
    seeds = sp.csr_matrix(([1.0], ([0], [4])), shape=(1, 6))
    assert top_n(scores, 7, rank, seeds).tolist() == [[5, 2, 0, 3, 1, -1, -1]]
    assert top_n(scores, 7, rank).tolist() == [[5, 2, 0, 3, 1, 4, -1]]


def dense_top_n(scores: np.ndarray, n: int, rank: np.ndarray, seeds: sp.csr_matrix) -> np.ndarray:
    """The former dense ranking, kept as the reference: seeds masked to -inf, sort whole rows by
    (score desc, rank asc), -inf (seeds) and columns past the catalogue as -1."""
    scores = np.array(scores, dtype=np.float32)
    seed_rows, seed_cols = seeds.nonzero()
    scores[seed_rows, seed_cols] = -np.inf
    order = np.lexsort((np.broadcast_to(rank, scores.shape), -scores), axis=1)[:, :n].astype(np.int32)
    order[np.take_along_axis(scores, order, axis=1) == -np.inf] = -1
    return np.pad(order, ((0, 0), (0, n - order.shape[1])), constant_values=-1)


def random_case(
    rng: np.random.Generator, n_rows: int, n_tracks: int
) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """Sparse scores (many ties, or values spread over 60 decades) with explicit zeros, negatives and empty
    rows; seeds; a popularity rank with ties."""
    density = rng.choice([0.0, 0.05, 0.3, 0.9])
    scores = sp.random(n_rows, n_tracks, density=density, format="csr", dtype=np.float32, random_state=rng)
    ties = rng.choice(np.array([-2.0, -0.5, 0.0, 0.25, 0.5, 1.0, 3.0], dtype=np.float32), scores.nnz)
    spread = (rng.standard_normal(scores.nnz) * 10.0 ** rng.integers(-30, 30, scores.nnz)).astype(np.float32)
    scores.data = ties if rng.random() < 0.5 else spread
    scores = sp.csr_matrix(
        sp.diags((rng.random(n_rows) > 0.3).astype(np.float32)) @ scores, dtype=np.float32
    )  # some rows empty
    seeds = sp.random(n_rows, n_tracks, density=rng.choice([0.0, 0.1, 0.5]), format="csr", random_state=rng)
    seeds.data[:] = 1
    pop = rng.integers(0, 4, n_tracks)  # ties in popularity: rank by (count desc, id)
    rank = np.empty(n_tracks, dtype=np.int64)
    rank[np.lexsort((np.arange(n_tracks), -pop))] = np.arange(n_tracks)
    return scores, seeds, rank


def test_sparse_top_n_equals_the_dense_ranking():
    rng = np.random.default_rng(0)
    for _ in range(300):
        n_rows, n_tracks = int(rng.integers(1, 8)), int(rng.integers(1, 40))
        scores, seeds, rank = random_case(rng, n_rows, n_tracks)
        dense = scores.toarray()
        for n in {1, 3, n_tracks - 1, n_tracks, n_tracks + 2, int(rng.integers(1, 2 * n_tracks + 1))} - {0}:
            expected = dense_top_n(dense, n, rank, seeds)
            np.testing.assert_array_equal(top_n(scores, n, rank, seeds), expected)
            np.testing.assert_array_equal(top_n(dense, n, rank, seeds, np.argsort(rank)), expected)


def test_every_model_ranks_its_scores_like_the_dense_ranking(train, vectors):
    batch = queries(["rock", "", "pop hits", "classics", "unseen"], [[0], [1, 2], [], [4, 5, 6, 7], [8]])
    for name, model in all_models(vectors).items():
        model.fit(train)
        for n in (1, 4, 8, 9, 12):
            expected = dense_top_n(model.score(batch).toarray(), n, model.popularity_rank_, batch.seeds)
            np.testing.assert_array_equal(model.recommend_batch(batch, n), expected, err_msg=f"{name} n={n}")


def test_blend_can_score_negative_and_still_ranks_like_the_dense_ranking(train, vectors):
    blend = BlendRecommender(TitleRecommender(vectors, top_m=2), blend_lambda=2.0).fit(train)
    batch = queries(["rock", "pop"], [[4], [0]])  # lambda = 2 > 1: the seeds' part weighs -1
    scores = blend.score(batch).toarray()
    assert (scores < 0).any()
    for n in (3, 8, 9):
        np.testing.assert_array_equal(
            blend.recommend_batch(batch, n), dense_top_n(scores, n, blend.popularity_rank_, batch.seeds)
        )


def test_ranking_each_title_once_equals_masking_each_query(train, vectors):
    batch = queries(["rock", "rock", "pop", "", "rock"], [[0, 1], [], [5], [0], [8, 3, 2]])
    for model in (
        PopularityRecommender(),
        ExactTitleRecommender(),
        ReportRecommender(vectors),
        TitleRecommender(vectors),
    ):
        model.fit(train)
        assert not model.uses_seeds
        for n in (3, 9):
            np.testing.assert_array_equal(model.recommend_batch(batch, n), model._masked_top(batch, n, chunk_size=2))


def test_query_encoder_refuses_a_missing_model_folder_when_built(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `dvc repro` first"):
        QueryEncoder(tmp_path / "models" / "finetuned")


def exact_item_item(train: TrainSet, seeds: list[int], alpha: float) -> np.ndarray:
    """The item-item scores without any cut, densely: sum over seeds i of C_ij / (pop_i^a pop_j^(1-a))."""
    x = train.matrix.toarray()
    pop = x.sum(axis=0)
    c = x.T @ x
    safe = np.maximum(pop, 1)
    sim = np.where(pop[:, None] > 0, safe[:, None] ** -alpha, 0) * c * np.where(pop > 0, safe ** (alpha - 1), 0)
    return sim[seeds].sum(axis=0)


def test_uncut_neighbour_lists_give_the_exact_item_item_sums(train):
    model = CooccurrenceRecommender(alpha=0.7, neighbours=N_TRACKS, max_seeds=N_TRACKS).fit(train)
    for seeds in ([4], [0, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8]):
        np.testing.assert_allclose(
            model.score(queries([""], [seeds])).toarray()[0], exact_item_item(train, seeds, 0.7), rtol=1e-5
        )


def test_neighbour_lists_keep_each_seeds_k_best_and_are_computed_once(train):
    model = CooccurrenceRecommender(alpha=0.9, neighbours=2).fit(train)
    assert not model.neighbours_.done.any()  # nothing is computed before a seed is used
    scores = model.score(queries([""], [[4]])).toarray()[0]
    # sim(4, .) * 2^.9: itself 2 / 2^.1 = 1.87, 5: 2 / 3^.1 = 1.79, 7: 1, 6: 0.93 -> the two best are 4 and 5.
    assert np.flatnonzero(scores).tolist() == [4, 5]
    assert np.flatnonzero(model.neighbours_.done).tolist() == [4]
    used = model.neighbours_.used
    model.score(queries(["", ""], [[4], [4]]))
    assert model.neighbours_.used == used  # kept, not recomputed


def test_item_item_uses_an_even_spread_of_at_most_max_seeds(train):
    capped = CooccurrenceRecommender(neighbours=N_TRACKS, max_seeds=2).fit(train)
    # seeds 0, 1, 4, 5 in column order: i * 2 mod 4 < 2 keeps positions 0 and 2, i.e. tracks 0 and 4.
    np.testing.assert_allclose(
        capped.score(queries([""], [[5, 4, 1, 0]])).toarray()[0], exact_item_item(train, [0, 4], 0.9), rtol=1e-5
    )


def test_spread_sample_keeps_exactly_k_evenly_spread_entries():
    matrix = sp.csr_matrix(np.array([[1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 0, 0, 0, 0, 0]]))
    sampled = spread_sample(matrix, 4).toarray()
    assert np.flatnonzero(sampled[0]).tolist() == [0, 3, 5, 8]  # i * 4 mod 10 < 4: i = 0, 3, 5, 8
    assert np.flatnonzero(sampled[1]).tolist() == [1, 3]  # rows with at most k entries are unchanged


def test_row_top_k_keeps_the_best_positive_entries_ties_by_rank():
    scores = sp.csr_matrix(np.array([[0.5, 2.0, 0.5, -1.0, 0.5], [0.0, 0.0, -2.0, 0.0, 0.0]], dtype=np.float32))
    rank = np.array([4, 3, 0, 1, 2])  # column 2 is the most popular
    kept = row_top_k(scores, 3, rank).toarray()
    np.testing.assert_array_equal(kept[0], [0, 2.0, 0.5, 0, 0.5])  # 0.5 ties: columns 2 then 4, not 0
    assert not kept[1].any()  # negatives are never kept


def test_title_tracks_cuts_each_titles_votes_to_its_most_frequent(train):
    model = ExactTitleRecommender(title_tracks=2).fit(train)
    # "rock": shares 0: 1, 1: 1, 2: .5, 3: .5 -> only 0 and 1 vote; the rest of the list is popularity.
    assert model.share_.getnnz(axis=1).max() == 2
    assert model.recommend_batch(queries(["rock"]), 5)[0].tolist() == [0, 1, 5, 2, 4]


def test_blend_title_depth_cuts_the_title_part_and_needs_a_title_model(train, vectors):
    deep = BlendRecommender(TitleRecommender(vectors, top_m=2)).fit(train)
    shallow = BlendRecommender(TitleRecommender(vectors, top_m=2), title_depth=1).fit(train)
    batch = queries(["rock", "rock"], [[], [4]])
    assert np.flatnonzero(shallow.score(batch).toarray()[0]).tolist() == [0]
    # a query without seeds gets the title model's list whenever n <= title_depth
    np.testing.assert_array_equal(
        deep.recommend_batch(batch, 5)[0], TitleRecommender(vectors, top_m=2).fit(train).recommend_batch(batch, 5)[0]
    )
    with pytest.raises(ValueError, match="ignores seeds"):
        BlendRecommender(CooccurrenceRecommender())


def test_queries_concat_take_and_title_codes():
    first, second = queries(["rock", ""], [[0], []]), queries(["pop"], [[4, 5]])
    both = Queries.concat([first, second])
    assert both.titles == ["rock", "", "pop"] and both.n_seeds.tolist() == [1, 0, 2]
    taken = both.take(np.array([2, 0]))
    assert taken.titles == ["pop", "rock"] and taken.seeds.toarray()[0, [4, 5]].tolist() == [1, 1]
    codes, distinct = both.title_codes()
    assert distinct == ["", "pop", "rock"] and codes.tolist() == [2, 0, 1]
