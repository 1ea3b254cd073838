"""Synthetic Million Playlist Dataset (MPD) generator with known ground truth: the pipeline's default data.

Every playlist has a latent primary theme (a genre, mood, activity, era or holiday) and, for some, a second
one. Its tracks come from the themes' catalogues with heavy-tailed (Zipf-like) popularity; its title is one
of the theme's keywords (head words like "workout", variants like "gym", misspellings like "wrkout", opaque
slang like "swole szn", emoji like "💪") combined now and then with modifiers shared across themes ("my",
"vibes", "2k17", "jake's", "!!!"). Head titles therefore cover many playlists, modifier combinations make a
long tail of rare titles, and a few titles are noise unrelated to the content, as in the real MPD.

The catalogue is never held in memory: a track's theme, artist, album, names and URIs are pure functions of
(seed, its global index), computed by a vectorised integer hash for the tracks a slice uses. Each slice has
its own random generator, so memory is bounded by one slice and equal (seed, size) give byte-equal files.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from playlistrec.io import atomic_path, write_parquet
from playlistrec.text import normalise_title

# --- generative knobs (calibrated against the real MPD figures in docs/synthetic.md) ---------------------
MIXED_SHARE = 0.12  # playlists that mix a second theme into their tracks
NOISE_TITLE_SHARE = 0.04  # playlists whose title says nothing about their content ("my playlist", "stuff")
STRAY_SHARE = 0.04  # tracks drawn from a random theme (the odd track that does not fit)
MIN_LEN, MAX_LEN = 5, 250  # the MPD's playlist length bounds
LENGTH_SIGMA = 0.8  # log-normal spread of playlist lengths
# The log-normal's (untruncated) mean grows log-linearly in n from SMALL_MEAN at <= SMALL_N playlists to
# FULL_MEAN at FULL_N; after truncation and de-duplication the realised means are ~50 at 20k (so the default
# dataset stays near 1M items) and ~66 at 1M, the MPD's.
SMALL_N, SMALL_MEAN, FULL_N, FULL_MEAN = 20_000, 54.0, 1_000_000, 73.0
# Catalogue size: theme pools total POOL_AT_SMALL_N * (n / SMALL_N) ** POOL_EXPONENT tracks: ~25k at 20k
# playlists (what the encoder embeds in about a minute), ~2.3M at 1M (the MPD's 2.26M unique tracks).
POOL_AT_SMALL_N, POOL_EXPONENT, MIN_THEME_POOL = 25_000, 1.16, 200
TRACKS_PER_ARTIST = 8  # pool tracks per pool artist; artist sizes are heavy-tailed around it
MAX_ALBUMS_PER_ARTIST = 4
# Per-playlist Zipf-Mandelbrot offset range: small = sticks to the hits, large = digs deeper.
POPULARITY_OFFSET = (1.0, 30.0)
KEYWORD_EXPONENT = 1.6  # Zipf exponent over a theme's keywords (the first is the head title)
MODIFIER_EXPONENT = 1.2  # Zipf exponent over prefixes, suffixes, names and noise titles
PREFIX_SHARE, SUFFIX_SHARE, EMOJI_SHARE, PUNCT_SHARE = 0.05, 0.10, 0.03, 0.12
PAIR_TITLE_SHARE = 0.15  # mixed playlists titled with both themes' keywords ("country & rap")
URI_LENGTH = 22
BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
MODIFIED_RANGE = (1_293_840_000, 1_509_494_400)  # 2011-01-01 .. 2017-11-01, seconds since the epoch


@dataclass(frozen=True)
class Theme:
    """A latent playlist theme: title keywords (most frequent first), emoji, track-name words, query words.

    `synonyms` never occur in any title; they and the other typed queries test whether an encoder maps
    unseen wordings onto the theme.
    """

    name: str
    weight: float
    keywords: tuple[str, ...]
    emoji: str
    flavour: tuple[str, ...]
    synonyms: tuple[str, ...]
    artist_style: str = "mixed"


def _words_of(text: str) -> tuple[str, ...]:
    """Split a space-separated word list (keeps long vocabularies compact)."""
    return tuple(text.split())


def _options_of(text: str) -> tuple[str, ...]:
    """Split a "|"-separated list of phrases."""
    return tuple(text.split("|"))


def _theme(
    name: str, weight: float, emoji: str, synonyms: str, keywords: str, flavour: str, style: str = "mixed"
) -> Theme:
    """Build a Theme from compact strings ("|"-separated synonyms and keywords, space-separated words)."""
    return Theme(name, weight, _options_of(keywords), emoji, _words_of(flavour), _options_of(synonyms), style)


# fmt: off
THEMES: tuple[Theme, ...] = (
    _theme("country", 10, "🤠", "cowboy|twang",
        "country|country music|yeehaw|honky tonk|🤠|back roads|cntry|nashville|kountry|boots n jeans",
        "truck whiskey road dirt boots river porch tailgate creek hometown cowboy beer fields", "country"),
    _theme("chill", 9, "☁️", "unwind|tranquil",
        "chill|chillin|relax|mellow|lowkey|☁️|laid back|sunday morning|chil|calm|relaxing|chilll",
        "slow drift cloud haze easy breeze lazy float waves"),
    _theme("rap", 9, "🔥", "rhymes|emcee",
        "rap|hip hop|trap|hiphop|bars|🔥|rap music|rapp|spitters|hip-hop",
        "money hustle street gold drip bands flex hood gang", "rap"),
    _theme("workout", 9, "💪", "exercise|fitness",
        "workout|gym|lift|beast mode|💪|gains 💪|swole szn|work out|pump up|wrkout|leg day|gainz",
        "power stronger fight rise fire pump iron sweat"),
    _theme("party", 7, "🎉", "celebration|get together",
        "party|pregame|turn up|lit|🎉|party time|turnt|bangers|partyy|pre game|rager",
        "night club shots dance floor tonight crazy loud"),
    _theme("christmas", 7, "🎄", "yuletide|noel",
        "christmas|xmas|🎄|christmas music|holiday|fa la la|sleigh|jingle|christmass|chrismas|merry",
        "snow santa bells sleigh winter holly mistletoe jolly star"),
    _theme("rock", 7, "🎸", "arena rock|power chords",
        "rock|classic rock|rock n roll|🎸|rock and roll|hard rock|rokc|guitar|riffs",
        "stone thunder highway wild electric rebel", "band"),
    _theme("oldies", 6, "📻", "vintage|retro",
        "oldies|old school|oldies but goodies|golden oldies|classics|📻|oldie|oldys|50s|60s",
        "baby darling honey moon dance sweet doo wop"),
    _theme("throwback", 6, "⏪", "flashback|reminiscing",
        "throwback|throwbacks|tbt|throwback thursday|nostalgia|⏪|throw back|childhood|throwbackz",
        "remember back then yesterday summer"),
    _theme("christian", 6, "✝️", "hymns|devotional",
        "worship|christian|praise|jesus|gospel|church|✝️|praise and worship|god|worhsip",
        "grace glory light heaven spirit faith holy savior", "christian"),
    _theme("summer", 5, "☀️", "sunny days|heatwave",
        "summer|summertime|summer 2017|beach|☀️|sun|sumer|summer nights|pool",
        "sun beach waves tan ocean sand pool heat"),
    _theme("pop", 5, "⭐", "chart toppers|mainstream",
        "pop|top hits|hits|pop hits|top 40|⭐|todays hits|radio|bops|poppp",
        "baby girl heart love tonight crazy body"),
    _theme("edm", 5, "🎧", "electronica|beatport",
        "edm|electronic|dubstep|rave|🎧|drops|festival|bass|edc|electro|edmm|trance",
        "drop bass pulse neon laser signal rave", "dj"),
    _theme("love", 5, "❤️", "romantic|sweetheart",
        "love|love songs|romance|❤️|in love|bae|date night|luv|lovey dovey|love song",
        "heart kiss baby forever yours darling hold"),
    _theme("sleep", 4, "😴", "slumber|drowsy",
        "sleep|sleepy|bedtime|zzz|😴|sleep music|night night|lullaby|goodnight|sleeep",
        "dream night moon quiet stars soft rest"),
    _theme("disney", 4, "✨", "animated movie|cartoon",
        "disney|✨|disney songs|princess|pixar|disny|once upon a time",
        "magic princess kingdom castle dream wish journey"),
    _theme("study", 4, "📚", "revision|cramming",
        "study|studying|focus|homework|📚|study music|concentration|finals|exam szn|studyy|reading",
        "quiet piano focus mind paper think light"),
    _theme("road trip", 4, "🚗", "travel|long haul",
        "road trip|roadtrip|car|driving|🚗|cruising|long drive|road trippin|raod trip",
        "highway miles road wheels drive west motel"),
    _theme("indie", 4, "🌿", "underground|obscure",
        "indie|alternative|alt|indie rock|🌿|indie pop|hipster|bedroom pop|indy",
        "paper ghost garden youth polaroid static", "band"),
    _theme("rnb", 4, "🌹", "rhythm and blues|quiet storm",
        "r&b|rnb|slow jams|smooth|🌹|r and b|baby making music|neo soul|rnbb",
        "baby body slow tonight smooth velvet"),
    _theme("latin", 4, "🇲🇽", "hispanic|perreo",
        "latin|spanish|reggaeton|latino|🇲🇽|musica|salsa|bachata|latin music|regueton",
        "amor corazon fuego noche baila vida", "latin"),
    _theme("jazz", 3, "🎷", "saxophone|big band",
        "jazz|smooth jazz|jazzy|🎷|bebop|swing|jaz|jazz cafe",
        "blue midnight smoke moon swing velvet", "ensemble"),
    _theme("classical", 3, "🎻", "baroque|chamber music",
        "classical|piano|orchestra|🎻|classical music|instrumental|mozart|symphony|clasical",
        "sonata concerto nocturne prelude etude adagio minor major", "ensemble"),
    _theme("metal", 3, "🤘", "shred|doom",
        "metal|heavy metal|metalcore|🤘|screamo|thrash|mosh|death metal|metl",
        "blood death iron black fire skull rage", "band"),
    _theme("k-pop", 3, "💜", "hallyu|korean pop",
        "kpop|k-pop|korean|bts|💜|idols|kpopp",
        "love boy girl heart dream star", "idol"),
    _theme("reggae", 2, "🌴", "dancehall|ska",
        "reggae|roots|rasta|🌴|island|one love|reggea|dub",
        "island roots sun rasta jah irie", "band"),
    _theme("blues", 2, "🎺", "twelve bar|mississippi",
        "blues|delta blues|blues rock|bluesy|🎺|the blues|bluez",
        "blue whiskey train crossroads rain"),
    _theme("folk", 3, "🪕", "americana|unplugged",
        "folk|acoustic|indie folk|folky|🪕|singer songwriter|campfire|fokl",
        "river pine mountain wood lantern"),
    _theme("punk", 2, "⚡", "hardcore|garage",
        "punk|pop punk|punk rock|skate|⚡|mosh pit|punkk",
        "riot kids skate static rebel", "band"),
    _theme("emo", 2, "🖤", "angsty|mall goth",
        "emo|emo phase|🖤|scene|emo music|mcr|emoo",
        "black heart bleed ghost sleeve", "band"),
    _theme("80s", 3, "🕺", "1980s|new wave",
        "80s|80's|eighties|🕺|totally 80s|synthwave|80z",
        "neon radio synth video tape"),
    _theme("90s", 4, "💾", "1990s|millennial",
        "90s|90's|nineties|90s kid|💾|90s babies|90z",
        "grunge tape mall pager"),
    _theme("2000s", 3, "📀", "aughts|noughties",
        "2000s|early 2000s|00s|2000's|middle school|📀|2000z",
        "flip phone mall glitter myspace"),
    _theme("2016", 3, "📅", "year 2016|last years hits",
        "2016|best of 2016|2k16|twenty sixteen|📅|16",
        "baby tonight summer feel"),
    _theme("2017", 3, "🆕", "this year|latest releases",
        "2017|2k17|best of 2017|new music|🆕|twenty seventeen|17",
        "baby tonight new feel"),
    _theme("halloween", 2, "🎃", "trick or treat|haunted",
        "halloween|spooky|🎃|spooky szn|scary|october|creepy|haloween",
        "ghost grave witch moon night bones"),
    _theme("hawaii", 2, "🌺", "tropical|polynesian",
        "hawaii|aloha|🌺|hawaiian|maui|luau|hawai",
        "island ocean aloha wave sand palm"),
    _theme("gaming", 2, "🎮", "esports|streaming",
        "gaming|video games|gamer|🎮|game music|8 bit|minecraft|gamin",
        "level quest pixel boss arcade"),
    _theme("running", 4, "🏃", "sprint|treadmill",
        "running|run|cardio|5k|🏃|marathon|jogging|half marathon|runing",
        "run miles fast pace heart beat"),
    _theme("sad", 5, "😢", "melancholy|gloomy",
        "sad|feels|😢|crying|depressing|heartbreak|in my feels|broken|saddd",
        "tears rain alone broken gone cold"),
    _theme("happy", 3, "😊", "cheerful|upbeat",
        "happy|good vibes|feel good|😊|happy happy|smile|good mood|hapy",
        "smile shine sunny bright dance"),
    _theme("rainy day", 2, "🌧️", "drizzle|overcast",
        "rainy day|rain|rainy days|🌧️|cloudy|rainy|rainy dayz",
        "rain window grey puddle umbrella"),
    _theme("wedding", 2, "💍", "marriage|newlyweds",
        "wedding|reception|first dance|💍|wedding songs|bridal|weding",
        "forever vow ring love dance"),
    _theme("kids", 2, "🧸", "nursery rhymes|for children",
        "kids|kids songs|children|🧸|kidz|family|toddler",
        "little star friends play abc sunny"),
    _theme("musicals", 2, "🎭", "west end|stage show",
        "broadway|musicals|hamilton|🎭|musical|theatre|theater|broadway babies",
        "stage curtain spotlight act overture", "ensemble"),
    _theme("soundtrack", 2, "🎬", "cinematic|film music",
        "soundtrack|movie|movies|ost|🎬|soundtracks|scores|sound track",
        "theme main title end credits suite", "ensemble"),
    _theme("soul", 2, "🎙️", "northern soul|sixties soul",
        "soul|motown|soulful|🎙️|soul music|sould",
        "baby sweet soul heart groove"),
    _theme("funk", 2, "🪩", "p funk|disco fever",
        "funk|funky|groove|disco|🪩|boogie|get down|funkk",
        "groove boogie night fever dance"),
    _theme("house", 2, "🏠", "four on the floor|warehouse",
        "house|deep house|tech house|house music|🏠|techno|club|hous",
        "deep groove night body move floor", "dj"),
    _theme("coffee shop", 2, "☕", "espresso|latte",
        "coffee|coffee shop|acoustic covers|cafe|☕|coffeehouse|covers",
        "coffee morning cup rain window"),
    _theme("4th of july", 1.5, "🇺🇸", "patriotic|red white and blue",
        "4th of july|america|murica|usa|🇺🇸|fourth of july|merica|july 4th",
        "freedom flag stars stripes fire"),
    _theme("shower", 1, "🚿", "bath time|bathroom concert",
        "shower|shower songs|🚿|singing in the shower|showr",
        "baby tonight sing loud"),
    _theme("cleaning", 1, "🧹", "tidying|housework",
        "cleaning|clean|cleaning day|🧹|chores|house cleaning|cleanin",
        "shine sparkle sweep move"),
    _theme("dance", 3, "💃", "choreo|twerk",
        "dance|dancing|💃|dance floor|lets dance|dancee",
        "move floor body tonight shake"),
    _theme("anime", 2, "🍥", "manga|japanese pop",
        "anime|anime openings|🍥|weeb|jpop|j-pop|otaku|animee",
        "sakura light sky hero dream", "idol"),
)

# Modifiers shared across themes, most frequent first. "{name}" is a person's name.
PREFIXES = _options_of(
    "my|best|the|new|{name}'s|ultimate|top|more|real|just|lil|old|late night|crazy|pure|{name}s|dope|"
    "only|vol 2"
)
SUFFIXES = _options_of(
    "vibes|mix|playlist|songs|jams|music|2k17|!!!|for the car|szn|hits|time|2.0|2|list|forever|🔥|💯|"
    "af|lol|n stuff|ii|pt 2|only|mix 2|yay|2017|for {name}|etc|baby|ish|vol 1|2018"
)
NAMES = _words_of(
    "jake emily sarah matt josh ashley tyler megan chris kayla mom dad grandma alex sam jess nick lauren "
    "ryan abby brandon hannah kevin olivia"
)
NOISE_TITLES = _options_of(
    "my playlist|new|stuff|music|songs|playlist|random|favorites|favs|good songs|idk|misc|{name}|"
    "untitled|car|me|mine|new playlist|my songs|on repeat|current|ok|yes|👌|😊|likes|misc 2|"
    "{name}'s playlist"
)
GENERIC_EMOJI = ("🔥", "💯", "😎", "🎶", "✌️", "👀", "😍", "🙌")
JOINERS = (" & ", " + ", " and ", " / ", " x ")
PUNCTUATION = ("!", "!!!", ".", "~", " :)", "!!", "...", "?", " !", "*", "-", " :-)")
# Typed queries: templates whose words (tunes, some, tracks, need, please) never occur in any title, filled
# with the theme's first, second and third keyword.
PARAPHRASES = ("{kw} tunes", "some {kw} tracks", "need {kw} songs please")
EMOJI_QUERY = "{emoji} tunes"

# Words for track, album and artist names: generic ones, mixed with the theme's flavour words.
WORDS = _words_of(
    "love night heart fire home road dream light time world girl baby life way day rain sky star gold "
    "young wild free lost back down alone together tonight forever never always better good high low run "
    "fall stay go come feel know want hold summer city river ocean blue black red golden silver paper "
    "glass stone heaven angel devil ghost shadow morning midnight sunset sunrise moon sun fever magic "
    "wonder echo thunder storm money crown king queen boy lover friend enemy secret promise memory story "
    "letter train highway island desert garden window mirror door bridge wave ride dance sing cry smile"
)
FIRST_NAMES = _words_of(
    "James Mary John Anna Luke Grace Sam Ella Jack Lily Noah Zoe Ben Nora Leo Ruby Max Ivy Cole Jade Eli "
    "Rose Finn Mae Wes June Kai Tess Gus Nell"
)
LAST_NAMES = _words_of(
    "Smith Brown Carter Hayes Parker Reed Wells Brooks Foster Hale Morgan Stone Lane Price Ward Bennett "
    "Cross Fields Grant Hart Monroe Rivers Shaw Sloan Tate Vance Wilder York Quinn Rhodes"
)
LATIN_FIRST = _words_of("Carlos Sofia Diego Lucia Mateo Valentina Javier Camila Luis Elena Rafa Paloma")
LATIN_LAST = _words_of("Garcia Lopez Rivera Torres Ramirez Flores Cruz Morales Ortiz Vega Castillo Reyes")
SYLLABLES = _words_of("ka ri mo na su ji yu ne to ra mi so lu ha ve xi zo ae")
ENSEMBLES = ("Orchestra", "Quartet", "Trio", "Ensemble", "Philharmonic", "Chorus")
VERSIONS = (" (Remix)", " - Live", " (Acoustic)", " - Remastered", " (Radio Edit)", " (feat. {artist})")

_SALT_TRACK_URI, _SALT_ARTIST_URI, _SALT_ALBUM_URI = 0x11, 0x22, 0x33
_SALT_TRACK, _SALT_ARTIST, _SALT_ALBUM, _SALT_ARTIST_OF = 0x44, 0x55, 0x66, 0x77
# fmt: on


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijective avalanche hash of uint64 values (wrap-around arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _hash(seed: int, salt: int, ids: np.ndarray, k: int = 0) -> np.ndarray:
    """Hash (seed, salt, id, k) to uint64: the stateless randomness behind catalogue attributes."""
    key = _mix64(np.array([(seed & 0xFFFFFFFF) << 24 | salt << 16 | k], dtype=np.uint64))
    return _mix64(ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ key)


def _uniform(seed: int, salt: int, ids: np.ndarray, k: int = 0) -> np.ndarray:
    """Hash to floats in [0, 1), 53 bits each."""
    return (_hash(seed, salt, ids, k) >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _uris(seed: int, salt: int, ids: np.ndarray, kind: str) -> list[str]:
    """Spotify URIs "spotify:<kind>:" + 22 base62 characters, a deterministic function of (seed, id).

    Each 64-bit hash yields 8 base62 digits (62 ** 8 < 2 ** 48, so the digits stay near-uniform).
    """
    prefix = np.frombuffer(f"spotify:{kind}:".encode(), dtype=np.uint8)
    digits = []
    for k in range(-(-URI_LENGTH // 8)):
        h = _hash(seed, salt, ids, k)
        for _ in range(8):
            digits.append(h % np.uint64(62))
            h //= np.uint64(62)
    chars = BASE62[np.stack(digits[:URI_LENGTH], axis=1).astype(np.intp)]
    uris = np.concatenate([np.broadcast_to(prefix, (ids.size, prefix.size)), chars], axis=1)
    return np.ascontiguousarray(uris).view(f"S{uris.shape[1]}").ravel().astype(f"U{uris.shape[1]}").tolist()


@dataclass(frozen=True)
class Catalogue:
    """Sizes and offsets of the per-theme track and artist pools for a dataset of a given size."""

    track_offsets: np.ndarray  # int64 [T + 1]: theme t owns global track ids offsets[t] .. offsets[t + 1] - 1
    artist_offsets: np.ndarray  # int64 [T + 1], the same for artists

    @property
    def pool_sizes(self) -> np.ndarray:
        """Tracks per theme pool."""
        return np.diff(self.track_offsets)

    @property
    def artist_sizes(self) -> np.ndarray:
        """Artists per theme pool."""
        return np.diff(self.artist_offsets)


def _theme_probabilities() -> np.ndarray:
    """Probability of each theme being a playlist's primary theme."""
    weights = np.array([theme.weight for theme in THEMES])
    return weights / weights.sum()


