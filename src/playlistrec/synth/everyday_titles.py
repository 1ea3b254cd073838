"""Titles of the realistic profile: many say little about the content, the rest vary a theme keyword freely.

People title playlists for themselves. A share PERSONAL_SHARE of titles carry no theme at all: a person's name
("jess", "for mom", "maddie + logan"), a date ("june 2016", "fall 15", "3/14"), one to three emoji, an inside
joke (one or two odd words: "pickle squad", "zoomies"), or a generic label ("my playlist", "stuff"). The
others name one of the playlist's themes like the clean profile's titles, but with flatter keyword choice and
more modifiers, so few titles repeat exactly. The same user tends to reuse a habit (their name, their emoji),
which a uniform per playlist models only roughly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from playlistrec.synth.grammar import typed_queries
from playlistrec.synth.titles import TitleStyle, case_title, compose_title, zipf_pick
from playlistrec.synth.vocabulary import (
    GENERIC_EMOJI,
    JOKE_WORDS,
    MONTHS,
    NOISE_TITLES,
    PEOPLE,
    SEASONS,
    THEMES,
    Theme,
)
from playlistrec.text import normalise_title

PERSONAL_SHARE = 0.45  # titles that name no theme (people, dates, emoji, jokes, generic labels)
# Kinds of personal title and their cumulative probabilities: person, date, emoji, joke, generic.
PERSONAL_KINDS = np.cumsum([0.22, 0.18, 0.12, 0.33, 0.15])
EVERYDAY_STYLE = TitleStyle(keyword_exponent=0.3, prefix=0.25, suffix=0.45, emoji=0.1, punctuation=0.2, pair=0.3)
YEARS = tuple(range(2010, 2018))
_EMOJI = tuple(theme.emoji for theme in THEMES) + GENERIC_EMOJI


@lru_cache(maxsize=1)
def joke_words() -> tuple[str, ...]:
    """JOKE_WORDS less any word of a typed query or a theme keyword, so a joke never names a theme or a query."""
    taken = {word for query, _, _ in typed_queries() for word in normalise_title(query).split()}
    taken |= {word for theme in THEMES for kw in theme.keywords for word in normalise_title(kw).split()}
    return tuple(word for word in JOKE_WORDS if word not in taken)


def _pick(options: tuple, u: float) -> object:
    """A uniform pick from `options`."""
    return options[min(int(u * len(options)), len(options) - 1)]


def _personal_title(u: np.ndarray) -> str:
    """A title that names no theme, from 10 uniforms."""
    kind = int(np.searchsorted(PERSONAL_KINDS, u[0] * PERSONAL_KINDS[-1], side="right"))
    person, other = zipf_pick(PEOPLE, u[1], 0.8), _pick(PEOPLE, u[2])
    if kind == 0:
        forms = (person, f"{person}'s playlist", f"for {person}", f"{person} + {other}", f"{person}'s mix")
        title = str(_pick(forms, u[3]))
    elif kind == 1:
        year = int(_pick(YEARS, u[2]))
        forms = (
            f"{_pick(MONTHS, u[1])} {year}",
            f"{_pick(SEASONS, u[1])} {year % 100}",
            f"{1 + int(u[1] * 12)}/{1 + int(u[4] * 28)}",
            f"{_pick(MONTHS, u[1])}",
            f"{year}",
        )
        title = str(_pick(forms, u[3]))
    elif kind == 2:
        title = "".join(str(_pick(_EMOJI, x)) for x in u[1 : 2 + int(u[3] * 3)])
    elif kind == 3:
        words = joke_words()
        title = " ".join(str(_pick(words, x)) for x in u[1 : 2 + int(u[3] * 2)])
    else:
        title = zipf_pick(NOISE_TITLES, u[1], 0.5).format(name=person)
    return case_title(title, u[8])


def everyday_title(primary: Theme, secondary: Theme | None, u: np.ndarray) -> str:
    """A realistic title from 11 uniforms: personal with probability PERSONAL_SHARE, else a themed one."""
    if u[10] < PERSONAL_SHARE:
        return _personal_title(u)
    return compose_title(primary, secondary, False, u, EVERYDAY_STYLE)
