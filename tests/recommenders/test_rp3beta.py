"""RP3beta on the hand-built train set: the exact random-walk scores and the shared contract."""

import numpy as np
import toy
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.recommenders.rp3beta import RP3betaRecommender


class TestRP3betaContract(RecommenderBaseTestMixin):
    def make_model(self):
        return RP3betaRecommender(alpha=0.5, beta=0.3)


def exact_rp3beta(seeds: list[int], alpha: float, beta: float) -> np.ndarray:
    """Dense W = (P_iu^alpha)(P_uj^alpha) / pop_j^beta summed over the seeds, from row-normalised transitions."""
    x = toy.train_set().matrix.toarray()
    pop, length = x.sum(axis=0), x.sum(axis=1)
    p_iu = np.divide(x.T, pop[:, None], out=np.zeros_like(x.T), where=pop[:, None] > 0)
    p_uj = x / length[:, None]
    w = (p_iu**alpha) @ (p_uj**alpha) * np.where(pop > 0, np.maximum(pop, 1) ** -beta, 0)
    return w[seeds].sum(axis=0)


def test_uncut_lists_give_the_exact_random_walk(train):
    model = RP3betaRecommender(alpha=0.7, beta=0.4, neighbours=toy.N_TRACKS, max_seeds=toy.N_TRACKS).fit(train)
    for seeds in ([4], [0, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8]):
        np.testing.assert_allclose(
            model.score(toy.queries([""], [seeds])).toarray()[0], exact_rp3beta(seeds, 0.7, 0.4), rtol=1e-5
        )


def test_a_popularity_penalty_moves_rare_tracks_up(train):
    # Seed 4: 5 (pop 3) shares two playlists, 7 (pop 1) one; without a penalty 5 leads, with beta 1 track 7 does.
    plain = RP3betaRecommender(alpha=1.0, beta=0.0).fit(train).recommend_batch(toy.queries([""], [[4]]), 1)
    penalised = RP3betaRecommender(alpha=1.0, beta=1.0).fit(train).recommend_batch(toy.queries([""], [[4]]), 1)
    assert plain[0].tolist() == [5] and penalised[0].tolist() == [7]
