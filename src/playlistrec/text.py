"""Text normalisation shared by every stage: playlist titles and the text a track is embedded as."""

from __future__ import annotations

import unicodedata

_ZWJ = "\u200d"
# Code points that only decorate the emoji before them: zero-width joiner, variation selectors 15/16,
# the combining enclosing keycap and the five skin-tone modifiers (category Sk).
_EMOJI_MODIFIERS = frozenset("\u200d\ufe0e\ufe0f\u20e3" + "".join(map(chr, range(0x1F3FB, 0x1F400))))
# Tag characters (subdivision flags such as England's) and regional indicators (country flags, in pairs).
_TAGS = range(0xE0020, 0xE0080)
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
# An ASCII character is a letter, a digit, whitespace, a control (Cc), punctuation (P*) or a math, currency or
# modifier symbol (Sm/Sc/Sk), never an emoji: the ASCII fast path maps all but letters and digits to a space.
_ASCII_TO_SPACE = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def normalise_title(name: str) -> str:
    """Return the normalised form of a playlist title, the key titles are grouped, counted and matched by.

    Rules, in order:

    1. Unicode NFKC compatibility normalisation: full-width and "fancy font" letters become plain
       letters ("ｃｈｉｌｌ" and "𝓬𝓱𝓲𝓵𝓵" -> "chill"), ligatures split ("ﬁ" -> "fi"), and compatibility
       symbols expand ("™" -> "tm").
    2. Case folding (`str.casefold`, stronger than lower: "Straße" -> "strasse").
    3. Punctuation (every Unicode category P*: ASCII and e.g. "¿", "«", "、", "—") becomes a space, and so do
       math, currency and modifier symbols (Sm, Sc, Sk: "+", "$", "€", "^"). "r&b" -> "r b", "90's" -> "90 s".
    4. Other symbols (category So: emoji, "♥", "★", "©") are kept, each as a token of its own: "gym💪" ->
       "gym 💪", "💪💪" -> "💪 💪". An emoji keeps its modifiers (variation selectors, skin tones, keycap),
       zero-width-joiner sequences stay one token ("👨‍👩‍👧"), and two regional indicators form one flag
       token ("🇫🇷"). A modifier or joiner with no emoji before it is dropped.
    5. Control characters (Cc, e.g. tab and newline) and all Unicode whitespace become a space; other
       invisible format characters (Cf: zero-width space, soft hyphen, direction marks) are removed.
    6. Everything else is kept as is: letters and digits of every script (Latin, CJK, Cyrillic, Arabic,
       Hangul...) with their combining marks. Scripts written without spaces (CJK) stay one token. A
       combining mark with nothing to combine with (NFKC turns the accent "´" into space + mark) is dropped.
    7. Runs of spaces collapse to one and the ends are stripped, so an empty, whitespace-only or
       punctuation-only title normalises to "".
    """
    if name.isascii():  # fast path, same result as the general one (NFKC is the identity on ASCII)
        return " ".join(name.casefold().translate(_ASCII_TO_SPACE).split())
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join("".join(_spaced_characters(text)).split())


def _spaced_characters(text: str) -> list[str]:
    """Apply rules 3-6 of `normalise_title` character by character: spaces around emoji, none elsewhere."""
    out: list[str] = []
    in_emoji = False  # the last character kept belongs to an emoji token
    join_next = False  # a zero-width joiner is waiting for the emoji that continues the token
    open_flag = False  # the token is a single regional indicator, waiting for its pair
    for char in text:
        category = unicodedata.category(char)
        if char in _EMOJI_MODIFIERS or ord(char) in _TAGS:
            if in_emoji and char == _ZWJ:
                join_next = True
            elif in_emoji:
                out.append(char)
            continue
        if category == "So":
            regional = ord(char) in _REGIONAL_INDICATORS
            if in_emoji and (join_next or (open_flag and regional)):
                out.append(_ZWJ if join_next else "")
                open_flag = False
            else:
                out.append(" ")
                open_flag = regional
            out.append(char)
            in_emoji, join_next = True, False
            continue
        if in_emoji:
            out.append(" ")
            in_emoji = join_next = open_flag = False
        if category[0] == "P" or category in ("Sm", "Sc", "Sk", "Cc") or char.isspace():
            out.append(" ")
        elif category != "Cf" and not (category[0] == "M" and (not out or out[-1] == " ")):
            out.append(char)
    return out


def track_text(track_name: str, artist_name: str) -> str:
    """Return the text a track is embedded as: "track_name — artist_name" (ends stripped).

    The artist disambiguates common track names ("Intro", "Home") for the sentence encoder.
    """
    return f"{track_name.strip()} — {artist_name.strip()}"
