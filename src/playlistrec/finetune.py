"""Fine-tuning the title encoder on (normalised title -> content cluster), so retrieval sees the change.

Two recipes, both through sentence-transformers' own Trainer and both training the very embedding
that retrieval uses (mean pooling + L2 normalisation of the SentenceTransformer folder we save):

- ``classifier`` (the report's idea, done so the encoder really changes): dropout + a linear layer on
  the sentence embedding, cross-entropy against each unique title's *distribution* over clusters
  (a soft target). Only the encoder is saved; the head is thrown away.
- ``triplet``: batch-hard soft-margin triplet loss over each unique title's majority cluster, with a
  label-grouping batch sampler so every batch holds positives.
- ``cf`` (`finetune_cf`): the encoder plus a `Dense` projection to d, regressed onto each unique title's
  collaborative target (`cf.py`: the normalised mean SVD factors of its playlists) with sentence-transformers'
  `EmbedDistillLoss` (MSE, as `MSELoss`, or cosine distance). The projection is part of the saved model,
  so reloading the folder gives the projected vectors; `encoders.Encoder` still reads the normalised
  mean-pooled embedding before it.

Training rows are UNIQUE normalised titles of the train split's kept (non-miscellaneous) clusters:
a head title with thousands of copies is one row with a soft target, so copies never dominate a batch
and the full MPD (17k unique titles) trains in minutes instead of the 13 hours that one row per
playlist would take on a CPU.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from playlistrec.cf import CollaborativeTargets
from playlistrec.encoders import EMBEDDING_DIM, base_model_path, resolve_device


@dataclass(frozen=True)
class TitleTargets:
    """Unique normalised titles with their distribution over clusters (rows sum to 1)."""

    titles: list[str]
    targets: np.ndarray  # float32 [n_titles, n_clusters]
    counts: np.ndarray  # int64 playlists per title

    @property
    def majority(self) -> np.ndarray:
        """Each title's most frequent cluster."""
        return self.targets.argmax(axis=1)


def title_targets(
    titles: pd.Series, clusters: pd.Series, n_clusters: int, max_titles: int | None = None
) -> TitleTargets:
    """Group playlists by normalised title (empty titles dropped) into soft cluster targets.

    Titles are ordered by playlist count (descending, ties by title) and cut at `max_titles`.
    """
    frame = pd.DataFrame({"title": titles.to_numpy(), "cluster": clusters.to_numpy()})
    frame = frame[frame["title"] != ""]
    table = frame.groupby(["title", "cluster"]).size().unstack(fill_value=0)
    table = table.reindex(columns=range(n_clusters), fill_value=0)
    counts = table.sum(axis=1)
    order = sorted(table.index, key=lambda title: (-counts[title], title))[:max_titles]
    table, counts = table.loc[order], counts.loc[order]
    return TitleTargets(
        titles=list(order),
        targets=(table.to_numpy() / counts.to_numpy()[:, None]).astype(np.float32),
        counts=counts.to_numpy().astype(np.int64),
    )


class TitleClusterLoss(nn.Module):
    """Soft cross-entropy of a dropout + linear head over the model's sentence embedding.

    The head reads the same normalised mean-pooled vector that retrieval uses; `scale` turns unit
    vectors into logits of a useful range (a cosine classifier), so the head need not learn the scale.
    """

    def __init__(self, model: nn.Module, dim: int, n_clusters: int, dropout: float, scale: float = 20.0):
        super().__init__()
        self.model = model
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(dim, n_clusters)
        self.scale = scale

    def logits(self, sentence_features: list[dict[str, torch.Tensor]]) -> torch.Tensor:
        """Class scores of one batch of tokenised titles."""
        embeddings = self.model(sentence_features[0])["sentence_embedding"]
        return self.scale * self.classifier(self.dropout(embeddings))

    def forward(self, sentence_features: list[dict[str, torch.Tensor]], labels: torch.Tensor) -> torch.Tensor:
        """Cross-entropy against class probabilities (`labels` is [batch, n_clusters])."""
        return nn.functional.cross_entropy(self.logits(sentence_features), labels)


@dataclass(frozen=True)
class FinetuneConfig:
    """The `finetune:` section of params.yaml (see there for the report's values)."""

    method: str = "classifier"
    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-3
    dropout: float = 0.1
    max_titles: int = 20000
    seed: int = 42
    device: str = "cpu"  # embed.device: auto | cpu | cuda (a GPU trains in fp16 mixed precision)


def _dataset(data: TitleTargets, method: str):
    """A `datasets.Dataset` of (title, label): soft targets for the classifier, majority ids otherwise."""
    from datasets import Dataset

    labels = data.targets.tolist() if method == "classifier" else data.majority.tolist()
    return Dataset.from_dict({"title": data.titles, "label": labels})


