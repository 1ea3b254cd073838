"""The one object both front doors (command line and web page) talk to: models, track search, playlists.

`PlaylistService` joins the pipeline's recommenders (track URIs out) with the catalogue's display
metadata (tracks.parquet), validates a request once for both front doors, and turns every bad request
into a `QueryError` whose message is one line fit for a user. The command line loads only the model it is
asked for; `serve` loads every model once and keeps them for the life of the process.

Only pandas is imported here; the recommenders (and torch, when a title must be encoded) come in through
the loader, so `playlistrec recommend` starts quickly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from playlistrec import paths

if TYPE_CHECKING:
    from playlistrec.recommenders.base import Recommender

    # Loads the named models from a pipeline folder: (root, names or None for all, fit) -> {name: recommender}.
    Loader = Callable[[Path, Sequence[str] | None, str], Mapping[str, Recommender]]

DEFAULT_MODEL = "blend"
MAX_QUERY_CHARS = 500
# Every word is one pass over the catalogue: 250 words took 316 ms against 3-5 ms for one (25,000 tracks);
# no track name and artist need more than 20 words to be found.
MAX_QUERY_WORDS = 20
MAX_SEEDS = 500
MAX_N = 500
ECHO_CHARS = 80  # at most this much of a user's value is repeated in an error message
SPOTIFY_TRACK_URL = "https://open.spotify.com/track/"


class QueryError(ValueError):
    """A request the service cannot answer (bad model, unknown seed, nothing to go on): a one-line message."""


class MissingArtefactsError(FileNotFoundError):
    """The pipeline's outputs are not there yet: the message tells the user to run `dvc repro`."""


@dataclass(frozen=True)
class Track:
    """One track as shown to a user: rank (0 for a search hit), name, artist, URI and Spotify link."""

    rank: int
    track_uri: str
    track_name: str
    artist_name: str
    url: str

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by `--json` and the web API."""
        return asdict(self)


def echo(value: object) -> str:
    """A user's value for an error message: quoted, escaped to ASCII (so any string, a lone surrogate
    included, can be encoded) and cut to `ECHO_CHARS` characters."""
    text = ascii(value)
    return text if len(text) <= ECHO_CHARS else text[: ECHO_CHARS - 3] + "..."


@dataclass(frozen=True)
class Playlist:
    """An answer as shown to a user: the model that answered, its tracks, and, when popularity filled some or
    all of the list, why (`Recommender.explain`), so a fallback is never silent."""

    model: str
    tracks: list[Track]
    fallback: str | None = None


def spotify_url(track_uri: str) -> str:
    """The open.spotify.com page of a `spotify:track:<id>` URI."""
    return SPOTIFY_TRACK_URL + track_uri.rsplit(":", 1)[-1]


def pipeline_loader(root: Path, names: Sequence[str] | None, fit: str = "train") -> Mapping[str, Recommender]:
    """The named models (None: all) fitted on the pipeline's artefacts under `root`, with the hyper-parameters
    of its params.yaml (`recommend`): on the train split (`fit="train"`, as evaluated) or on every playlist
    the pipeline read (`fit="all"`). The registry is imported only when needed.

    An unknown name is the user's mistake (a QueryError listing the choices), checked before any loading.
    """
    from playlistrec.artefacts import check_readable, load_pipeline
    from playlistrec.io import load_params
    from playlistrec.recommenders.registry import FACTORIES, load_recommenders

    unknown = [name for name in names or () if name not in FACTORIES]
    if unknown:
        raise QueryError(f"unknown model {echo(unknown[0])}; choose one of: {', '.join(FACTORIES)}")
    check_readable(root)  # a damaged file is named now, not found half-way through loading
    data = load_pipeline(root)
    return load_recommenders(data, load_params(root / paths.PARAMS).get("recommend", {}), names, fit)


def preferred_model(root: Path) -> str:
    """The front ends' default model for the pipeline at `root`: its params' `serve.default_model` (the best
    model on validation; `ranked` only where the re-ranker is enabled and trained), else `blend`.

    It lives outside `recommend`, which the train_ranker and eval stages depend on: choosing what the front
    ends serve must not re-run them."""
    from playlistrec.io import load_params
    from playlistrec.recommenders.registry import pipeline_models

    params = load_params(root / paths.PARAMS) if (root / paths.PARAMS).is_file() else {}
    chosen = params.get("serve", {}).get("default_model", DEFAULT_MODEL)
    return chosen if chosen in pipeline_models(params.get("recommend", {}), root) else DEFAULT_MODEL


class PlaylistService:
    """Recommendations and track search over one catalogue and a set of loaded models."""

    def __init__(
        self, tracks: pd.DataFrame, models: Mapping[str, Recommender], default_model: str = DEFAULT_MODEL
    ) -> None:
        self.tracks = tracks.set_index("track_uri", drop=False)[["track_uri", "track_name", "artist_name"]]
        self.models = dict(models)
        self.model_names = list(self.models)
        self.default_model = default_model if default_model in self.models else self.model_names[0]
        # "name — artist", casefolded once, is what the search matches words against.
        haystack = self.tracks["track_name"].str.cat(self.tracks["artist_name"], sep=" — ")
        self._search_text = haystack.str.casefold().reset_index(drop=True)

    @classmethod
    def from_root(
        cls, root: Path, models: Sequence[str] | None = None, loader: Loader | None = None, fit: str = "train"
    ) -> PlaylistService:
        """The service over a pipeline folder's artefacts; `models` limits which models are loaded.

        With `models` given only those are loaded (the command line asks for one); with None every model
        is loaded now, once (the web server). `loader` defaults to `pipeline_loader`; `fit` says which
        playlists the models are fitted on ("train" or "all").
        """
        tracks = read_tracks(root)
        try:
            loaded = (loader or pipeline_loader)(root, models, fit)
        except FileNotFoundError as error:
            missing = error.filename or error
            raise MissingArtefactsError(f"missing pipeline artefact ({missing}); run `dvc repro` first") from error
        return cls(tracks, loaded, preferred_model(root))

    def warm_up(self) -> None:
        """Ask every model for one track, so title encoders load now rather than on a user's first query."""
        for name in self.model_names:
            self.models[name].recommend("warm up", [], 1)

    def model(self, name: str | None) -> Recommender:
        """The named model (the default one for None)."""
        name = name or self.default_model
        if name not in self.models:
            raise QueryError(f"unknown model {echo(name)}; choose one of: {', '.join(self.model_names)}")
        return self.models[name]

    def recommend(self, title: str, seeds: Sequence[str] = (), model: str | None = None, n: int = 20) -> Playlist:
        """The top-n tracks for a title and seed track URIs, best first, with display metadata and the model's
        note when popularity filled the list."""
        check_query(title, seeds, n)
        unknown = [uri for uri in seeds if uri not in self.tracks.index]
        if unknown:
            raise QueryError(f"unknown seed track URI: {echo(unknown[0])} (not in the catalogue)")
        name = model or self.default_model
        answer = self.model(name).answer(title, list(dict.fromkeys(seeds)), n)
        return Playlist(name, self.describe(answer.uris), answer.fallback)

    def describe(self, uris: Sequence[str], first_rank: int = 1) -> list[Track]:
        """Display rows of catalogue URIs, ranked from `first_rank`."""
        rows = self.tracks.loc[list(uris)]
        return [
            Track(rank, uri, name, artist, spotify_url(uri))
            for rank, (uri, name, artist) in enumerate(rows.itertuples(index=False), start=first_rank)
        ]

    def search(self, query: str, limit: int = 20) -> list[Track]:
        """Tracks whose "name — artist" holds every word of `query` (any case), best matches first: every word
        a whole word ("rain" in "Rain Dance"), then every word at a word's start ("Rainy"), then anywhere
        ("Train"); catalogue order within each.

        A query is at most `MAX_QUERY_CHARS` characters and `MAX_QUERY_WORDS` words (each word costs a pass).
        """
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"search query too long: {len(query)} characters (at most {MAX_QUERY_CHARS})")
        check_text("search query", query)
        words = query.casefold().split()
        if len(words) > MAX_QUERY_WORDS:
            raise QueryError(f"search query has {len(words)} words (at most {MAX_QUERY_WORDS})")
        if not words:
            return []
        hits = pd.Series(True, index=self._search_text.index)
        for word in words:
            hits &= self._search_text.str.contains(word, regex=False)
        found = self._search_text[hits]
        tier = pd.Series(2, index=found.index)
        for pattern, level in ((r"\b{}", 1), (r"\b{}\b", 0)):
            matches = pd.Series(True, index=found.index)
            for word in words:
                matches &= found.str.contains(pattern.format(re.escape(word)), regex=True)
            tier[matches] = level
        positions = tier.sort_values(kind="stable").index.to_numpy()[:limit]
        return [
            Track(0, uri, name, artist, spotify_url(uri))
            for uri, name, artist in self.tracks.iloc[positions].itertuples(index=False)
        ]


