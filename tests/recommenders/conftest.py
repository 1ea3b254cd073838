"""Fixtures of the recommender tests: the hand-built train set of tests/toy.py."""

import pytest
import toy

from playlistrec.recommenders.data import TrainSet


@pytest.fixture(scope="module")
def train() -> TrainSet:
    return toy.train_set()
