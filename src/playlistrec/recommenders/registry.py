"""The models the pipeline evaluates and the front ends serve, by name, and how to build and fit them.

An entry of `FACTORIES` is a callable taking a model's hyper-parameters as keyword arguments and returning
it unfitted: usually the model's class itself, or a `functools.partial` fixing which title encoder it
reads. Hyper-parameters arrive as one flat mapping of plain values (the pipeline passes params.yaml's
`recommend` section): a model gets the entries its factory's signature names, as scikit-learn reads a
model's parameters from its constructor, and a sub-section named after the model (`recommend.<name>`)
overrides them for that model alone. An entry absent from the mapping keeps the constructor's default, so
no value is written here: params.yaml holds the pipeline's, the constructors the library's.

Adding a model: its module under `recommenders/`, one entry here, its hyper-parameters in params.yaml.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from playlistrec.recommenders.als import ALSRecommender
from playlistrec.recommenders.artists import ArtistRecommender
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.blend import BlendRecommender
from playlistrec.recommenders.itemknn import CooccurrenceRecommender
from playlistrec.recommenders.popularity import PopularityRecommender
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


FACTORIES: dict[str, Factory] = {
    "popular": PopularityRecommender,
    "exact_title": ExactTitleRecommender,
    "report": partial(ReportRecommender, encoder="pretrained"),
    "title_pretrained": partial(TitleRecommender, encoder="pretrained"),
    "title_finetuned": partial(TitleRecommender, encoder="finetuned"),
    "blend": _blend,
    "rp3beta": RP3betaRecommender,
    "artists": ArtistRecommender,
    "als": ALSRecommender,
}
MODELS = tuple(FACTORIES)  # in the order the metrics and the model menu list them


def build(name: str, hyper: Mapping[str, Any]) -> Recommender:
    """The unfitted model `name`, given its entries of `hyper` (with `hyper[name]`'s written over them)."""
    own = {key: value for key, value in hyper.items() if not isinstance(value, Mapping)}
    factory = FACTORIES[name]
    return factory(**arguments(factory, {**own, **hyper.get(name, {})}))


def make_models(names: Iterable[str], hyper: Mapping[str, Any]) -> dict[str, Recommender]:
    """Unfitted models by name, in the order given; an unknown name is a ValueError listing the known ones."""
    names = list(names)
    unknown = sorted(set(names) - FACTORIES.keys())
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; known: {list(FACTORIES)}")
    return {name: build(name, hyper) for name in names}


def load_recommenders(
    data: PipelineData, hyper: Mapping[str, Any], models: Iterable[str] | None = None
) -> dict[str, Recommender]:
    """The named models (all of `MODELS` by default) fitted on the pipeline artefacts' train split.

    Each has `recommend(title, seed_uris, n)` and `catalogue_` (`describe(ids)` for display, `ids(uris)`
    raising `UnknownTrackError` on an unknown URI). Title encoders load on the first new title.
    """
    built = make_models(MODELS if models is None else models, hyper)
    train = data.train_set()
    return {name: model.fit(train) for name, model in built.items()}