def catalogue_for(n_playlists: int) -> Catalogue:
    """Size the theme pools so unique tracks and artists grow with the dataset like the real MPD's.

    Pools get a share of the total that grows sublinearly with theme popularity, so niche themes still have
    a deep catalogue.
    """
    total = POOL_AT_SMALL_N * (n_playlists / SMALL_N) ** POOL_EXPONENT
    share = _theme_probabilities() ** 0.6
    sizes = np.maximum(MIN_THEME_POOL, np.round(total * share / share.sum())).astype(np.int64)
    artists = np.maximum(1, sizes // TRACKS_PER_ARTIST)
    return Catalogue(np.concatenate([[0], np.cumsum(sizes)]), np.concatenate([[0], np.cumsum(artists)]))


def _mean_length(n_playlists: int) -> float:
    """Untruncated mean of the log-normal playlist length: SMALL_MEAN up to SMALL_N, FULL_MEAN from FULL_N."""
    frac = np.clip(math.log(max(n_playlists, 1) / SMALL_N) / math.log(FULL_N / SMALL_N), 0.0, 1.0)
    return SMALL_MEAN + (FULL_MEAN - SMALL_MEAN) * float(frac)


def _lengths(rng: np.random.Generator, size: int, mean: float) -> np.ndarray:
    """Draw playlist lengths from a log-normal truncated to [MIN_LEN, MAX_LEN] by redrawing the rest."""
    median = mean * math.exp(-(LENGTH_SIGMA**2) / 2)
    lengths = np.zeros(size, dtype=np.int64)
    todo = np.arange(size)
    while todo.size:
        draw = np.round(median * np.exp(LENGTH_SIGMA * rng.standard_normal(todo.size))).astype(np.int64)
        ok = (draw >= MIN_LEN) & (draw <= MAX_LEN)
        lengths[todo[ok]] = draw[ok]
        todo = todo[~ok]
    return lengths


def _zipf_ranks(u: np.ndarray, pool: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Map uniforms to ranks 0..pool-1 with P(rank r) ~ 1 / (r + offset): inverse CDF of a continuous Zipf."""
    ranks = offset * ((pool + offset) / offset) ** u - offset
    return np.minimum(ranks.astype(np.int64), pool - 1)


@lru_cache(maxsize=256)
def _zipf_cdf(size: int, exponent: float) -> np.ndarray:
    """Normalised CDF of P(i) ~ (i + 1) ** -exponent over `size` options (cached: every title uses it)."""
    cdf = np.cumsum(np.arange(1, size + 1, dtype=np.float64) ** -exponent)
    return cdf / cdf[-1]


def _zipf_pick(options: tuple[str, ...], u: float, exponent: float) -> str:
    """Pick from `options` (most frequent first) with P(i) ~ (i + 1) ** -exponent, using the uniform `u`."""
    return options[min(int(np.searchsorted(_zipf_cdf(len(options), exponent), u, side="right")), len(options) - 1)]


def _case(title: str, u: float) -> str:
    """Write a title the way people do: mostly lower case, often capitalised, sometimes shouted."""
    if u < 0.55:
        return title
    if u < 0.85:
        return " ".join(word[:1].upper() + word[1:] for word in title.split(" "))
    if u < 0.95:
        return title.upper()
    return title[:1].upper() + title[1:]


def _title(primary: Theme, secondary: Theme | None, noise: bool, u: np.ndarray) -> str:
    """Compose a playlist title from 10 uniforms: keyword(s) + optional shared modifiers, case and emoji."""
    name = _zipf_pick(NAMES, u[9], MODIFIER_EXPONENT)
    if noise:
        return _case(_zipf_pick(NOISE_TITLES, u[0], MODIFIER_EXPONENT).format(name=name), u[8])
    title = _zipf_pick(primary.keywords, u[0], KEYWORD_EXPONENT)
    if secondary is not None and u[1] < PAIR_TITLE_SHARE:
        joiner = JOINERS[int(u[2] * len(JOINERS))]
        title += joiner + _zipf_pick(secondary.keywords, u[2] * len(JOINERS) % 1, KEYWORD_EXPONENT)
    if u[3] < PREFIX_SHARE:
        title = _zipf_pick(PREFIXES, u[3] / PREFIX_SHARE, MODIFIER_EXPONENT).format(name=name) + " " + title
    if u[4] < SUFFIX_SHARE:
        title += " " + _zipf_pick(SUFFIXES, u[4] / SUFFIX_SHARE, MODIFIER_EXPONENT).format(name=name)
    if u[5] < EMOJI_SHARE:
        title += " " + (primary.emoji if u[5] < EMOJI_SHARE / 2 else GENERIC_EMOJI[int(u[6] * len(GENERIC_EMOJI))])
    if u[7] < PUNCT_SHARE:
        title += PUNCTUATION[int(u[7] / PUNCT_SHARE * len(PUNCTUATION))]
    return _case(title, u[8])


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


def _phrases(themes: np.ndarray, hashes: np.ndarray) -> list[str]:
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


def _artist_names(seed: int, catalogue: Catalogue, artist_ids: np.ndarray) -> list[str]:
    """Names of the artists `artist_ids` in their theme's style ("mixed" themes: half country, half band)."""
    themes = np.searchsorted(catalogue.artist_offsets, artist_ids, side="right") - 1
    h = np.stack([_hash(seed, _SALT_ARTIST, artist_ids, k) for k in range(4)], axis=1)
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
class _SliceTracks:
    """Attributes of the unique tracks a slice uses (global ids sorted ascending)."""

    artist_ids: np.ndarray
    album_ids: np.ndarray
    durations: np.ndarray
    fragments: list[str]  # each track's JSON members after "pos", in the MPD's key order


def _track_attributes(seed: int, catalogue: Catalogue, ids: np.ndarray) -> _SliceTracks:
    """Compute everything about the tracks `ids` from hashes: theme, artist, album, names, URIs, duration.

    A track's artist is drawn with P(artist < a) = (a / artists) ** (2/3) within its theme, so a few artists
    have many tracks and most have a handful, as in real catalogues. One track in eight is a version
    ("(Remix)", "(feat. X)"); a featured artist is another artist of the theme.
    """
    themes = np.searchsorted(catalogue.track_offsets, ids, side="right") - 1
    n_artists = catalogue.artist_sizes[themes]
    local_artist = (n_artists * _uniform(seed, _SALT_ARTIST_OF, ids) ** 1.5).astype(np.int64)
    artist_ids = catalogue.artist_offsets[themes] + np.minimum(local_artist, n_artists - 1)
    n_albums = 1 + _hash(seed, _SALT_ALBUM, artist_ids) % np.uint64(MAX_ALBUMS_PER_ARTIST)
    album_ids = artist_ids * MAX_ALBUMS_PER_ARTIST + (_hash(seed, _SALT_ALBUM, ids, 1) % n_albums).astype(np.int64)
    durations = (90_000 + 270_000 * _uniform(seed, _SALT_TRACK, ids, 9) ** 1.5).astype(np.int64)

    h = np.stack([_hash(seed, _SALT_TRACK, ids, k) for k in range(6)], axis=1)
    names = _phrases(themes, h[:, :5])
    kind = ((h[:, 5] >> np.uint64(3)) % np.uint64(len(VERSIONS))).astype(np.int64)
    version = np.where(h[:, 5] % np.uint64(8) == 0, kind, -1)
    featuring = np.flatnonzero(version == _FEATURING)
    featured = catalogue.artist_offsets[themes[featuring]] + (
        _hash(seed, _SALT_ARTIST_OF, ids[featuring], 1) % n_artists[featuring].astype(np.uint64)
    ).astype(np.int64)
    for i, name in zip(featuring.tolist(), _artist_names(seed, catalogue, featured), strict=True):
        names[i] += VERSIONS[_FEATURING].format(artist=name)
    for i in np.flatnonzero((version >= 0) & (version != _FEATURING)).tolist():
        names[i] += VERSIONS[version[i]]

    artists, artist_index = np.unique(artist_ids, return_inverse=True)
    artist_names, artist_uris = (
        _artist_names(seed, catalogue, artists),
        _uris(seed, _SALT_ARTIST_URI, artists, "artist"),
    )
    albums, album_index = np.unique(album_ids, return_inverse=True)
    album_themes = np.searchsorted(catalogue.artist_offsets, albums // MAX_ALBUMS_PER_ARTIST, side="right") - 1
    album_hashes = np.stack([_hash(seed, _SALT_ALBUM, albums, k) for k in range(2, 6)], axis=1)
    album_names, album_uris = (
        _phrases(album_themes, album_hashes),
        _uris(seed, _SALT_ALBUM_URI, albums, "album"),
    )
    rows = zip(
        _uris(seed, _SALT_TRACK_URI, ids, "track"),
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
    return _SliceTracks(artist_ids, album_ids, durations, fragments)


@dataclass
class _Slice:
    """One generated slice: its JSON text plus what the ground truth and statistics need."""

    text: str
    primary: np.ndarray  # theme index per playlist
    secondary: np.ndarray  # theme index per playlist, -1 when not mixed
    names: list[str]
    lengths: np.ndarray
    track_ids: np.ndarray  # global track id of every item (a track is in a playlist at most once)
    artist_ids: np.ndarray  # unique global artist ids used
    album_ids: np.ndarray  # unique global album ids used


def _draw_tracks(
    rng: np.random.Generator,
    catalogue: Catalogue,
    primary: np.ndarray,
    secondary: np.ndarray,
    lengths: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw each playlist's tracks (global ids, no repeats within a playlist) and return (offsets, ids).

    Each playlist over-draws 1.5x its length + 20 candidates from its theme mix, keeps first occurrences and
    truncates to its length, so it stays vectorised; playlists on a small pool may end up a little shorter.
    """
    n = primary.size
    p_primary = np.where(secondary >= 0, rng.uniform(0.55, 0.85, n), 1.0)
    offset = np.exp(rng.uniform(*np.log(POPULARITY_OFFSET), n))
    draws = lengths + lengths // 2 + 20
    owner = np.repeat(np.arange(n), draws)
    themes = np.where(rng.random(owner.size) < p_primary[owner], primary[owner], secondary[owner])
    stray = rng.random(owner.size) < STRAY_SHARE
    themes[stray] = rng.choice(len(THEMES), size=int(stray.sum()), p=_theme_probabilities())
    pools = catalogue.pool_sizes[themes]
    ids = catalogue.track_offsets[themes] + _zipf_ranks(rng.random(owner.size), pools, offset[owner])
    key = owner * catalogue.track_offsets[-1] + ids
    _, first = np.unique(key, return_index=True)
    keep = np.zeros(owner.size, dtype=bool)
    keep[first] = True
    rank = np.cumsum(keep) - 1
    starts = np.concatenate([[0], np.cumsum(draws)[:-1]])
    rank -= np.concatenate([[0], np.cumsum(keep)])[starts][owner]
    keep &= rank < lengths[owner]
    kept_owner = owner[keep]
    counts = np.bincount(kept_owner, minlength=n)
    if counts.min() < MIN_LEN:
        raise RuntimeError(f"a playlist got only {counts.min()} distinct tracks; enlarge MIN_THEME_POOL")
    return np.concatenate([[0], np.cumsum(counts)]), ids[keep]


# Numeric playlist fields in the MPD's key order (between "collaborative" and "tracks").
_FIELDS = (
    "pid",
    "modified_at",
    "num_tracks",
    "num_albums",
    "num_followers",
    "num_edits",
    "duration_ms",
    "num_artists",
)


def _distinct_per_owner(owner: np.ndarray, values: np.ndarray, n_owners: int) -> np.ndarray:
    """Number of distinct `values` per owner (0..n_owners-1), vectorised."""
    pairs = np.unique(owner * (int(values.max()) + 1) + values)
    return np.bincount(pairs // (int(values.max()) + 1), minlength=n_owners)


def _playlist_json(name: str, fields: list[int], positions: list[int], fragments: list[str]) -> str:
    """Serialise one playlist in the MPD's layout; `fields` follow _FIELDS, `positions` index `fragments`."""
    numbers = ",".join(f'"{key}":{value}' for key, value in zip(_FIELDS, fields, strict=True))
    items = ",".join(f'{{"pos":{pos},{fragments[j]}}}' for pos, j in enumerate(positions))
    return f'{{"name":{json.dumps(name)},"collaborative":"false",{numbers},"tracks":[{items}]}}'


def _generate_slice(seed: int, catalogue: Catalogue, n_playlists: int, first_pid: int, size: int) -> _Slice:
    """Generate playlists first_pid .. first_pid + size - 1 with the slice's own random generator."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(first_pid,)))
    theme_p = _theme_probabilities()
    primary = rng.choice(len(THEMES), size=size, p=theme_p)
    secondary = np.full(size, -1)
    mixed = np.flatnonzero(rng.random(size) < MIXED_SHARE)
    todo = mixed
    while todo.size:  # redraw seconds equal to the primary
        secondary[todo] = rng.choice(len(THEMES), size=todo.size, p=theme_p)
        todo = todo[secondary[todo] == primary[todo]]
    noise = rng.random(size) < NOISE_TITLE_SHARE
    lengths = _lengths(rng, size, _mean_length(n_playlists))
    uniforms = rng.random((size, 10))
    span = MODIFIED_RANGE[1] - MODIFIED_RANGE[0]
    modified = MODIFIED_RANGE[0] + (span * np.sqrt(rng.random(size))).astype(np.int64)  # more recent = likelier
    followers = 1 + np.minimum(rng.pareto(1.3, size) * 0.7, 50_000).astype(np.int64)
    edits = 1 + rng.poisson(2 + lengths / 8)

    offsets, ids = _draw_tracks(rng, catalogue, primary, secondary, lengths)
    unique_ids, positions = np.unique(ids, return_inverse=True)
    tracks = _track_attributes(seed, catalogue, unique_ids)
    counts = np.diff(offsets)
    owner = np.repeat(np.arange(size), counts)
    duration = np.bincount(owner, weights=tracks.durations[positions], minlength=size).astype(np.int64)
    albums = _distinct_per_owner(owner, tracks.album_ids[positions], size)
    artists = _distinct_per_owner(owner, tracks.artist_ids[positions], size)
    fields = np.stack([first_pid + np.arange(size), modified, counts, albums, followers, edits, duration, artists], 1)
    names = [
        _title(THEMES[p], THEMES[s] if s >= 0 else None, z, u)
        for p, s, z, u in zip(primary.tolist(), secondary.tolist(), noise.tolist(), uniforms, strict=True)
    ]
    per_playlist = np.split(positions, offsets[1:-1])
    rows = zip(names, fields.tolist(), per_playlist, strict=True)
    playlists = [_playlist_json(name, row, pos.tolist(), tracks.fragments) for name, row, pos in rows]
    info = {
        "generated_on": "synthetic",
        "slice": f"{first_pid}-{first_pid + size - 1}",
        "version": "v1",
        "generator": "playlistrec.synth",
        "seed": seed,
    }
    text = f'{{"info":{json.dumps(info)},"playlists":[\n' + ",\n".join(playlists) + "\n]}\n"
    used_artists, used_albums = np.unique(tracks.artist_ids), np.unique(tracks.album_ids)
    return _Slice(text, primary, secondary, names, counts, ids, used_artists, used_albums)


def _typo(word: str, taken: set[str]) -> str | None:
    """A plausible misspelling of `word` (swap, drop or double a letter) that is not in `taken`."""
    candidates = []
    for i in range(1, len(word) - 1):
        candidates.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        candidates.append(word[:i] + word[i + 1 :])
        candidates.append(word[:i] + word[i] + word[i:])
    ordered = candidates[len(candidates) // 2 :] + candidates[: len(candidates) // 2]
    return next((c for c in ordered if c != word and c not in taken), None)


def _normalised(phrases: Iterable[str]) -> set[str]:
    """Normalised forms of `phrases`, with "{name}" expanded to every name."""
    expanded = (p.format(name=name) for p in phrases for name in (NAMES if "{name}" in p else ("",)))
    return {normalise_title(p) for p in expanded}


@lru_cache(maxsize=1)
def _grammar() -> tuple[set[str], set[str], dict[str, set[int]], set[str], set[str], set[str]]:
    """Normalised title vocabulary: prefixes, suffixes, keyword -> theme ids, emoji, joiners, noise titles."""
    keywords: dict[str, set[int]] = {}
    for t, theme in enumerate(THEMES):
        for kw in theme.keywords:
            keywords.setdefault(normalise_title(kw), set()).add(t)
    emoji = _normalised([theme.emoji for theme in THEMES] + list(GENERIC_EMOJI))
    joiners = _normalised(JOINERS) | {""}
    return _normalised(PREFIXES), _normalised(SUFFIXES), keywords, emoji, joiners, _normalised(NOISE_TITLES)


def _could_be_title(text: str) -> bool:
    """Whether the title grammar can produce `text` (after normalisation).

    That is a noise title, or [prefix] keyword [joiner keyword] [suffix] [emoji]. Typed queries must not be
    producible, so they can never equal a generated title.
    """
    noise = _grammar()[5]
    tokens = normalise_title(text).split()
    if " ".join(tokens) in noise:
        return True
    emoji = _grammar()[3]
    return _parses(tokens) or (len(tokens) > 1 and tokens[-1] in emoji and _parses(tokens[:-1]))


def _parses(tokens: list[str]) -> bool:
    """Whether `tokens` are [prefix] keyword [joiner keyword] [suffix], the pair from two different themes."""
    prefixes, suffixes, keywords, _, joiners, _ = _grammar()
    n = len(tokens)
    for i in range(n):  # tokens[:i] prefix, tokens[i:j] keyword part, tokens[j:] suffix
        if i and " ".join(tokens[:i]) not in prefixes:
            continue
        for j in range(i + 1, n + 1):
            if j < n and " ".join(tokens[j:]) not in suffixes:
                continue
            middle = tokens[i:j]
            if " ".join(middle) in keywords:
                return True
            for k in range(1, len(middle)):  # first keyword middle[:k], optional joiner word, second keyword
                for skip in (0, 1):
                    joiner, first, second = (
                        " ".join(middle[k : k + skip]),
                        " ".join(middle[:k]),
                        middle[k + skip :],
                    )
                    pair = first in keywords and " ".join(second) in keywords and joiner in joiners
                    if pair and len(keywords[first] | keywords[" ".join(second)]) > 1:
                        return True
    return False


def typed_queries() -> list[tuple[str, str, str]]:
    """(query, theme, kind) triples a person might type, none of which the title grammar can produce.

    Kinds: synonym (a word for the theme that titles never use), paraphrase (a keyword in a sentence template
    built from words titles never use), typo (a misspelling of the head keyword that is not a keyword),
    emoji (the theme's emoji in such a template) and combo (two of the theme's keywords together, which the
    one-keyword-per-theme grammar never emits). Candidates the grammar could produce are skipped.
    """
    keywords = _grammar()[2]
    queries = []
    for theme in THEMES:
        words = [kw for kw in theme.keywords if normalise_title(kw).replace(" ", "").isalnum()]
        head = next(kw for kw in theme.keywords if len(kw) >= 4 and kw.replace(" ", "").isalpha())
        longest = max(head.split(), key=len)
        typo = _typo(longest, set(keywords))
        combos = [f"{a} {b}" for i, a in enumerate(words) for b in words[i + 1 :]]
        candidates = [(synonym, "synonym") for synonym in theme.synonyms]
        candidates += [(t.format(kw=kw), "paraphrase") for t, kw in zip(PARAPHRASES, words[:3], strict=True)]
        candidates += [(head.replace(longest, typo), "typo")] if typo else []
        candidates += [(EMOJI_QUERY.format(emoji=theme.emoji), "emoji")]
        candidates += [(next(c for c in combos if not _could_be_title(c)), "combo")]
        queries += [(query, theme.name, kind) for query, kind in candidates if not _could_be_title(query)]
    return queries


def _write_truth(
    out_dir: Path,
    seed: int,
    catalogue: Catalogue,
    primary: np.ndarray,
    secondary: np.ndarray,
    used_tracks: np.ndarray,
) -> None:
    """Write the ground-truth sidecars: playlist themes, track themes and typed queries."""
    names = np.array([theme.name for theme in THEMES], dtype=object)
    themes = [[names[p]] if s < 0 else [names[p], names[s]] for p, s in zip(primary, secondary, strict=True)]
    write_parquet(
        pa.table(
            {
                "pid": pa.array(np.arange(primary.size), pa.int64()),
                "primary_theme": pa.array(names[primary].tolist(), pa.string()),
                "themes": pa.array(themes, pa.list_(pa.string())),
            }
        ),
        out_dir / "truth" / "playlists.parquet",
    )
    track_ids = np.flatnonzero(used_tracks)
    track_themes = np.searchsorted(catalogue.track_offsets, track_ids, side="right") - 1
    write_parquet(
        pa.table(
            {
                "track_uri": pa.array(_uris(seed, _SALT_TRACK_URI, track_ids, "track"), pa.string()),
                "theme": pa.array(names[track_themes].tolist(), pa.string()),
            }
        ),
        out_dir / "truth" / "tracks.parquet",
    )
    query, theme, kind = zip(*typed_queries(), strict=True)
    write_parquet(
        pa.table(
            {
                "query": pa.array(query, pa.string()),
                "theme": pa.array(theme, pa.string()),
                "kind": pa.array(kind, pa.string()),
            }
        ),
        out_dir / "truth" / "queries.parquet",
    )


def _title_stats(names: Iterable[str]) -> tuple[dict[str, Any], set[str]]:
    """Title statistics (raw and normalised) and the set of normalised titles."""
    raw = Counter(names)
    normalised: Counter[str] = Counter()
    for name, count in raw.items():
        normalised[normalise_title(name)] += count
    total = sum(raw.values())
    per_playlist = np.array(list(normalised.values()))

    def share(lo: int, hi: float) -> float:
        return round(float(per_playlist[(per_playlist >= lo) & (per_playlist <= hi)].sum()) / total, 4)

    return {
        "unique_names": len(raw),
        "unique_titles": len(normalised),
        "title_share_100plus": share(100, math.inf),
        "title_share_10_99": share(10, 99),
        "title_share_1_9": share(1, 9),
        "title_share_unique": share(1, 1),
        "top_titles": [[title, count] for title, count in normalised.most_common(10)],
    }, set(normalised)


def generate(
    out_dir: Path, n_playlists: int, seed: int, slice_size: int = 1000, progress: bool = False
) -> dict[str, Any]:
    """Write a synthetic MPD (slices under out_dir/mpd, ground truth under out_dir/truth); return its stats.

    Slices are named like the real MPD's (mpd.slice.0-999.json); `progress` shows a bar over slices. The
    folder out_dir/mpd is this function's own output and is replaced whole.
    Raises RuntimeError if a typed query happens to equal a generated title (a vocabulary bug).
    """
    out_dir = Path(out_dir)
    catalogue = catalogue_for(n_playlists)
    primary, secondary = np.zeros(n_playlists, np.int64), np.zeros(n_playlists, np.int64)
    lengths = np.zeros(n_playlists, np.int64)
    track_playlists = np.zeros(int(catalogue.track_offsets[-1]), dtype=np.int64)
    used_artists = np.zeros(int(catalogue.artist_offsets[-1]), dtype=bool)
    used_albums = np.zeros(int(catalogue.artist_offsets[-1]) * MAX_ALBUMS_PER_ARTIST, dtype=bool)
    names: list[str] = []
    with atomic_path(out_dir / "mpd", replace_dir=True) as mpd_dir:  # the generate stage's declared output
        mpd_dir.mkdir()
        for start in tqdm(range(0, n_playlists, slice_size), desc="slices", unit="slice", disable=not progress):
            size = min(slice_size, n_playlists - start)
            part = _generate_slice(seed, catalogue, n_playlists, start, size)
            (mpd_dir / f"mpd.slice.{start}-{start + size - 1}.json").write_text(part.text, encoding="utf-8")
            primary[start : start + size], secondary[start : start + size] = part.primary, part.secondary
            lengths[start : start + size] = part.lengths
            track_playlists += np.bincount(part.track_ids, minlength=track_playlists.size)
            used_artists[part.artist_ids] = True
            used_albums[part.album_ids] = True
            names += part.names
        titles, normalised = _title_stats(names)
        clashes = sorted(q for q, _, _ in typed_queries() if normalise_title(q) in normalised)
        if clashes:  # raised inside atomic_path, so no slices are published without valid ground truth
            raise RuntimeError(f"typed queries occur as titles: {clashes[:5]}")
    _write_truth(out_dir, seed, catalogue, primary, secondary, track_playlists > 0)
    return {
        "playlists": n_playlists,
        "items": int(lengths.sum()),
        "unique_tracks": int((track_playlists > 0).sum()),
        "tracks_in_one_playlist": int((track_playlists == 1).sum()),
        "top_track_playlists": int(track_playlists.max()),
        "unique_artists": int(used_artists.sum()),
        "unique_albums": int(used_albums.sum()),
        "catalogue_tracks": int(catalogue.track_offsets[-1]),
        "mean_length": round(float(lengths.mean()), 2),
        "median_length": float(np.median(lengths)),
        "min_length": int(lengths.min()),
        "max_length": int(lengths.max()),
        "mixed_share": round(float((secondary >= 0).mean()), 4),
        "typed_queries": len(typed_queries()),
        **titles,
    }