def check_text(what: str, value: str) -> None:
    """Refuse text that is not valid Unicode: a lone surrogate (an undecodable byte of a command-line argument,
    or a JSON "\\ud800" escape) can be neither encoded for a tokenizer nor sent back as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise QueryError(f"{what} is not valid UTF-8 text: {echo(value)} (character {error.start + 1})") from None


def check_query(title: str, seeds: Sequence[str], n: int) -> None:
    """Refuse a request with nothing to go on, too big to be a playlist query, or holding invalid text."""
    check_text("title", title)
    for seed in seeds:
        check_text("seed track URI", seed)
    if len(title) > MAX_QUERY_CHARS:
        raise QueryError(f"title too long: {len(title)} characters (at most {MAX_QUERY_CHARS})")
    if len(seeds) > MAX_SEEDS:
        raise QueryError(f"too many seed tracks: {len(seeds)} (at most {MAX_SEEDS})")
    if not 1 <= n <= MAX_N:
        raise QueryError(f"n must be between 1 and {MAX_N}, not {n}")
    if not title.strip() and not seeds:
        raise QueryError("give a playlist title or at least one seed track")


def read_tracks(root: Path) -> pd.DataFrame:
    """The catalogue's display columns from tracks.parquet, or MissingArtefactsError naming the file.

    A damaged file is `playlistrec.artefacts.DamagedArtefactError`, naming it too.
    """
    from playlistrec.artefacts import check_readable

    path = root / paths.TRACKS
    if not path.is_file():
        raise MissingArtefactsError(f"no pipeline artefacts in {root} (missing {paths.TRACKS}); run `dvc repro` first")
    check_readable(root, [paths.TRACKS])
    return pd.read_parquet(path, columns=["track_uri", "track_name", "artist_name"])
