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


class PinyinReader:
    """Reads pinyin typed instead of characters ("bu zhu duo shao") as the words it spells (补助 多少).

    Some phones cannot type Chinese at all; their owners spell it. The letters of a run of Latin words are
    split into vocabulary words by their toneless pinyin, preferring fewer, longer words; a letter no word
    explains is skipped at a cost, and a grade letter before "ji" ("c ji") reads as the grade (c级).
    """

    SKIP_COST = 3.0
    MAX_LETTERS = 24

    def __init__(self, vocabulary: Iterable[str], pinyin: Mapping[str, str]) -> None:
        self._words: dict[str, str] = {}
        for word in sorted(vocabulary, key=lambda w: (-len(w), w)):
            readings = [pinyin.get(ch) for ch in word]
            if all(readings) and len(word) >= 2:
                self._words.setdefault("".join(readings), word)  # type: ignore[arg-type]

    def read(self, letters: str) -> list[str]:
        """The words ``letters`` (lower-case a–z, no spaces) spell; [] when they spell nothing we know."""
        size = len(letters)
        best: list[tuple[float, list[str]] | None] = [None] * (size + 1)
        best[0] = (0.0, [])
        for start in range(size):
            if best[start] is None:
                continue
            cost, words = best[start]  # type: ignore[misc]
            for end in range(start + 1, min(size, start + self.MAX_LETTERS) + 1):
                word = self._words.get(letters[start:end])
                if word is not None:
                    candidate = (cost + 1.0, [*words, word])
                    if best[end] is None or candidate[0] < best[end][0]:  # type: ignore[index]
                        best[end] = candidate
            skipped = (cost + self.SKIP_COST, words)
            if best[start + 1] is None or skipped[0] < best[start + 1][0]:  # type: ignore[index]
                best[start + 1] = skipped
        final = best[size]
        return final[1] if final else []

    def replace_latin(self, tokens: list[str]) -> list[str]:
        """``tokens`` with each run of Latin-letter tokens replaced by the words its pinyin spells."""
        out: list[str] = []
        run: list[str] = []
        for token in [*tokens, ""]:
            if token.isascii() and token.isalpha():
                run.append(token.lower())
                continue
            out += self._read_run(run)
            run = []
            if token:
                out.append(token)
        return out

    def _read_run(self, run: list[str]) -> list[str]:
        if not run:
            return []
        words: list[str] = []
        pending: list[str] = []
        for index, token in enumerate(run):
            if len(token) == 1 and token in "abcd" and index + 1 < len(run) and run[index + 1] == "ji":
                words += [*self.read("".join(pending)), f"{token}级"]
                pending = []
                continue
            if token == "ji" and index > 0 and run[index - 1] in ("a", "b", "c", "d"):
                continue
            pending.append(token)
        return words + self.read("".join(pending))
