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


# The scripts by code point, one definition for the per-character tests and the counts.
_HANGUL = re.compile("[\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]")   # syllables, jamo, compatibility jamo
_HAN = re.compile("[\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF]")      # unified, extension A, compatibility
_LATIN = re.compile("[A-Za-z]")


def is_hangul(ch: str) -> bool:
    return _HANGUL.match(ch) is not None


def is_han(ch: str) -> bool:
    return _HAN.match(ch) is not None


def script_counts(text: str) -> tuple[int, int, int]:
    """How many Hangul, Han and Latin letters the text holds (regular expressions, because every reply's
    language is read this way)."""
    return len(_HANGUL.findall(text)), len(_HAN.findall(text)), len(_LATIN.findall(text))


def has_content(text: str) -> bool:
    """True when the message has a letter or digit of any script (emoji and punctuation alone do not)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