def _loss(model, method: str, n_clusters: int, config: FinetuneConfig) -> nn.Module:
    """The training objective for `method`."""
    from sentence_transformers.sentence_transformer.losses import BatchHardSoftMarginTripletLoss

    if method == "classifier":
        return TitleClusterLoss(model, model.get_embedding_dimension(), n_clusters, config.dropout)
    if method == "triplet":
        return BatchHardSoftMarginTripletLoss(model)
    raise ValueError(f"finetune.method must be 'classifier' or 'triplet', not {method!r}")


def loss_curve(log_history: list[dict]) -> pd.DataFrame:
    """Per-epoch train and validation loss from the Trainer's log history (for `dvc plots`)."""
    train = {round(row["epoch"]): row["loss"] for row in log_history if "loss" in row}
    val = {round(row["epoch"]): row["eval_loss"] for row in log_history if "eval_loss" in row}
    epochs = sorted(set(train) | set(val))
    return pd.DataFrame(
        {
            "epoch": epochs,
            "train_loss": [train.get(e) for e in epochs],
            "val_loss": [val.get(e) for e in epochs],
        }
    )


@dataclass
class FinetuneResult:
    """What a fine-tune produced: the trained model, its loss curve and (classifier) the head's accuracy."""

    model: object
    curve: pd.DataFrame
    val_accuracy: float | None


