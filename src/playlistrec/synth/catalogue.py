"""The hashed catalogue: per-theme track and artist pools sized with the dataset, and every attribute of a track
(artist, album, names, URI, duration) computed from hashes of its id, never held in memory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from playlistrec.synth.hashing import (
    SALT_ALBUM,
    SALT_ALBUM_URI,
    SALT_ARTIST,
    SALT_ARTIST_OF,
    SALT_ARTIST_URI,
    SALT_TRACK,
    SALT_TRACK_URI,
    hash64,
    hashed_uris,
    uniform,
)
from playlistrec.synth.vocabulary import (
    ENSEMBLES,
    FIRST_NAMES,
    LAST_NAMES,
    LATIN_FIRST,
    LATIN_LAST,
    SYLLABLES,
    THEMES,
    VERSIONS,
    WORDS,
)

SMALL_N, FULL_N = 20_000, 1_000_000  # the default dataset's size and the real MPD's
# Catalogue size: theme pools total POOL_AT_SMALL_N * (n / SMALL_N) ** POOL_EXPONENT tracks: ~25k at 20k
# playlists (what the encoder embeds in about a minute), ~2.3M at 1M (the MPD's 2.26M unique tracks).
POOL_AT_SMALL_N, POOL_EXPONENT, MIN_THEME_POOL = 25_000, 1.16, 200
TRACKS_PER_ARTIST = 8  # pool tracks per pool artist; artist sizes are heavy-tailed around it
MAX_ALBUMS_PER_ARTIST = 4  # hashed layout
# Discographies (the realistic profile): the catalogue holds DISCOGRAPHY_TRACKS * (n / DISCOGRAPHY_N) **
# DISCOGRAPHY_EXPONENT tracks, cut into artists whose discography shrinks with their popularity rank
# (ARTIST_SIZE_EXPONENT), TRACKS_PER_DISCOGRAPHY on average, and albums of ALBUM_TRACKS. 336k tracks at the
# default 7,071 playlists (tuned against the real sample's items per track and singletons); 2.44M at 1M,
# which the 1M playlists' 66M items nearly exhaust (the MPD: 2.26M unique tracks).
DISCOGRAPHY_N, DISCOGRAPHY_TRACKS, DISCOGRAPHY_EXPONENT, MIN_DISCOGRAPHY_POOL = 7071, 336_364, 0.4, 400
TRACKS_PER_DISCOGRAPHY, ARTIST_SIZE_EXPONENT, ALBUM_TRACKS = 8.0, 0.6, 12


@dataclass(frozen=True)
class Catalogue:
    """Sizes and offsets of the per-theme track and artist pools for a dataset of a given size.

    Two layouts. Hashed (the clean profile, `artist_tracks` None): a track's artist and album are hashes of its
    id. Discographies (the realistic profile): artist a owns the contiguous track ids artist_tracks[a] ..
    artist_tracks[a + 1] - 1, best known first, cut into albums of ALBUM_TRACKS, so a playlist can take an
    artist's hits or run through one of its albums.
    """

    track_offsets: np.ndarray  # int64 [T + 1]: theme t owns global track ids offsets[t] .. offsets[t + 1] - 1
    artist_offsets: np.ndarray  # int64 [T + 1], the same for artists
    artist_tracks: np.ndarray | None = None  # int64 [A + 1]: each artist's first track id (discographies only)

    @property
    def pool_sizes(self) -> np.ndarray:
        """Tracks per theme pool."""
        return np.diff(self.track_offsets)

    @property
    def artist_sizes(self) -> np.ndarray:
        """Artists per theme pool."""
        return np.diff(self.artist_offsets)

    @property
    def album_slots(self) -> int:
        """An upper bound on album ids plus one (album ids index a bitmap of used albums)."""
        if self.artist_tracks is None:
            return int(self.artist_offsets[-1]) * MAX_ALBUMS_PER_ARTIST
        return int(self.track_offsets[-1])

    def artists_of(self, seed: int, ids: np.ndarray) -> np.ndarray:
        """Global artist id of each track id.

        Hashed layout: drawn with P(artist < a) = (a / artists) ** (2/3) within the track's theme, so a few
        artists have many tracks and most have a handful, as in real catalogues.
        """
        if self.artist_tracks is not None:
            return np.searchsorted(self.artist_tracks, ids, side="right") - 1
        themes = np.searchsorted(self.track_offsets, ids, side="right") - 1
        n_artists = self.artist_sizes[themes]
        local_artist = (n_artists * uniform(seed, SALT_ARTIST_OF, ids) ** 1.5).astype(np.int64)
        return self.artist_offsets[themes] + np.minimum(local_artist, n_artists - 1)

    def albums_of(self, seed: int, ids: np.ndarray, artist_ids: np.ndarray) -> np.ndarray:
        """Global album id of each track: a hashed one of its artist's albums, or its album's first track id."""
        if self.artist_tracks is not None:
            start = self.artist_tracks[artist_ids]
            return ids - (ids - start) % ALBUM_TRACKS
        n_albums = 1 + hash64(seed, SALT_ALBUM, artist_ids) % np.uint64(MAX_ALBUMS_PER_ARTIST)
        return artist_ids * MAX_ALBUMS_PER_ARTIST + (hash64(seed, SALT_ALBUM, ids, 1) % n_albums).astype(np.int64)

    def album_themes(self, albums: np.ndarray) -> np.ndarray:
        """Theme index of each album id (its artist's theme)."""
        if self.artist_tracks is not None:
            return np.searchsorted(self.track_offsets, albums, side="right") - 1
        return np.searchsorted(self.artist_offsets, albums // MAX_ALBUMS_PER_ARTIST, side="right") - 1


def theme_probabilities() -> np.ndarray:
    """Probability of each theme being a playlist's primary theme."""
    weights = np.array([theme.weight for theme in THEMES])
    return weights / weights.sum()


def catalogue_for(n_playlists: int) -> Catalogue:
    """Size the theme pools so unique tracks and artists grow with the dataset like the real MPD's.

    Pools get a share of the total that grows sublinearly with theme popularity, so niche themes still have
    a deep catalogue.
    """
    total = POOL_AT_SMALL_N * (n_playlists / SMALL_N) ** POOL_EXPONENT
    share = theme_probabilities() ** 0.6
    sizes = np.maximum(MIN_THEME_POOL, np.round(total * share / share.sum())).astype(np.int64)
    artists = np.maximum(1, sizes // TRACKS_PER_ARTIST)
    return Catalogue(np.concatenate([[0], np.cumsum(sizes)]), np.concatenate([[0], np.cumsum(artists)]))


def discography_catalogue_for(n_playlists: int) -> Catalogue:
    """The realistic profile's catalogue: theme pools cut into artists' discographies (see `Catalogue`).

    Pools share the total like `catalogue_for`'s; within a theme, the artist of popularity rank r (0 = most
    played) owns about (r + 1) ** -ARTIST_SIZE_EXPONENT of the pool, at least one track.
    """
    total = DISCOGRAPHY_TRACKS * (n_playlists / DISCOGRAPHY_N) ** DISCOGRAPHY_EXPONENT
    share = theme_probabilities() ** 0.6
    pools = np.maximum(MIN_DISCOGRAPHY_POOL, np.round(total * share / share.sum())).astype(np.int64)
    artist_sizes = []
    for pool in pools.tolist():
        n_artists = max(1, round(pool / TRACKS_PER_DISCOGRAPHY))
        weight = np.arange(1, n_artists + 1, dtype=np.float64) ** -ARTIST_SIZE_EXPONENT
        sizes = 1 + np.floor(weight / weight.sum() * (pool - n_artists)).astype(np.int64)
        sizes[0] += pool - sizes.sum()  # the remainder goes to the best-known artist
        artist_sizes.append(sizes)
    artists = np.array([sizes.size for sizes in artist_sizes], dtype=np.int64)
    return Catalogue(
        np.concatenate([[0], np.cumsum(pools)]),
        np.concatenate([[0], np.cumsum(artists)]),
        np.concatenate([[0], np.cumsum(np.concatenate(artist_sizes))]),
    )


def _object_array(words: Iterable[str]) -> np.ndarray:
    """A NumPy object array of strings, for vectorised word lookup."""
    return np.array(list(words), dtype=object)


_GENERIC = _object_array(w.capitalize() for w in WORDS)
_FLAVOUR = _object_array(w.capitalize() for theme in THEMES for w in theme.flavour)
_FLAVOUR_LEN = np.array([len(theme.flavour) for theme in THEMES], dtype=np.uint64)
_FLAVOUR_START = np.concatenate([[0], np.cumsum(_FLAVOUR_LEN)[:-1]]).astype(np.intp)
_STYLES = _object_array(theme.artist_style for theme in THEMES)
_FIRST, _LAST = _object_array(FIRST_NAMES), _object_array(LAST_NAMES)
_LATIN_FIRST, _LATIN_LAST, _SYLLABLES = (_object_array(x) for x in (LATIN_FIRST, LATIN_LAST, SYLLABLES))
_FEATURING = len(VERSIONS) - 1  # index of the "(feat. {artist})" version


def _lookup(table: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Pick table[h % len(table)] for each hash value."""
    return table[(h % np.uint64(len(table))).astype(np.intp)]


def _word_table(themes: np.ndarray, hashes: np.ndarray) -> list[list[str]]:
    """Title-cased words, one per hash column: the row's theme's flavour word (a third) or a generic one.

    Names are made of these ASCII words only, so they need no JSON escaping.
    """
    idx = hashes >> np.uint64(8)
    flavour = _FLAVOUR[_FLAVOUR_START[themes, None] + (idx % _FLAVOUR_LEN[themes, None]).astype(np.intp)]
    return np.where(hashes % np.uint64(3) == 0, flavour, _lookup(_GENERIC, idx)).tolist()


def phrases(themes: np.ndarray, hashes: np.ndarray) -> list[str]:
    """Names of 1..k title-cased words from k + 1 hash columns.

    The first column sets the word count: all counts are equally likely except k, which is half as likely.
    """
    k = hashes.shape[1] - 1
    counts = (1 + (hashes[:, 0] % np.uint64(2 * k - 1)) // 2).tolist()
    return [" ".join(words[:c]) for words, c in zip(_word_table(themes, hashes[:, 1:]), counts, strict=True)]


def _artist_name(style: str, variant: int, first: str, last: str, words: list[str], syllables: str) -> str:
    """A plausible artist name in one of the styles (country/band/rap/dj/idol/latin/christian/ensemble)."""
    word = words[0]
    if style == "country":
        return (f"{first} {last}", f"{first} {last}", f"The {last} Brothers", f"{first} {last} Band")[variant]
    if style == "band":
        return (f"The {word}s", " ".join(words), f"{word} & the {last}s", f"{word} Club")[variant]
    if style == "rap":
        return (f"Lil {word}", f"Young {first}", f"{word} Gang", f"MC {word}")[variant]
    if style == "dj":
        return (f"DJ {word}", syllables[:4].upper(), f"{word} Project", syllables[:4].title())[variant]
    if style == "idol":
        return syllables.upper()
    if style == "latin":
        return f"{first} {last}"
    if style == "christian":
        return (f"{word} Worship", f"{first} {last}", f"{word} Church Music", f"{word} United")[variant]
    ensemble = ENSEMBLES[variant]
    return (f"{last} {ensemble}", f"{first} {last}", f"The {first} {last} {ensemble}", f"{first} {last}")[variant]


def names_of_artists(seed: int, catalogue: Catalogue, artist_ids: np.ndarray) -> list[str]:
    """Names of the artists `artist_ids` in their theme's style ("mixed" themes: half country, half band)."""
    themes = np.searchsorted(catalogue.artist_offsets, artist_ids, side="right") - 1
    h = np.stack([hash64(seed, SALT_ARTIST, artist_ids, k) for k in range(4)], axis=1)
    styles = _STYLES[themes]
    mixed = styles == "mixed"
    styles[mixed] = np.where(h[mixed, 0] % np.uint64(2) == 0, "country", "band")
    latin = styles == "latin"
    first = np.where(latin, _lookup(_LATIN_FIRST, h[:, 1]), _lookup(_FIRST, h[:, 1])).tolist()
    last = np.where(latin, _lookup(_LATIN_LAST, h[:, 2]), _lookup(_LAST, h[:, 2])).tolist()
    syllables = (_lookup(_SYLLABLES, h[:, 1]) + _lookup(_SYLLABLES, h[:, 2]) + _lookup(_SYLLABLES, h[:, 3])).tolist()
    variants = (h[:, 3] % np.uint64(4)).tolist()
    parts = zip(styles.tolist(), variants, first, last, _word_table(themes, h[:, 1:3]), syllables, strict=True)
    return [_artist_name(*part) for part in parts]


@dataclass
class SliceTracks:
    """Attributes of the unique tracks a slice uses (global ids sorted ascending)."""

    artist_ids: np.ndarray
    album_ids: np.ndarray
    durations: np.ndarray
    fragments: list[str]  # each track's JSON members after "pos", in the MPD's key order


def track_attributes(seed: int, catalogue: Catalogue, ids: np.ndarray) -> SliceTracks:
    """Compute everything about the tracks `ids` from hashes: theme, artist, album, names, URIs, duration.

    The artist and album come from the catalogue's layout (`Catalogue.artists_of`). One track in eight is a version
    ("(Remix)", "(feat. X)"); a featured artist is another artist of the theme.
    """
    themes = np.searchsorted(catalogue.track_offsets, ids, side="right") - 1
    n_artists = catalogue.artist_sizes[themes]
    artist_ids = catalogue.artists_of(seed, ids)
    album_ids = catalogue.albums_of(seed, ids, artist_ids)
    durations = (90_000 + 270_000 * uniform(seed, SALT_TRACK, ids, 9) ** 1.5).astype(np.int64)

    h = np.stack([hash64(seed, SALT_TRACK, ids, k) for k in range(6)], axis=1)
    names = phrases(themes, h[:, :5])
    kind = ((h[:, 5] >> np.uint64(3)) % np.uint64(len(VERSIONS))).astype(np.int64)
    version = np.where(h[:, 5] % np.uint64(8) == 0, kind, -1)
    featuring = np.flatnonzero(version == _FEATURING)
    featured = catalogue.artist_offsets[themes[featuring]] + (
        hash64(seed, SALT_ARTIST_OF, ids[featuring], 1) % n_artists[featuring].astype(np.uint64)
    ).astype(np.int64)
    for i, name in zip(featuring.tolist(), names_of_artists(seed, catalogue, featured), strict=True):
        names[i] += VERSIONS[_FEATURING].format(artist=name)
    for i in np.flatnonzero((version >= 0) & (version != _FEATURING)).tolist():
        names[i] += VERSIONS[version[i]]

    artists, artist_index = np.unique(artist_ids, return_inverse=True)
    artist_names, artist_uris = (
        names_of_artists(seed, catalogue, artists),
        hashed_uris(seed, SALT_ARTIST_URI, artists, "artist"),
    )
    albums, album_index = np.unique(album_ids, return_inverse=True)
    album_themes = catalogue.album_themes(albums)
    album_hashes = np.stack([hash64(seed, SALT_ALBUM, albums, k) for k in range(2, 6)], axis=1)
    album_names, album_uris = (
        phrases(album_themes, album_hashes),
        hashed_uris(seed, SALT_ALBUM_URI, albums, "album"),
    )
    rows = zip(
        hashed_uris(seed, SALT_TRACK_URI, ids, "track"),
        names,
        artist_index.tolist(),
        album_index.tolist(),
        durations.tolist(),
        strict=True,
    )
    fragments = [
        f'"artist_name":"{artist_names[a]}","track_uri":"{uri}","artist_uri":"{artist_uris[a]}",'
        f'"track_name":"{name}","album_uri":"{album_uris[b]}","duration_ms":{ms},"album_name":"{album_names[b]}"'
        for uri, name, a, b, ms in rows
    ]
    return SliceTracks(artist_ids, album_ids, durations, fragments)
