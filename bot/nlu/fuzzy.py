"""Typos and homophones: what a pinyin keyboard or a basic phone's predictive text makes of a word.

A farmer who types "维房" or "公式" meant 危房 or 公示: same pinyin, wrong character. ``Homophones`` finds
every 2-4 character window of the message whose toneless pinyin equals that of a word in our vocabulary.
``closest`` (rapidfuzz) scores a message against the FAQ's phrasings character by character, which survives a
dropped or swapped character that no segmentation would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process

MIN_WORD, MAX_WORD = 2, 4


class Homophones:
    """Vocabulary words by their toneless pinyin ("wei fang" → {"危房"})."""

    def __init__(self, vocabulary: Iterable[str], pinyin: Mapping[str, str]) -> None:
        self._pinyin = pinyin
        self._by_sound: dict[str, set[str]] = {}
        for word in vocabulary:
            if MIN_WORD <= len(word) <= MAX_WORD:
                sound = self.sound(word)
                if sound:
                    self._by_sound.setdefault(sound, set()).add(word)

    def sound(self, text: str) -> str | None:
        """Space-separated toneless pinyin, or None when a character has no reading (not Han)."""
        readings = [self._pinyin.get(ch) for ch in text]
        return None if any(r is None for r in readings) else " ".join(readings)  # type: ignore[misc]

    def repairs(self, run: str) -> list[tuple[int, int, str]]:
        """(start, end, word) for each window of ``run`` that sounds like a vocabulary word it is not."""
        found: list[tuple[int, int, str]] = []
        for size in range(MAX_WORD, MIN_WORD - 1, -1):
            for start in range(len(run) - size + 1):
                window = run[start : start + size]
                for word in sorted(self._by_sound.get(self.sound(window) or "", ())):
                    if word != window:
                        found.append((start, start + size, word))
        return found


def closest(query: str, phrasings: Sequence[str], limit: int = 5) -> list[tuple[int, float]]:
    """(index into ``phrasings``, similarity 0–1) of the nearest phrasings by character edit distance."""
    if not query or not phrasings:
        return []
    hits = process.extract(query, phrasings, scorer=fuzz.ratio, limit=limit)
    return [(index, score / 100.0) for _, score, index in hits]
