"""Chat models for the LLM baseline: two interchangeable backends, the song prompt, and parsing of the replies.

`Generator` is what the LLM recommender (`recommenders/llm.py`) talks to: a local GGUF chat model loaded
through transformers (the `llm` extra installs the `gguf` reader it needs) or an Ollama-compatible HTTP
endpoint (stdlib only); `make_generator` picks one from plain settings (the eval stage passes
params.yaml's `eval.llm`). The model is asked for songs by `prompt` and answers in free text;
`parse_reply` turns its lines into (song, artist) pairs.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any, Protocol

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


def make_generator(
    gguf_path: str = "", endpoint: str = "", model: str = "", root: Path = Path(".")
) -> Generator | None:
    """The backend the settings name (`gguf_path` relative to `root`), or None when neither is configured."""
    if gguf_path and endpoint:
        raise ValueError("set only one of eval.llm.gguf_path and eval.llm.endpoint")
    if gguf_path:
        return GGUFGenerator(root / gguf_path)
    if endpoint:
        return OllamaGenerator(endpoint, model)
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
