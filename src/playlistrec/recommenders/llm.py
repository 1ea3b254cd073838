"""LLM baseline: ask a generative model for songs that fit a playlist title, as the report did with Llama 3.1.

The model (a `llm.Generator`) answers in free text; `llm.parse_reply` turns its lines into (song, artist)
pairs and `TrackIndex` maps each pair to a catalogue track by normalised (track name, artist name) match,
falling back to the most popular track with that name. The matched tracks come first, in the reply's order;
the rest of the n slots is filled with popularity (the shared `top_n` tie-break on zero scores), so the LLM's
lists are as long as every other model's and score on the same metrics. Seeds are never returned, as for
every model; the model sees the title only.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from playlistrec.llm import TOKENS_PER_SONG, Generator, parse_reply, prompt
from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Queries, TrainSet
from playlistrec.text import normalise_title


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
