"""Users and their taste (the realistic profile): who makes each playlist, and which artists they keep playing.

A slice's playlists belong to its own users (about PLAYLISTS_PER_USER each), so slices stay independent. A
user likes TASTE_THEMES themes and FAVOURITES artists drawn from them, flatter than the charts (users dig
deeper than the hits). Their playlists take a share of their artists from these favourites whatever the
playlist's theme, so the same artists recur across a user's workout, party and sad playlists, as they do in
real accounts; and a playlist's theme is one of the user's own themes more often than chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playlistrec.synth.catalogue import Catalogue, theme_probabilities
from playlistrec.synth.drawing import zipf_ranks
from playlistrec.synth.vocabulary import THEMES

PLAYLISTS_PER_USER = 3.0  # mean playlists a user makes (the slice's users share its playlists at random)
TASTE_THEMES = 2  # themes a user likes
FAVOURITES = 12  # favourite artists per user
FAVOURITE_OFFSET = 20.0  # Zipf-Mandelbrot offset over a theme's artists for favourites (larger = deeper)
OWN_THEME_SHARE = 0.5  # playlists whose primary theme is one of their user's themes
OVERLAP_SHARE = 0.3  # playlists with a second theme overlapping the first


@dataclass
class Users:
    """A slice's playlists' users: user index per playlist and favourite artist ids per user."""

    of_playlist: np.ndarray  # int64 [playlists]
    themes: np.ndarray  # int64 [users, TASTE_THEMES]
    favourites: np.ndarray  # int64 [users, FAVOURITES]: global artist ids


def draw_users(rng: np.random.Generator, catalogue: Catalogue, size: int) -> Users:
    """Users for `size` playlists: their themes (by theme weight) and favourite artists from those themes."""
    n_users = max(1, round(size / PLAYLISTS_PER_USER))
    of_playlist = rng.integers(n_users, size=size)
    themes = rng.choice(len(THEMES), size=(n_users, TASTE_THEMES), p=theme_probabilities())
    fav_themes = themes[np.arange(n_users)[:, None], rng.integers(TASTE_THEMES, size=(n_users, FAVOURITES))]
    local = zipf_ranks(rng.random(fav_themes.shape), catalogue.artist_sizes[fav_themes], FAVOURITE_OFFSET)
    return Users(of_playlist, themes, catalogue.artist_offsets[fav_themes] + local)


def draw_themes(rng: np.random.Generator, users: Users) -> tuple[np.ndarray, np.ndarray]:
    """(primary, secondary) theme per playlist; secondary -1 when the playlist has one theme.

    The primary is one of the user's themes with probability OWN_THEME_SHARE, else drawn by theme weight.
    """
    size = users.of_playlist.size
    p = theme_probabilities()
    own = users.themes[users.of_playlist, rng.integers(TASTE_THEMES, size=size)]
    primary = np.where(rng.random(size) < OWN_THEME_SHARE, own, rng.choice(len(THEMES), size=size, p=p))
    secondary = np.full(size, -1)
    todo = np.flatnonzero(rng.random(size) < OVERLAP_SHARE)
    while todo.size:  # redraw seconds equal to the primary
        secondary[todo] = rng.choice(len(THEMES), size=todo.size, p=p)
        todo = todo[secondary[todo] == primary[todo]]
    return primary, secondary
