"""Fakes shared by the LLM tests: a six-track catalogue with known names, a fixed reply, a fixed-reply generator
and a fake Ollama server (stdlib http.server on a free 127.0.0.1 port)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pandas as pd

from playlistrec.recommenders.data import Catalogue, TrainSet
from playlistrec.scenarios import SCENARIOS, ScenarioQueries, build_scenario

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


def title_only_queries(train: TrainSet) -> ScenarioQueries:
    """Title-only test queries: four playlists titled "workout" or "party", each holding tracks 1 and 3."""
    playlists = pd.DataFrame({"pid": [10, 11, 12, 13], "title": ["workout", "party", "workout", "party"]})
    items = pd.DataFrame(
        [(pid, pos, t) for pid in range(10, 14) for pos, t in enumerate((1, 3))], columns=["pid", "pos", "track_id"]
    )
    return build_scenario(playlists, items, len(train.catalogue), SCENARIOS[0], seed=0)


@contextmanager
def fake_ollama_server() -> Iterator[tuple[str, list[dict]]]:
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
