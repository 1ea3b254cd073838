"""Fixtures shared across the test folders."""

from collections.abc import Iterator

import pytest
from llm_fakes import fake_ollama_server
from toy import BagOfWords

from playlistrec import artefacts
from playlistrec.recommenders.query_encoder import QueryEncoder


@pytest.fixture()
def fake_ollama() -> Iterator[tuple[str, list[dict]]]:
    """A fake Ollama endpoint answering `llm_fakes.REPLY`: (endpoint URL, the request bodies it received)."""
    with fake_ollama_server() as served:
        yield served


@pytest.fixture()
def toy_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Title vectors read from a pipeline folder answer new titles with the toy bag-of-words encoder."""
    monkeypatch.setattr(artefacts, "QueryEncoder", lambda model, known=None: QueryEncoder(BagOfWords()))
