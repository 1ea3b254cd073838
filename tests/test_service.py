"""`service.preferred_model`: the front ends' default model, from params' `serve` section and the artefacts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from playlistrec import paths
from playlistrec.recommenders.ranker import BOOSTER_FILE
from playlistrec.service import preferred_model


def pipeline_folder(root: Path, params: dict, booster: bool) -> Path:
    """`root` with a params.yaml and, when `booster`, a trained re-ranker's file."""
    (root / paths.PARAMS).write_text(yaml.safe_dump(params))
    if booster:
        (root / paths.RANKER).mkdir(parents=True)
        (root / paths.RANKER / BOOSTER_FILE).write_text("tree\n")
    return root


RANKED = {"serve": {"default_model": "ranked"}, "recommend": {"ranker": "lightgbm"}}


@pytest.mark.parametrize(
    ("params", "booster", "expected"),
    [
        (RANKED, True, "ranked"),
        (RANKED, False, "blend"),  # no trained booster: the blend
        ({**RANKED, "recommend": {"ranker": "none"}}, True, "blend"),  # the re-ranker switched off
        ({"serve": {"default_model": "exact_title"}}, False, "exact_title"),
        ({"recommend": {"ranker": "lightgbm", "default_model": "ranked"}}, True, "blend"),  # read from serve only
        ({}, False, "blend"),
    ],
)
def test_the_default_model_comes_from_serve_and_needs_its_artefacts(tmp_path, params, booster, expected):
    assert preferred_model(pipeline_folder(tmp_path, params, booster)) == expected


def test_without_params_the_default_is_the_blend(tmp_path):
    assert preferred_model(tmp_path) == "blend"
