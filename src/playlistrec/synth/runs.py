"""Drawing a realistic playlist's tracks as runs of one artist: picks of an artist, each followed by its next tracks.

A playlist is a sequence of picks. Each pick chooses an artist: one of the user's favourites (FAVOURITE_SHARE,
whatever the playlist's theme), a stray from any theme (STRAY_SHARE), or an artist of the playlist's themes by
popularity (a power law over the theme's artists, the playlist's own steepness). The pick then takes a run of
consecutive tracks of that artist's discography (geometric, mean RUN_MEAN): from one of its hits, or from a
random album's start (ALBUM_RUN_SHARE), so artist and album runs appear as in real playlists. Deep
discographies make the long tail: most of a big catalogue's tracks are drawn by one or two playlists.
"""

from __future__ import annotations

import numpy as np

from playlistrec.synth.catalogue import ALBUM_TRACKS, Catalogue, theme_probabilities
from playlistrec.synth.drawing import MIN_LEN, draw_lengths, first_distinct, power_ranks
from playlistrec.synth.taste import Users
from playlistrec.synth.vocabulary import THEMES

# The MPD's length law: a log-normal truncated to [5, 250] with a mean of 66.3 tracks (median ~49).
MPD_LENGTH_MEAN, MPD_LENGTH_SIGMA = 81.0, 0.95
FAVOURITE_SHARE = 0.25  # picks from the user's favourite artists
STRAY_SHARE = 0.05  # picks from an artist of any theme
# Picks of a hit: an artist of the pick's own theme, as any theme pick, then one of its top tracks. Hits are
# popular within a theme's community, not across all playlists: with hits drawn from every theme's charts
# whatever the playlist, `popular` out-scored every title model and the blend reached only 1.04x popular
# (real playlists: 3.4x); with the theme's own hits, 4.2x (README, the method ladder).
CHART_SHARE = 0.4
CHART_STEEPNESS = 1.9  # power-law exponent over an artist's tracks for a hit pick
DEEP_SHARE = 0.1  # deep cuts: any artist of the theme, any of its tracks (the long tail: mostly held once)
RUN_MEAN = 1.8  # mean tracks per pick (a geometric run)
ALBUM_RUN_SHARE = 0.15  # runs that start at an album's first track rather than at one of the artist's hits
# Ranges of a playlist's power-law exponent over a theme's artists and an artist's tracks (large = the hits).
ARTIST_STEEPNESS = (1.1, 1.6)
TRACK_STEEPNESS = (1.2, 2.0)


def realistic_lengths(rng: np.random.Generator, size: int) -> np.ndarray:
    """Playlist lengths with the MPD's distribution (the same at every dataset size)."""
    return draw_lengths(rng, size, MPD_LENGTH_MEAN, MPD_LENGTH_SIGMA)


def _pick_artists(
    rng: np.random.Generator,
    catalogue: Catalogue,
    users: Users,
    primary: np.ndarray,
    secondary: np.ndarray,
    owner: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Artist id of each pick (owner = the pick's playlist): favourite, stray or theme artist by popularity.

    Also returns which picks are hit picks (they take one of the artist's top tracks, not a run).
    """
    n = primary.size
    p_primary = np.where(secondary >= 0, rng.uniform(0.5, 0.8, n), 1.0)
    steepness = rng.uniform(*ARTIST_STEEPNESS, n)
    themes = np.where(rng.random(owner.size) < p_primary[owner], primary[owner], secondary[owner])
    source = rng.random(owner.size)
    stray = source < STRAY_SHARE
    themes[stray] = rng.choice(len(THEMES), size=int(stray.sum()), p=theme_probabilities())
    local = power_ranks(rng.random(owner.size), catalogue.artist_sizes[themes], steepness[owner])
    deep = rng.random(owner.size) < DEEP_SHARE
    local[deep] = (rng.random(int(deep.sum())) * catalogue.artist_sizes[themes[deep]]).astype(np.int64)
    artists = catalogue.artist_offsets[themes] + local
    chart = (source >= STRAY_SHARE) & (source < STRAY_SHARE + CHART_SHARE)
    favourite = source >= 1 - FAVOURITE_SHARE
    choice = rng.integers(users.favourites.shape[1], size=int(favourite.sum()))
    artists[favourite] = users.favourites[users.of_playlist[owner[favourite]], choice]
    return artists, chart


def draw_runs(
    rng: np.random.Generator,
    catalogue: Catalogue,
    users: Users,
    primary: np.ndarray,
    secondary: np.ndarray,
    lengths: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw each playlist's tracks as artist runs; return (offsets, global track ids), no repeats in a playlist.

    Each playlist over-draws picks for 1.5x its length + 10 tracks, keeps first occurrences and truncates to
    its length.
    """
    assert catalogue.artist_tracks is not None, "runs need a discography catalogue"
    n = primary.size
    picks = np.ceil((lengths * 1.5 + 10) / RUN_MEAN).astype(np.int64)
    owner = np.repeat(np.arange(n), picks)
    artists, chart = _pick_artists(rng, catalogue, users, primary, secondary, owner)
    first = catalogue.artist_tracks[artists]
    size = catalogue.artist_tracks[artists + 1] - first
    steepness = np.where(chart, CHART_STEEPNESS, rng.uniform(*TRACK_STEEPNESS, n)[owner])
    hit = power_ranks(rng.random(owner.size), size, steepness)
    deep = rng.random(owner.size) < DEEP_SHARE
    hit[deep] = (rng.random(int(deep.sum())) * size[deep]).astype(np.int64)
    album = rng.integers(0, (size + ALBUM_TRACKS - 1) // ALBUM_TRACKS) * ALBUM_TRACKS
    start = np.where((rng.random(owner.size) < ALBUM_RUN_SHARE) & ~chart, album, hit)
    run = np.where(chart, 1, np.minimum(rng.geometric(1 / RUN_MEAN, owner.size), size))
    pick = np.repeat(np.arange(owner.size), run)
    step = np.arange(pick.size) - np.repeat(np.cumsum(run) - run, run)
    ids = first[pick] + (start[pick] + step) % size[pick]
    offsets, kept = first_distinct(owner[pick], ids, lengths, int(catalogue.track_offsets[-1]))
    if np.diff(offsets).min() < MIN_LEN:
        raise RuntimeError(f"a playlist got only {np.diff(offsets).min()} distinct tracks")
    return offsets, kept
