"""Playlist titles: a theme keyword with shared modifiers, case, emoji and punctuation, or a noise title."""

from __future__ import annotations

from dataclasses import dataclass
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

MODIFIER_EXPONENT = 1.2  # Zipf exponent over prefixes, suffixes, names and noise titles


@dataclass(frozen=True)
class TitleStyle:
    """How often a themed title gets each modifier, and how strongly it prefers the theme's head keyword."""

    keyword_exponent: float = 1.6  # Zipf exponent over a theme's keywords (the first is the head title)
    prefix: float = 0.05
    suffix: float = 0.10
    emoji: float = 0.03
    punctuation: float = 0.12
    pair: float = 0.15  # mixed playlists titled with both themes' keywords ("country & rap")


CLEAN_STYLE = TitleStyle()


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


def compose_title(
    primary: Theme, secondary: Theme | None, noise: bool, u: np.ndarray, style: TitleStyle = CLEAN_STYLE
) -> str:
    """Compose a playlist title from 10 uniforms: keyword(s) + optional shared modifiers, case and emoji."""
    name = zipf_pick(NAMES, u[9], MODIFIER_EXPONENT)
    if noise:
        return case_title(zipf_pick(NOISE_TITLES, u[0], MODIFIER_EXPONENT).format(name=name), u[8])
    title = zipf_pick(primary.keywords, u[0], style.keyword_exponent)
    if secondary is not None and u[1] < style.pair:
        joiner = JOINERS[int(u[2] * len(JOINERS))]
        title += joiner + zipf_pick(secondary.keywords, u[2] * len(JOINERS) % 1, style.keyword_exponent)
    if u[3] < style.prefix:
        title = zipf_pick(PREFIXES, u[3] / style.prefix, MODIFIER_EXPONENT).format(name=name) + " " + title
    if u[4] < style.suffix:
        title += " " + zipf_pick(SUFFIXES, u[4] / style.suffix, MODIFIER_EXPONENT).format(name=name)
    if u[5] < style.emoji:
        title += " " + (primary.emoji if u[5] < style.emoji / 2 else GENERIC_EMOJI[int(u[6] * len(GENERIC_EMOJI))])
    if u[7] < style.punctuation:
        title += PUNCTUATION[int(u[7] / style.punctuation * len(PUNCTUATION))]
    return case_title(title, u[8])
