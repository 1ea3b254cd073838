import numpy as np
import pandas as pd
import pytest
from safetensors.numpy import load_file

from playlistrec.encoders import Encoder, base_model_path
from playlistrec.finetune import FinetuneConfig, finetune, loss_curve, same_cluster_recall, title_targets

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