def finetune(train: TitleTargets, val: TitleTargets, config: FinetuneConfig) -> FinetuneResult:
    """Train all-MiniLM-L6-v2 on `train`, validating each epoch on `val`; returns the trained model."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.sampler import BatchSamplers

    torch.manual_seed(config.seed)
    device = resolve_device(config.device)
    model = SentenceTransformer(str(base_model_path()), device=device)
    n_clusters = train.targets.shape[1]
    loss = _loss(model, config.method, n_clusters, config)
    trainer = _train(
        model,
        loss,
        _dataset(train, config.method),
        _dataset(val, config.method),
        config,
        {"classifier": config.head_learning_rate} if config.method == "classifier" else {},
        BatchSamplers.GROUP_BY_LABEL if config.method == "triplet" else BatchSamplers.BATCH_SAMPLER,
    )
    model.eval()
    accuracy = _head_accuracy(loss, model, val) if isinstance(loss, TitleClusterLoss) else None
    return FinetuneResult(model=model, curve=loss_curve(trainer.state.log_history), val_accuracy=accuracy)


def _train(model, loss, train_data, val_data, config, learning_rates: dict[str, float], sampler):
    """Run sentence-transformers' Trainer (on the model's device, fp16 on a GPU, seeded, per-epoch loss on
    `val_data`); returns the trainer.

    `config` gives epochs, batch_size, learning_rate and seed; `learning_rates` maps parameter-name patterns
    to their own rates (a head's)."""
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments

    device = model.device.type
    with tempfile.TemporaryDirectory() as scratch:
        args = SentenceTransformerTrainingArguments(
            output_dir=scratch,
            num_train_epochs=config.epochs,
            per_device_train_batch_size=config.batch_size,
            per_device_eval_batch_size=128,
            learning_rate=config.learning_rate,
            learning_rate_mapping=learning_rates,
            warmup_steps=0.1,
            seed=config.seed,
            data_seed=config.seed,
            eval_strategy="epoch",
            logging_strategy="epoch",
            save_strategy="no",
            report_to="none",
            use_cpu=device == "cpu",
            fp16=device == "cuda",
            dataloader_num_workers=0,
            batch_sampler=sampler,
        )
        trainer = SentenceTransformerTrainer(
            model=model, args=args, train_dataset=train_data, eval_dataset=val_data, loss=loss
        )
        trainer.train()
    return trainer


@dataclass(frozen=True)
class CFConfig:
    """The `finetune_cf:` section of params.yaml."""

    epochs: int = 8
    batch_size: int = 32
    learning_rate: float = 1e-4
    head_learning_rate: float = 1e-3
    loss: str = "mse"
    max_repeats: int = 4
    max_titles: int = 20000
    init_ridge: float = 0.1
    seed: int = 42
    device: str = "cpu"  # embed.device: auto | cpu | cuda


def repeats(counts: np.ndarray, max_repeats: int) -> np.ndarray:
    """Training copies of each unique title: round(sqrt(playlists)), between 1 and `max_repeats`.

    A title of many playlists is a surer target and a likelier query, so it counts more, but sub-linearly
    and capped, so the head titles do not fill the epochs."""
    return np.clip(np.rint(np.sqrt(counts)), 1, max(max_repeats, 1)).astype(np.int64)


def cf_dataset(data: CollaborativeTargets, max_repeats: int = 1):
    """A `datasets.Dataset` of (title, target vector), each title `repeats` times."""
    from datasets import Dataset

    copies = repeats(data.counts, max_repeats)
    index = np.repeat(np.arange(len(data.titles)), copies)
    return Dataset.from_dict({"title": [data.titles[i] for i in index], "label": data.targets[index].tolist()})


def ridge_projection(embeddings: np.ndarray, targets: np.ndarray, weights: np.ndarray, ridge: float) -> np.ndarray:
    """Weighted ridge regression of the targets on the embeddings: the [d, EMBEDDING_DIM] weight of a linear map.

    On the default data this map alone, over the pretrained encoder, scores 0.606 title-only NDCG@500 on the
    validation split (ridge 0.1; 0.602 at 1.0): the fine-tune starts from it instead of a random layer."""
    root = np.sqrt(weights)[:, None]
    x, y = embeddings * root, targets * root
    gram = x.T @ x + ridge * np.eye(x.shape[1])
    return np.ascontiguousarray(np.linalg.solve(gram, x.T @ y).T, dtype=np.float32)  # as a saved layer loads


def cf_model(data: CollaborativeTargets, config: CFConfig):
    """all-MiniLM-L6-v2 (mean pooling, normalisation) followed by a linear `Dense` projection to d, initialised
    by `ridge_projection` of the pretrained embeddings (config.init_ridge > 0) or at random (0)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules.dense import Dense

    model = SentenceTransformer(str(base_model_path()), device=resolve_device(config.device))
    dim, weight = data.targets.shape[1], None
    if config.init_ridge > 0:
        embeddings = model.encode(data.titles, batch_size=256, normalize_embeddings=True)
        copies = repeats(data.counts, config.max_repeats)
        weight = torch.from_numpy(ridge_projection(embeddings, data.targets, copies, config.init_ridge))
    init = {} if weight is None else {"init_weight": weight, "init_bias": torch.zeros(dim)}
    model.append(Dense(EMBEDDING_DIM, dim, activation_function=None, **init))
    return model


def most_frequent(data: CollaborativeTargets, max_titles: int) -> CollaborativeTargets:
    """The `max_titles` titles of most playlists (ties by title), in title order."""
    keep = np.sort(np.lexsort((np.arange(len(data.titles)), -data.counts))[:max_titles])
    return CollaborativeTargets([data.titles[i] for i in keep], data.counts[keep], data.targets[keep])


def finetune_cf(train: CollaborativeTargets, val: CollaborativeTargets, config: CFConfig) -> FinetuneResult:
    """Train encoder + projection on `train`'s targets (validation loss on `val` each epoch)."""
    from sentence_transformers.base.sampler import BatchSamplers
    from sentence_transformers.sentence_transformer.losses import EmbedDistillLoss

    if config.loss not in ("mse", "cosine"):
        raise ValueError(f"finetune_cf.loss must be 'mse' or 'cosine', not {config.loss!r}")
    torch.manual_seed(config.seed)
    train = most_frequent(train, config.max_titles)
    model = cf_model(train, config)
    trainer = _train(
        model,
        EmbedDistillLoss(model, distance_metric=config.loss),
        cf_dataset(train, config.max_repeats),
        cf_dataset(val),
        config,
        {"linear": config.head_learning_rate},
        BatchSamplers.BATCH_SAMPLER,
    )
    model.eval()
    return FinetuneResult(model=model, curve=loss_curve(trainer.state.log_history), val_accuracy=None)


def _head_accuracy(loss: TitleClusterLoss, model, val: TitleTargets) -> float:
    """Share of validation titles whose predicted cluster is their majority cluster."""
    loss.eval()
    with torch.inference_mode():
        features = {
            name: value.to(model.device) if isinstance(value, torch.Tensor) else value
            for name, value in model.preprocess(val.titles).items()
        }
        predicted = loss.logits([features]).argmax(dim=1).cpu().numpy()
    return float((predicted == val.majority).mean())


def same_cluster_recall(
    query_vectors: np.ndarray,
    query_clusters: np.ndarray,
    index_vectors: np.ndarray,
    index_clusters: np.ndarray,
    k: int = 10,
) -> float:
    """Mean share of each query's k nearest index titles (cosine) that share its majority cluster."""
    sims = query_vectors @ index_vectors.T
    k = min(k, index_vectors.shape[0])
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return float((index_clusters[top] == query_clusters[:, None]).mean())
