"""Colloquial words → canonical tokens, and the stopwords dropped after mapping (content/nlu/synonyms.yaml).

Applied to the FAQ and to the question alike, so "俺家房子裂了能补多少钱" and "危房补助多少" meet on the same
tokens without the FAQ having to list every way a farmer says a thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.nlu.data import read_yaml
from content import CONTENT_DIR

SYNONYMS = CONTENT_DIR / "nlu" / "synonyms.yaml"


@dataclass(frozen=True)
class Synonyms:
    mapping: dict[str, tuple[str, ...]]   # variant → canonical tokens
    stopwords: frozenset[str]

    def apply(self, tokens: Iterable[str]) -> list[str]:
        """Each token replaced by its canonical tokens, stopwords (after mapping) dropped."""
        out: list[str] = []
        for token in tokens:
            for canonical in self.mapping.get(token, (token,)):
                if canonical not in self.stopwords:
                    out.append(canonical)
        return out

    def words(self) -> set[str]:
        """Every variant and canonical token, so the segmenter knows them as words."""
        found = set(self.mapping)
        for canonical in self.mapping.values():
            found.update(canonical)
        return found


def load_synonyms(path: Path = SYNONYMS) -> Synonyms:
    """Read and check the synonym file: a variant may belong to one group only."""
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
    return Synonyms(mapping=mapping, stopwords=stopwords)
