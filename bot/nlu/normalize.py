"""Text as retrieval sees it: the engine's normal form, case-folded, punctuation turned into spaces.

Punctuation becomes a space rather than vanishing so that "补助，多少" does not glue two words into one that
the segmenter never saw.
"""

from __future__ import annotations

import re
import unicodedata

from bot.engine.normalize import MAX_MATCH_CHARS, is_han, is_hangul

_SPACE_RUN = re.compile(r"\s+")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_GRADE_KO = re.compile(r"([a-dA-D])\s*급")
_AMOUNT = re.compile(r"(?:\d+(?:\.\d+)?|[一两二三四五六七八九十几]+)\s*(?:万元|万块|万|千元|千块|元|块钱|块)")


def fold(text: str | None, limit: int | None = MAX_MATCH_CHARS) -> str:
    """NFKC, case-folded, punctuation, symbols and control characters turned into single spaces.

    A message is cut to ``limit`` characters like the engine's matching (a question never needs more); content
    being indexed passes ``limit=None``.
    """
    raw = text or ""
    if limit is not None:
        raw = raw[: limit * 4]
    folded = _DECIMAL.sub("\x00", unicodedata.normalize("NFKC", raw).casefold())  # keep "1.4" whole
    chars = (" " if unicodedata.category(ch)[0] in "PSZC" and ch != "\x00" else ch for ch in folded)
    spaced = _SPACE_RUN.sub(" ", "".join(chars)).strip().replace("\x00", ".")
    return spaced if limit is None else spaced[:limit]


def has_hangul(text: str) -> bool:
    return any(is_hangul(ch) for ch in text)


def without_hangul(text: str) -> str:
    """``text`` with Korean words blanked out; a grade written the Korean way ("C급") becomes "c级"."""
    text = _GRADE_KO.sub(lambda m: m.group(1).lower() + "级", text)
    return _SPACE_RUN.sub(" ", "".join(" " if is_hangul(ch) else ch for ch in text)).strip()


def amounts_as_words(text: str) -> str:
    """A sum of money ("1.4万", "14000元", "两万块") becomes the words for asking about money ("多少钱").

    The FAQ's phrasings ask "补多少"; a farmer checks a figure he heard. Both ask about the amount.
    """
    return _AMOUNT.sub(" 多少钱 ", text)


def han_runs(text: str) -> list[str]:
    """The maximal runs of Chinese characters in ``text`` ("俺家 房子裂了!" → ["俺家", "房子裂了"])."""
    runs: list[str] = []
    current: list[str] = []
    for ch in text:
        if is_han(ch):
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each Han run (a single character stands for itself)."""
    grams: list[str] = []
    for run in han_runs(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams
