"""LLM baseline: ask a generative model for songs that fit a playlist title, as the report did with Llama 3.1.

The model answers in free text; `parse_reply` turns its lines into (song, artist) pairs and `TrackIndex`
maps each pair to a catalogue track by normalised (track name, artist name) match, falling back to the
most popular track with that name. The matched tracks come first, in the reply's order; the rest of the
n slots is filled with popularity (the shared `top_n` tie-break on zero scores), so the LLM's lists are
as long as every other model's and score on the same metrics. Seeds are never returned, as for every model;
the model sees the title only.

Two interchangeable backends implement `Generator`: a local GGUF chat model loaded through transformers
(the `llm` extra installs the `gguf` reader it needs) and an Ollama-compatible HTTP endpoint (stdlib only).
`make_generator` picks one from params.yaml's `eval.llm`; with neither configured the baseline is skipped.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from playlistrec.recommend import Queries, Recommender, TrainSet
from playlistrec.scenarios import ScenarioQueries
from playlistrec.text import normalise_title

LLM_SKIPPED = {"status": "skipped", "reason": "no eval.llm.gguf_path or eval.llm.endpoint configured"}
SYSTEM_PROMPT = (
    "You are a music expert who builds playlists. Reply with a numbered list only, one song per line, "
    "formatted as: Song title - Artist. No commentary."
)
TOKENS_PER_SONG = 20  # generation budget per requested song ("12. Song title - Artist name" is ~10-15 tokens)

Messages = list[dict[str, str]]

# A list marker: "1." "1)" "[1]"-style numbers, or a bullet followed by a space.
_MARKER = re.compile(r"^\s*(?:\d{1,3}[.):\]]\s*|[-*•+]\s+)")
# A quoted song first: "Song" by Artist, “Song” - Artist, 'Song', Artist. The closing quote must end a word, so
# an apostrophe inside the title ('Don't Stop') does not close it.
_QUOTED = re.compile(r"""^["“”'‘’](?P<song>.+?)["“”'’](?=\s|$|[-–—:,])\s*(?:by\b|[-–—:,])?\s*(?P<artist>.*)$""")
_DASH = re.compile(r"\s+[-–—]\s+")
_BY = re.compile(r"\s+by\s+", re.IGNORECASE)
_FEATURING = re.compile(r"\s+(?:feat\.?|ft\.?|featuring)\s.*$", re.IGNORECASE)
_TRAILING_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")  # "(1985)", "[Live]"


class Generator(Protocol):
    """A chat model: `generate(messages, max_tokens)` -> the reply text, deterministic (greedy)."""

    name: str

    def generate(self, messages: Messages, max_tokens: int) -> str: ...


class GGUFGenerator:
    """A local GGUF chat model run by transformers (dequantised to float32 on CPU), loaded on first use.

    transformers reads GGUF through the `gguf` package (`pip install playlistrec[llm]`); the tokenizer
    and its chat template come from the same file, so a single .gguf path is all the configuration.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"eval.llm.gguf_path: no GGUF file at {self.path}")
        self.name = f"gguf:{self.path.name}"
        self._model: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        """Load tokenizer and model from the GGUF file (seconds: every tensor is dequantised)."""
        from transformers import AutoModelForCausalLM, AutoTokenizer

        folder, name = self.path.parent, self.path.name
        self._tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        self._model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name).eval()

    def generate(self, messages: Messages, max_tokens: int) -> str:
        """Greedy decoding of at most `max_tokens` new tokens after the chat-templated messages."""
        if self._model is None:
            self._load()
        inputs = self._tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        pad = self._tokenizer.pad_token_id if self._tokenizer.pad_token_id is not None else self._tokenizer.eos_token_id
        output = self._model.generate(**inputs, max_new_tokens=max_tokens, do_sample=False, pad_token_id=pad)
        return self._tokenizer.decode(output[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)


class OllamaGenerator:
    """An Ollama-compatible server: `POST {endpoint}/api/chat`, not streamed, temperature 0 and a fixed seed."""

    def __init__(self, endpoint: str, model: str, timeout: float = 300.0) -> None:
        if not model:
            raise ValueError("eval.llm.endpoint is set but eval.llm.model is empty")
        self.url = endpoint.rstrip("/") + "/api/chat"
        self.model = model
        self.timeout = timeout
        self.name = f"ollama:{model}@{endpoint}"

    def generate(self, messages: Messages, max_tokens: int) -> str:
        """The assistant message's content; an unreachable endpoint raises ConnectionError naming it."""
        body = {
            "model": self.model,
            "messages": messages,
            "stream": False,
            "options": {"temperature": 0, "seed": 0, "num_predict": max_tokens},
        }
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.load(response)["message"]["content"]
        except OSError as err:  # URLError, HTTPError and timeouts are all OSError
            raise ConnectionError(f"LLM endpoint {self.url} failed: {err}") from err


def make_generator(cfg: dict[str, Any], root: Path = Path(".")) -> Generator | None:
    """The backend `eval.llm` names (gguf_path relative to `root`), or None when neither is configured."""
    gguf_path, endpoint = cfg.get("gguf_path") or "", cfg.get("endpoint") or ""
    if gguf_path and endpoint:
        raise ValueError("set only one of eval.llm.gguf_path and eval.llm.endpoint")
    if gguf_path:
        return GGUFGenerator(root / gguf_path)
    if endpoint:
        return OllamaGenerator(endpoint, cfg.get("model") or "")
    return None


def prompt(title: str, n_songs: int) -> Messages:
    """The chat messages asking for `n_songs` songs for a playlist titled `title`."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f'Suggest {n_songs} songs for a playlist titled "{title}".'},
    ]


def _clean_artist(artist: str) -> str:
    """Drop featured artists and a trailing note such as a year or "(Live)": the catalogue's artist is one name."""
    return _FEATURING.sub("", _TRAILING_NOTE.sub("", artist)).strip(" \"'“”‘’.,;")


def parse_line(line: str) -> tuple[str, str] | None:
    """(song, artist) of one reply line ("" artist when none is given), or None for prose and headers.

    Accepted: an optional list marker, then "Song - Artist" (first dash), "Song by Artist" (last "by"), or a
    quoted song followed by anything naming the artist. Markdown emphasis is ignored. A line with neither a
    list marker nor a separator ("Here are some songs:") is prose.
    """
    text = line.replace("*", "").strip()
    marker = _MARKER.match(text)
    text = text[marker.end() :].strip() if marker else text
    if not text or text.endswith(":"):
        return None
    quoted = _QUOTED.match(text)
    if quoted:
        song, artist = quoted["song"], quoted["artist"]
    elif dash := _DASH.search(text):
        song, artist = text[: dash.start()], text[dash.end() :]
    elif by := list(_BY.finditer(text)):
        song, artist = text[: by[-1].start()], text[by[-1].end() :]
    elif marker:
        song, artist = text, ""
    else:
        return None
    song = song.strip(" \"'“”‘’")
    return (song, _clean_artist(artist)) if song else None


def parse_reply(text: str) -> list[tuple[str, str]]:
    """Every (song, artist) pair of a reply, in order (see `parse_line`)."""
    return [pair for pair in map(parse_line, text.splitlines()) if pair is not None]


class TrackIndex:
    """Catalogue look-up by normalised (track name, artist name), and by track name alone.

    Both keys use `normalise_title`, so case, punctuation and emoji spacing do not matter. When several
    tracks share a key, the most popular in train wins (then the smaller track id): a reply naming
    "Hello" without an artist most likely means the hit.
    """

    def __init__(self, tracks: pd.DataFrame, popularity_rank: np.ndarray) -> None:
        order = np.argsort(popularity_rank, kind="stable")
        names = [normalise_title(str(n)) for n in tracks["track_name"].to_numpy()[order]]
        artists = [normalise_title(str(a)) for a in tracks["artist_name"].to_numpy()[order]]
        self.by_pair: dict[tuple[str, str], int] = {}
        self.by_name: dict[str, int] = {}
        for track, name, artist in zip(order.tolist(), names, artists, strict=True):
            self.by_pair.setdefault((name, artist), track)
            self.by_name.setdefault(name, track)

    def match(self, song: str, artist: str) -> tuple[int, str]:
        """(track id, how): "exact" on (song, artist) in either order, else "name" on the song alone,
        else (-1, "none"). The swapped order catches "Artist - Song" replies."""
        song, artist = normalise_title(song), normalise_title(artist)
        for key in ((song, artist), (artist, song)):
            if key in self.by_pair:
                return self.by_pair[key], "exact"
        if song in self.by_name:
            return self.by_name[song], "name"
        return -1, "none"


@dataclass
class LLMRunStats:
    """What the LLM did since `fit`: prompts sent, song lines parsed, lines matched each way, seconds."""

    queries: int = 0
    lines: int = 0
    exact: int = 0
    name_only: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The counts plus unmatched lines and the matched share of lines, rounded for metrics files.

        Wall time stays out: metrics/eval.json must be byte-identical for identical inputs and params.
        """
        matched = self.exact + self.name_only
        counts = asdict(self)
        del counts["seconds"]
        return {
            **counts,
            "unmatched": self.lines - matched,
            "matched_share": round(matched / self.lines, 4) if self.lines else 0.0,
        }


class LLMRecommender(Recommender):
    """Songs an LLM suggests for the title, mapped to catalogue tracks, then popularity (title only).

    The model is asked for `n_songs` songs (a generative model cannot list 500 on a CPU budget; the
    generation budget is `TOKENS_PER_SONG` per song); matched tracks rank first in the reply's order, and
    the zero-score remainder is ordered by train popularity by the shared `top_n`. An empty title gets
    popularity only, without a prompt. `stats_` counts the run.
    """

    uses_seeds = False
    thread_safe = False  # one generation at a time

    def __init__(self, generator: Generator, n_songs: int = 20) -> None:
        self.generator = generator
        self.n_songs = n_songs

    def _fit(self, train: TrainSet) -> None:
        """Build the track look-up and reset the run statistics."""
        self.index_ = TrackIndex(train.catalogue.tracks, self.popularity_rank_)
        self.stats_ = LLMRunStats()

    def suggest(self, title: str) -> np.ndarray:
        """Distinct catalogue track ids the model suggests for `title`, in the reply's order."""
        start = time.perf_counter()
        reply = self.generator.generate(prompt(title, self.n_songs), self.n_songs * TOKENS_PER_SONG)
        self.stats_.seconds += time.perf_counter() - start
        self.stats_.queries += 1
        ids: list[int] = []
        for song, artist in parse_reply(reply):
            track, how = self.index_.match(song, artist)
            self.stats_.lines += 1
            self.stats_.exact += how == "exact"
            self.stats_.name_only += how == "name"
            if track >= 0 and track not in ids:
                ids.append(track)
        return np.asarray(ids, dtype=np.int64)

    def score(self, queries: Queries) -> np.ndarray:
        """len(ids) .. 1 on the suggested tracks of each titled query, 0 elsewhere (popularity decides there)."""
        scores = np.zeros((len(queries), len(self.catalogue_)), dtype=np.float32)
        for row, title in enumerate(queries.titles):
            if title:
                ids = self.suggest(title)
                scores[row, ids] = np.arange(len(ids), 0, -1, dtype=np.float32)
        return scores


def sample_scenario(queries: ScenarioQueries, size: int, seed: int) -> ScenarioQueries:
    """A fixed, seeded subset of `size` queries (all of them when fewer), in their original order.

    An LLM answers a few queries a minute, so it is scored on a sample; the stream is keyed on "llm" so the
    draw does not move when other random draws are added.
    """
    rng = np.random.default_rng([seed, zlib.crc32(b"llm")])
    keep = np.sort(rng.choice(len(queries.pids), size=min(size, len(queries.pids)), replace=False))
    return ScenarioQueries(
        queries.scenario,
        queries.pids[keep],
        queries.titles[keep],
        Queries([queries.queries.titles[i] for i in keep], queries.queries.seeds[keep]),
        queries.truth[keep],
    )
