import numpy as np
import pandas as pd
import pytest
from safetensors.numpy import load_file

from playlistrec.cf import CollaborativeTargets
from playlistrec.encoders import Encoder, base_model_path, load_projection
from playlistrec.finetune import (
    CFConfig,
    FinetuneConfig,
    finetune,
    finetune_cf,
    loss_curve,
    repeats,
    same_cluster_recall,
    title_targets,
)

GYM = ["gym", "beast mode", "swole szn", "lift heavy", "cardio", "gains"]
CHILL = ["chill", "lazy sunday", "calm", "coffee shop", "rainy day", "mellow"]


def test_title_targets_are_cluster_distributions_of_unique_titles():
    titles = pd.Series(["gym", "gym", "gym", "chill", "", "gym"])
    clusters = pd.Series([0, 0, 1, 1, 0, 0])
    data = title_targets(titles, clusters, n_clusters=2)
    assert data.titles == ["gym", "chill"]  # most frequent first, empty title dropped
    assert data.counts.tolist() == [4, 1]
    np.testing.assert_allclose(data.targets, [[0.75, 0.25], [0.0, 1.0]])
    assert data.majority.tolist() == [0, 1]


def test_same_cluster_recall_counts_neighbours_of_the_same_cluster():
    index = np.eye(3, dtype=np.float32)
    queries = np.array([[1, 0.1, 0], [0, 0, 1]], dtype=np.float32)
    assert same_cluster_recall(queries, np.array([0, 1]), index, np.array([0, 0, 1]), k=2) == pytest.approx(0.75)


def test_loss_curve_pairs_train_and_validation_loss_by_epoch():
    history = [{"loss": 2.0, "epoch": 1.0}, {"eval_loss": 1.5, "epoch": 1.0}, {"loss": 1.0, "epoch": 2.0}]
    curve = loss_curve(history)
    assert curve["epoch"].tolist() == [1, 2]
    assert curve["train_loss"].tolist() == [2.0, 1.0]
    assert curve["val_loss"].iloc[0] == 1.5 and pd.isna(curve["val_loss"].iloc[1])


@pytest.mark.parametrize("method", ["classifier", "triplet"])
def test_finetune_changes_the_saved_encoder_and_reloads_exactly(tmp_path, method):
    titles = pd.Series(GYM + CHILL)
    data = title_targets(titles, pd.Series([0] * 6 + [1] * 6), n_clusters=2)
    config = FinetuneConfig(method=method, epochs=2, batch_size=4, learning_rate=1e-4, seed=0)
    result = finetune(data, data, config)
    result.model.save(str(tmp_path), create_model_card=False)

    base_weights = load_file(str(base_model_path() / "model.safetensors"))
    tuned_weights = load_file(str(tmp_path / "model.safetensors"))
    shared = sorted(set(base_weights) & set(tuned_weights))
    changed = [name for name in shared if not np.array_equal(base_weights[name], tuned_weights[name])]
    assert len(shared) >= 100 and len(changed) > len(shared) // 2

    probes = ["workout mix", "sunday morning", "k-pop"]
    trained = result.model.encode(probes, normalize_embeddings=True)
    reloaded = Encoder(tmp_path).encode(probes)
    pretrained = Encoder().encode(probes)
    np.testing.assert_allclose(reloaded, trained, atol=1e-5)
    assert (reloaded * pretrained).sum(axis=1).max() < 0.9999
    assert len(result.curve) == 2 and result.curve["val_loss"].notna().all()
    if method == "classifier":
        assert 0.0 <= result.val_accuracy <= 1.0


def test_cf_recipe_saves_its_projection_and_reloads_exactly(tmp_path):
    from sentence_transformers import SentenceTransformer

    titles = ["gym", "beast mode", "chill", "lazy sunday"]
    targets = np.eye(4, 3, dtype=np.float32)
    data = CollaborativeTargets(titles, np.array([9, 1, 4, 1]), targets)
    result = finetune_cf(data, data, CFConfig(epochs=1, batch_size=4, learning_rate=1e-3, seed=0))
    result.model.save(str(tmp_path), create_model_card=False)

    probes = ["workout mix", "sunday morning"]
    projected = result.model.encode(probes)
    assert projected.shape == (2, 3)
    reloaded = SentenceTransformer(str(tmp_path), device="cpu")
    np.testing.assert_array_equal(reloaded.encode(probes), projected)  # the projection is in the folder
    embeddings = Encoder(tmp_path).encode(probes)  # the normalised embedding before the projection
    pretrained = Encoder().encode(probes)
    assert (embeddings * pretrained).sum(axis=1).max() < 0.99999  # the encoder itself was trained
    np.testing.assert_allclose(load_projection(tmp_path)(embeddings), projected, atol=1e-5)
    assert load_projection("pretrained") is None


def test_repeats_grow_with_the_square_root_of_the_playlists_and_are_capped():
    assert repeats(np.array([1, 2, 4, 9, 100]), max_repeats=4).tolist() == [1, 1, 2, 3, 4]
