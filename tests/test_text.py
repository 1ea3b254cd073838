"""Tests of title normalisation (one per documented rule) and of the text a track is embedded as."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playlistrec.text import _EMOJI_MODIFIERS, _spaced_characters, normalise_title, track_text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ｃｈｉｌｌ Ｖｉｂｅｓ", "chill vibes"),  # full-width letters
        ("𝓬𝓱𝓲𝓵𝓵 𝐯𝐢𝐛𝐞𝐬", "chill vibes"),  # mathematical "fancy font" letters
        ("ﬁre", "fire"),  # ligature
        ("Song™", "songtm"),  # compatibility symbol expands to letters
    ],
)
def test_nfkc_compatibility_forms_become_plain_letters(name: str, expected: str) -> None:
    assert normalise_title(name) == expected


def test_case_is_folded() -> None:
    assert normalise_title("Straße MIX") == "strasse mix"
    assert normalise_title("ΣΟΦΙΑ") == "σοφια"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Road Trip!!!", "road trip"),
        ("R&B/Soul", "r b soul"),
        ("90's", "90 s"),
        ("¿Qué pasa?", "qué pasa"),  # Spanish inverted marks (Po)
        ("rock—roll", "rock roll"),  # em dash (Pd)
        ("«chanson»", "chanson"),  # guillemets (Pi/Pf)
        ("「日本」、歌", "日本 歌"),  # CJK brackets and comma
        ("a+b=c<d", "a b c d"),  # math symbols (Sm)
        ("$5 €5 ¥5", "5 5 5"),  # currency (Sc)
        ("^_^ `x´", "x"),  # modifier symbols (Sk) and connector punctuation
    ],
)
def test_punctuation_and_math_currency_modifier_symbols_become_spaces(name: str, expected: str) -> None:
    assert normalise_title(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gym💪", "gym 💪"),
        ("💪gym💪💪time", "💪 gym 💪 💪 time"),
        ("💪💪💪", "💪 💪 💪"),
        ("♥love★", "♥ love ★"),  # other So symbols too
        ("©2020", "© 2020"),
        ("❤️love", "❤️ love"),  # variation selector stays with its emoji
        ("👍🏽ok", "👍🏽 ok"),  # skin tone stays with its emoji
        ("👨‍👩‍👧family", "👨‍👩‍👧 family"),  # zero-width-joiner sequence is one token
        ("🇫🇷🇺🇸trip", "🇫🇷 🇺🇸 trip"),  # regional indicators pair into flags
        ("x\u200d💪\ufe0f", "x 💪\ufe0f"),  # a joiner with no emoji before it is dropped
        ("💪\u200d", "💪"),  # and so is a dangling one
        ("1️⃣ one", "1 one"),  # keycap modifiers after a digit are dropped
    ],
)
def test_emoji_and_other_symbols_are_kept_as_their_own_tokens(name: str, expected: str) -> None:
    assert normalise_title(name) == expected


def test_emoji_only_title_is_kept() -> None:
    assert normalise_title("🔥🔥") == "🔥 🔥"


def test_controls_and_unicode_whitespace_become_spaces_format_characters_vanish() -> None:
    assert normalise_title("a\tb\nc\u00a0d\u3000e\u2028f") == "a b c d e f"
    assert normalise_title("zero\u200bwidth soft\u00adhyphen \u200fmark") == "zerowidth softhyphen mark"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Музыка для СПОРТА", "музыка для спорта"),
        ("日本語の歌", "日本語の歌"),  # no spaces in the script: one token
        ("힙합 Hip-Hop", "힙합 hip hop"),
        ("موسيقى هادئة!", "موسيقى هادئة"),
        ("हिन्दी गाने", "हिन्दी गाने"),  # combining vowel signs kept
        ("Café Olé", "café olé"),
    ],
)
def test_letters_of_every_script_are_kept(name: str, expected: str) -> None:
    assert normalise_title(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "!!!", "- - -", "\u200b"])
def test_empty_whitespace_or_punctuation_only_title_is_empty(name: str) -> None:
    assert normalise_title(name) == ""


def test_whitespace_collapses_and_ends_are_stripped() -> None:
    assert normalise_title("  summer   hits  2017 ") == "summer hits 2017"


@pytest.mark.parametrize("char", [chr(c) for c in range(128)])
def test_ascii_fast_path_agrees_with_general_path(char: str) -> None:
    # A trailing "é" forces the general (non-ASCII) path on the same characters.
    assert normalise_title(f"a{char}b") + "é" == normalise_title(f"a{char}bé")


@pytest.mark.parametrize("name", ["gym💪💪", "R&B / Soul", "👨‍👩‍👧🇫🇷x", "ｃｈｉｌｌ!!", "Музыка"])
def test_normalisation_is_idempotent(name: str) -> None:
    once = normalise_title(name)
    assert normalise_title(once) == once


def test_track_text_joins_track_and_artist_with_an_em_dash() -> None:
    assert track_text("Intro", "The xx") == "Intro — The xx"
    assert track_text(" Home ", "Edward Sharpe ") == "Home — Edward Sharpe"


# Any string at all: every Unicode category, lone surrogates included (what surrogateescape makes of
# undecodable bytes in argv, or what a JSON "\ud800" escape decodes to).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_normalise_title_never_fails_and_is_idempotent(name: str) -> None:
    title = normalise_title(name)
    assert normalise_title(title) == title
    assert title == title.strip() and "  " not in title
    assert not any(token[0] in _EMOJI_MODIFIERS for token in title.split())  # a modifier only follows its emoji
    # spaces only between tokens; an emoji keeps its skin-tone modifiers (category Sk)
    left = {unicodedata.category(c) for c in title.replace(" ", "") if c not in _EMOJI_MODIFIERS}
    assert not {category for category in left if category[0] in "PZ" or category in ("Cc", "Cf", "Sm", "Sc", "Sk")}


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=127), max_size=60))
def test_the_ascii_fast_path_equals_the_general_rules(name: str) -> None:
    general = " ".join("".join(_spaced_characters(unicodedata.normalize("NFKC", name).casefold())).split())
    assert normalise_title(name) == general
