"""The models the pipeline evaluates and the front ends serve, by name, and how to build and fit them.

An entry of `FACTORIES` is a callable taking a model's hyper-parameters as keyword arguments and returning
it unfitted: usually the model's class itself, or a `functools.partial` fixing which title encoder it
reads. Hyper-parameters arrive as one flat mapping of plain values (the pipeline passes params.yaml's
`recommend` section): a model gets the entries its factory's signature names, as scikit-learn reads a
model's parameters from its constructor, and a sub-section named after the model (`recommend.<name>`)
overrides them for that model alone. An entry absent from the mapping keeps the constructor's default, so
no value is written here: params.yaml holds the pipeline's, the constructors the library's.

Adding a model: its module under `recommenders/`, one entry here, its hyper-parameters in params.yaml.

`ranked`, the re-ranker, also reads a pipeline artefact (its booster, `paths.RANKER`): it is in `FACTORIES`
but not in `MODELS`, the models fitted from the train split alone; `with_artefacts` points it at a pipeline
folder and `pipeline_models` says when it is served and evaluated.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playlistrec import paths
from playlistrec.recommenders.als import FACTORS_FILE, ALSRecommender
from playlistrec.recommenders.artists import ArtistRecommender
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.blend import BlendRecommender
from playlistrec.recommenders.cf import CollaborativeTitleRecommender
from playlistrec.recommenders.itemknn import CooccurrenceRecommender
from playlistrec.recommenders.popularity import PopularityRecommender
from playlistrec.recommenders.ranker import BOOSTER_FILE, RankedRecommender
from playlistrec.recommenders.rp3beta import RP3betaRecommender
from playlistrec.recommenders.title import ExactTitleRecommender, ReportRecommender, TitleRecommender

if TYPE_CHECKING:
    from playlistrec.artefacts import PipelineData

Factory = Callable[..., Recommender]


def arguments(factory: Factory, hyper: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of `hyper` that `factory` takes as keyword arguments (all of them if it takes **kwargs),
    leaving out those it has fixed (a `partial`'s keywords)."""
    parameters = inspect.signature(factory).parameters
    fixed = factory.keywords if isinstance(factory, partial) else {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return dict(hyper)
    return {key: value for key, value in hyper.items() if key in parameters and key not in fixed}


def _blend(**hyper: Any) -> BlendRecommender:
    """The fine-tuned title model blended with the item-item model, every part with its own entries."""
    return BlendRecommender(
        build("title_finetuned", hyper),
        CooccurrenceRecommender(**arguments(CooccurrenceRecommender, hyper)),
        **arguments(BlendRecommender, hyper),
    )


def _title_cf(vote: str = "", **hyper: Any) -> CollaborativeTitleRecommender:
    """The title in the collaborative space, fused with the model named `vote` ("" = alone)."""
    return CollaborativeTitleRecommender(
        vote_model=build(vote, hyper) if vote else None, **arguments(CollaborativeTitleRecommender, hyper)
    )


def _ranked(
    candidates: Sequence[str] = ("blend", "rp3beta", "title_finetuned", "als", "artists"),
    candidate_depth: int = 300,
    title_model: str | None = "title_finetuned",
    model_dir: str | None = None,
    shared: Mapping[str, Recommender] | None = None,
    **hyper: Any,
) -> RankedRecommender:
    """The re-ranker over the named candidate models, each built with its own entries of `hyper`, or taken
    from `shared` (models built alongside with the same entries: fitted once, their lists and factors held once)."""
    shared = shared or {}
    models = {name: shared[name] if name in shared else build(name, hyper) for name in candidates}
    return RankedRecommender(models, candidate_depth, title_model, model_dir)


FACTORIES: dict[str, Factory] = {
    "popular": PopularityRecommender,
    "exact_title": ExactTitleRecommender,
    "report": partial(ReportRecommender, encoder="pretrained"),
    "title_pretrained": partial(TitleRecommender, encoder="pretrained"),
    "title_finetuned": partial(TitleRecommender, encoder="finetuned"),
    "title_cf": _title_cf,
    "blend": _blend,
    "rp3beta": RP3betaRecommender,
    "artists": ArtistRecommender,
    "als": ALSRecommender,
    "ranked": _ranked,
}
NEEDS_ARTEFACT = ("ranked",)
MODELS = tuple(name for name in FACTORIES if name not in NEEDS_ARTEFACT)  # the order of metrics and model menu


def ranker_enabled(hyper: Mapping[str, Any]) -> bool:
    """Whether the pipeline's `recommend.ranker` asks for the re-ranker (lightgbm) or not (none)."""
    choice = hyper.get("ranker", "none")
    if choice not in ("lightgbm", "none"):
        raise ValueError(f"recommend.ranker must be lightgbm or none, not {choice!r}")
    return choice == "lightgbm"


def with_artefacts(hyper: Mapping[str, Any], root: Path) -> dict[str, Any]:
    """`hyper` with the re-ranker pointed at its booster in the pipeline folder `root`, and ALS at the factors
    train_ranker fitted beside it (used when fitted on the same train matrix with the same settings)."""
    return {
        **hyper,
        "ranked": {**hyper.get("ranked", {}), "model_dir": str(root / paths.RANKER)},
        "als": {**hyper.get("als", {}), "factors_file": str(root / paths.RANKER / FACTORS_FILE)},
    }


def pipeline_models(hyper: Mapping[str, Any], root: Path, require: bool = False) -> tuple[str, ...]:
    """`MODELS`, and `ranked` after them when the ranker is enabled and its booster is in `root` (with
    `require`, a missing booster is a FileNotFoundError instead: the eval must score what params ask for)."""
    if not ranker_enabled(hyper):
        return MODELS
    if (root / paths.RANKER / BOOSTER_FILE).is_file():
        return (*MODELS, "ranked")
    if require:
        raise FileNotFoundError(f"recommend.ranker is lightgbm but {root / paths.RANKER} has no booster")
    return MODELS


def build(name: str, hyper: Mapping[str, Any], shared: Mapping[str, Recommender] | None = None) -> Recommender:
    """The unfitted model `name`, given its entries of `hyper` (with `hyper[name]`'s written over them).

    A composite model (the re-ranker) takes its parts from `shared` when its own section sets nothing but its
    own arguments: the parts are then built from the same entries as the shared models.
    """
    factory = FACTORIES[name]
    if name in NEEDS_ARTEFACT:  # a composite model: its parts read their own sub-sections
        own = hyper.get(name, {})
        same_parts = own.keys() <= inspect.signature(factory).parameters.keys()
        return factory(**{**hyper, **own}, shared=shared if same_parts else None)
    own = {key: value for key, value in hyper.items() if not isinstance(value, Mapping)}
    return factory(**arguments(factory, {**own, **hyper.get(name, {})}))


def make_models(names: Iterable[str], hyper: Mapping[str, Any]) -> dict[str, Recommender]:
    """Unfitted models by name, in the order given; an unknown name is a ValueError listing the known ones."""
    names = list(names)
    unknown = sorted(set(names) - FACTORIES.keys())
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; known: {list(FACTORIES)}")
    built: dict[str, Recommender] = {}
    for name in sorted(names, key=lambda name: name in NEEDS_ARTEFACT):  # composites last: they share the rest
        built[name] = build(name, hyper, shared=built)
    return {name: built[name] for name in names}


def load_recommenders(
    data: PipelineData, hyper: Mapping[str, Any], models: Iterable[str] | None = None, fit: str = "train"
) -> dict[str, Recommender]:
    """The named models (`pipeline_models` by default) fitted on the pipeline artefacts' train split
    (`fit="train"`) or on every playlist it read (`fit="all"`, see `PipelineData.train_set`).

    Each has `recommend(title, seed_uris, n)` and `catalogue_` (`describe(ids)` for display, `ids(uris)`
    raising `UnknownTrackError` on an unknown URI). Title encoders load on the first new title.
    """
    root = Path(data.root)
    names = pipeline_models(hyper, root) if models is None else models
    built = make_models(names, with_artefacts(hyper, root))
    train = data.train_set(fit)
    return {name: model.fit(train) for name, model in built.items()}
