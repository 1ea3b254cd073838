"""The title grammar as a recogniser, and the typed queries it can never produce (the encoders' test set)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from playlistrec.synth.vocabulary import (
    EMOJI_QUERY,
    GENERIC_EMOJI,
    JOINERS,
    NAMES,
    NOISE_TITLES,
    PARAPHRASES,
    PREFIXES,
    SUFFIXES,
    THEMES,
)
from playlistrec.text import normalise_title


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


def could_be_title(text: str) -> bool:
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
        candidates += [(next(c for c in combos if not could_be_title(c)), "combo")]
        queries += [(query, theme.name, kind) for query, kind in candidates if not could_be_title(query)]
    return queries
