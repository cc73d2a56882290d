"""Colloquial words → canonical tokens, and the stopwords dropped after mapping (content/nlu/synonyms.yaml).

Applied to the FAQ and to the question alike, so "俺家房子裂了能补多少钱" and "危房补助多少" meet on the same
tokens without the FAQ having to list every way a farmer says a thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.faq.data import read_yaml
from content import CONTENT_DIR

SYNONYMS = CONTENT_DIR / "nlu" / "synonyms.yaml"


@dataclass(frozen=True)
class Synonyms:
    mapping: dict[str, tuple[str, ...]]   # variant → canonical tokens
    stopwords: frozenset[str]
    korean: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Korean term → canonical tokens
    question_words: frozenset[str] = frozenset()
    english: dict[str, tuple[str, ...]] = field(default_factory=dict)  # English phrase → canonical tokens
    english_stopwords: frozenset[str] = frozenset()
    _korean_max: int = 0

    def apply(self, tokens: Iterable[str]) -> list[str]:
        """Each token replaced by its canonical tokens, stopwords (after mapping) dropped."""
        out: list[str] = []
        for token in tokens:
            for canonical in self.mapping.get(token, (token,)):
                if canonical not in self.stopwords:
                    out.append(canonical)
        return out

    def korean_tokens(self, text: str) -> list[str]:
        """Canonical tokens for the Korean glossary terms in ``text``, longest match first, left to right.

        Korean attaches particles to words ("보조금은", "공시는"), so terms are found inside words.
        """
        found: list[str] = []
        position = 0
        while position < len(text):
            for size in range(min(self._korean_max, len(text) - position), 0, -1):
                canonical = self.korean.get(text[position : position + size])
                if canonical is not None:
                    found.extend(token for token in canonical if token not in self.stopwords)
                    position += size
                    break
            else:
                position += 1
        return found

    def words(self) -> set[str]:
        """Every variant and canonical token, so the segmenter knows them as words."""
        found = set(self.mapping)
        for canonical in self.mapping.values():
            found.update(canonical)
        return found


def load_synonyms(path: Path = SYNONYMS) -> Synonyms:
    """Read and check the synonym file: a variant (Chinese, Korean or English) may belong to one group only."""
    raw = read_yaml(path) or {}
    mapping: dict[str, tuple[str, ...]] = {}
    for group in raw.get("groups", []):
        canonical = tuple(str(group["canonical"]).casefold().split())
        if not canonical:
            raise ValueError(f"{path.name}: a group has an empty canonical form")
        for variant in (str(v).casefold() for v in group.get("variants", [])):
            if variant in mapping and mapping[variant] != canonical:
                groups = f"{mapping[variant]} and {canonical}"
                raise ValueError(f"{path.name}: {variant!r} is in two groups ({groups})")
            mapping[variant] = canonical
    stopwords = frozenset(str(word).casefold() for word in raw.get("stopwords", []))
    korean: dict[str, tuple[str, ...]] = {}
    for group in raw.get("korean", []):
        canonical = tuple(str(group["canonical"]).casefold().split())
        for term in _strings(group.get("ko", []), path):
            # A term listed twice is refused even with the same canonical form: the later line used to win
            # silently, so the glossary said one thing and the matcher did another (단열: 节能 or 保温?).
            if term in korean:
                raise ValueError(f"{path.name}: Korean {term!r} is listed twice ({korean[term]} and {canonical})")
            korean[term] = canonical
    english: dict[str, tuple[str, ...]] = {}
    for group in raw.get("english", []):
        canonical = tuple(str(group["canonical"]).casefold().split())
        for term in _strings(group.get("en", []), path):
            phrase = " ".join(term.casefold().split())
            if phrase in english and english[phrase] != canonical:
                raise ValueError(f"{path.name}: English {phrase!r} is in two groups")
            english[phrase] = canonical
    question_words = frozenset(str(word).casefold() for word in raw.get("question_words", []))
    return Synonyms(mapping=mapping, stopwords=stopwords, korean=korean, question_words=question_words,
                    english=english,
                    english_stopwords=frozenset(w.casefold() for w in _strings(raw.get("english_stopwords", []), path)),
                    _korean_max=max((len(term) for term in korean), default=0))


def _strings(values: list[object], path: Path) -> list[str]:
    """``values`` as strings; YAML reads a bare on/off/yes/no as a boolean, which would silently vanish."""
    wrong = [value for value in values if not isinstance(value, str)]
    if wrong:
        raise ValueError(f"{path.name}: quote {wrong!r} (YAML read them as {type(wrong[0]).__name__})")
    return [str(value) for value in values]
