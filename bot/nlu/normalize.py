"""Text as retrieval sees it: the engine's normal form, case-folded, punctuation turned into spaces.

Punctuation becomes a space rather than vanishing so that "补助，多少" does not glue two words into one that
the segmenter never saw.
"""

from __future__ import annotations

import re
import unicodedata

from bot.engine.normalize import MAX_MATCH_CHARS, is_han

_SPACE_RUN = re.compile(r"\s+")


def fold(text: str | None, limit: int | None = MAX_MATCH_CHARS) -> str:
    """NFKC, case-folded, punctuation, symbols and control characters turned into single spaces.

    A message is cut to ``limit`` characters like the engine's matching (a question never needs more); content
    being indexed passes ``limit=None``.
    """
    raw = text or ""
    if limit is not None:
        raw = raw[: limit * 4]
    folded = unicodedata.normalize("NFKC", raw).casefold()
    chars = (" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in folded)
    spaced = _SPACE_RUN.sub(" ", "".join(chars)).strip()
    return spaced if limit is None else spaced[:limit]


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
