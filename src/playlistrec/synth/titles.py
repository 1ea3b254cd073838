"""Playlist titles: a theme keyword with shared modifiers, case, emoji and punctuation, or a noise title."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from playlistrec.synth.vocabulary import (
    GENERIC_EMOJI,
    JOINERS,
    NAMES,
    NOISE_TITLES,
    PREFIXES,
    PUNCTUATION,
    SUFFIXES,
    Theme,
)

KEYWORD_EXPONENT = 1.6  # Zipf exponent over a theme's keywords (the first is the head title)
MODIFIER_EXPONENT = 1.2  # Zipf exponent over prefixes, suffixes, names and noise titles
PREFIX_SHARE, SUFFIX_SHARE, EMOJI_SHARE, PUNCT_SHARE = 0.05, 0.10, 0.03, 0.12
PAIR_TITLE_SHARE = 0.15  # mixed playlists titled with both themes' keywords ("country & rap")


@lru_cache(maxsize=256)
def zipf_cdf(size: int, exponent: float) -> np.ndarray:
    """Normalised CDF of P(i) ~ (i + 1) ** -exponent over `size` options (cached: every title uses it)."""
    cdf = np.cumsum(np.arange(1, size + 1, dtype=np.float64) ** -exponent)
    return cdf / cdf[-1]


def zipf_pick(options: tuple[str, ...], u: float, exponent: float) -> str:
    """Pick from `options` (most frequent first) with P(i) ~ (i + 1) ** -exponent, using the uniform `u`."""
    return options[min(int(np.searchsorted(zipf_cdf(len(options), exponent), u, side="right")), len(options) - 1)]


def case_title(title: str, u: float) -> str:
    """Write a title the way people do: mostly lower case, often capitalised, sometimes shouted."""
    if u < 0.55:
        return title
    if u < 0.85:
        return " ".join(word[:1].upper() + word[1:] for word in title.split(" "))
    if u < 0.95:
        return title.upper()
    return title[:1].upper() + title[1:]


def compose_title(primary: Theme, secondary: Theme | None, noise: bool, u: np.ndarray) -> str:
    """Compose a playlist title from 10 uniforms: keyword(s) + optional shared modifiers, case and emoji."""
    name = zipf_pick(NAMES, u[9], MODIFIER_EXPONENT)
    if noise:
        return case_title(zipf_pick(NOISE_TITLES, u[0], MODIFIER_EXPONENT).format(name=name), u[8])
    title = zipf_pick(primary.keywords, u[0], KEYWORD_EXPONENT)
    if secondary is not None and u[1] < PAIR_TITLE_SHARE:
        joiner = JOINERS[int(u[2] * len(JOINERS))]
        title += joiner + zipf_pick(secondary.keywords, u[2] * len(JOINERS) % 1, KEYWORD_EXPONENT)
    if u[3] < PREFIX_SHARE:
        title = zipf_pick(PREFIXES, u[3] / PREFIX_SHARE, MODIFIER_EXPONENT).format(name=name) + " " + title
    if u[4] < SUFFIX_SHARE:
        title += " " + zipf_pick(SUFFIXES, u[4] / SUFFIX_SHARE, MODIFIER_EXPONENT).format(name=name)
    if u[5] < EMOJI_SHARE:
        title += " " + (primary.emoji if u[5] < EMOJI_SHARE / 2 else GENERIC_EMOJI[int(u[6] * len(GENERIC_EMOJI))])
    if u[7] < PUNCT_SHARE:
        title += PUNCTUATION[int(u[7] / PUNCT_SHARE * len(PUNCTUATION))]
    return case_title(title, u[8])
