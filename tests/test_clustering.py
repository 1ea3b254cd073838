import numpy as np
import pytest

from playlistrec.clustering import PlaylistClusterer, cluster_coherence, sweep


def two_themes(n_per_theme: int = 30, seed: int = 0) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Two well-separated blobs of unit vectors; theme 0 is titled 'gym', theme 1 'chill'."""
    rng = np.random.default_rng(seed)
    centres = np.zeros((2, 8))
    centres[0, 0] = centres[1, 1] = 1.0
    truth = np.repeat([0, 1], n_per_theme)
    vectors = centres[truth] + 0.05 * rng.standard_normal((2 * n_per_theme, 8))
    return vectors, ["gym" if t == 0 else "chill" for t in truth], truth


def test_coherence_is_share_of_top_title_ignoring_empty_titles():
    labels = np.array([0, 0, 0, 0, 1, 1, 2])
    titles = ["gym", "gym", "run", "", "", "", "x"]
    assert cluster_coherence(labels, titles, 4).tolist() == [0.5, 0.0, 1.0, 0.0]


def test_k2_recovers_two_themes_and_keeps_both():
    vectors, titles, truth = two_themes()
    model = PlaylistClusterer(k=2, min_coherence=0.02, seed=0).fit(vectors, titles)
    agreement = (model.labels_ == truth).mean()
    assert agreement in (0.0, 1.0)  # the same partition, whatever the label order
    assert model.coherence_.tolist() == [1.0, 1.0]
    assert model.kept_.all()


def test_clusters_under_min_coherence_are_dropped():
    vectors, _, truth = two_themes()
    titles = ["gym"] * 30 + [f"unique {i}" for i in range(30)]  # theme 1: every title different
    model = PlaylistClusterer(k=2, min_coherence=0.1, seed=0).fit(vectors, titles)
    assert model.kept_.tolist() == (truth == 0).tolist()
    assert model.summary()["kept_share"] == pytest.approx(0.5)


def test_sweep_has_one_row_per_k_and_inertia_falls():
    vectors, titles, _ = two_themes()
    table = sweep(vectors, titles, [4, 1, 2], min_coherence=0.02, seed=0, n_init=1)
    assert table["k"].tolist() == [1, 2, 4]
    assert table["inertia"].is_monotonic_decreasing
    assert table.loc[table["k"] == 1, "mean_coherence"].item() == pytest.approx(0.5)


def test_sweep_on_a_sample_estimates_the_whole_sets_inertia():
    from playlistrec.clustering import sample_rows

    vectors, titles, _ = two_themes(n_per_theme=200)
    full = sweep(vectors, titles, [2], min_coherence=0.02, seed=0, n_init=1)
    half = sweep(vectors, titles, [2], min_coherence=0.02, seed=0, n_init=1, sample=200)
    assert half["inertia"].item() == pytest.approx(full["inertia"].item(), rel=0.15)
    assert half["mean_coherence"].item() == 1.0
    rows = sample_rows(400, 200, seed=0)
    assert len(set(rows)) == 200 and (np.diff(rows) > 0).all()
    assert sample_rows(400, 0, seed=0).tolist() == list(range(400))
