"""Text as the engine matches it: one form for what a farmer may type on any phone.

Basic phones and Chinese IMEs send full-width digits (１２３), ideographic spaces and stray control
characters; NFKC folds them so "１" and "1" choose the same option. Matching never needs more than a few
hundred characters, so a 5,000-character message costs no more than a short one.
"""

from __future__ import annotations

import re
import unicodedata

MAX_MATCH_CHARS = 300

_SPACES = re.compile(r"\s+")
# Punctuation around a keyword or a number ("1。", "菜单!", "menu?") that does not change its meaning.
_EDGE_PUNCT = " \t.,;:!?~-_'\"。，、；：！？…·～（）()【】[]「」《》<>*#"


def normalize(text: str | None) -> str:
    """NFKC (full-width → half-width), control characters removed, spaces collapsed, trimmed, capped."""
    folded = unicodedata.normalize("NFKC", (text or "")[: MAX_MATCH_CHARS * 4])
    visible = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in folded)
    return _SPACES.sub(" ", visible).strip()[:MAX_MATCH_CHARS]


def token(text: str) -> str:
    """What a keyword or option key is compared with: no edge punctuation, case-folded."""
    return text.strip(_EDGE_PUNCT).casefold()


def is_hangul(ch: str) -> bool:
    code = ord(ch)
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def is_han(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


_HANGUL = re.compile("[\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]")
_HAN = re.compile("[\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF]")
_LATIN = re.compile("[A-Za-z]")


def script_counts(text: str) -> tuple[int, int, int]:
    """How many Hangul, Han and Latin letters the text holds (the ranges of ``is_hangul`` and ``is_han``;
    regular expressions, because every reply's language is read this way)."""
    return len(_HANGUL.findall(text)), len(_HAN.findall(text)), len(_LATIN.findall(text))


def has_content(text: str) -> bool:
    """True when the message has a letter or digit of any script (emoji and punctuation alone do not)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
