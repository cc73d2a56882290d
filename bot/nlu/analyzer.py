"""From a message to the tokens retrieval compares: fold, segment, map synonyms, repair homophones.

The index and the question go through the same steps, except that only a question gets homophone repair: the
FAQ is spelled right, a farmer's phone may not be.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.engine.normalize import is_han
from bot.nlu import normalize
from bot.nlu.english import EnglishGlossary, Reading
from bot.nlu.fuzzy import Homophones
from bot.nlu.lexicon import load_lexicon
from bot.nlu.scope import ScopeRules, load_rules, not_places
from bot.nlu.synonyms import SYNONYMS, Synonyms, load_synonyms
from bot.nlu.tokenizer import USERDICT, Segmenter, segmenter_words
from content import CONTENT_DIR


class _Indexed(Protocol):
    title: str
    questions: list[str]


@dataclass
class Analyzer:
    segmenter: Segmenter
    synonyms: Synonyms
    pinyin: Mapping[str, str]
    glossary: EnglishGlossary

    @staticmethod
    def fold(text: str) -> str:
        return normalize.fold(text)

    def surface(self, text: str, limit: int | None = None, content: bool = False) -> list[str]:
        """The words of ``text`` as segmented, before synonyms; Korean is left out (see ``korean``).

        ``content`` marks the FAQ's own text, whose segmentation is remembered across processes.
        """
        text = normalize.amounts_as_words(normalize.without_hangul(normalize.fold(text, limit=limit)))
        return self.segmenter.cut_content(text) if content else self.segmenter.cut(text)

    def korean(self, text: str) -> list[str]:
        """Canonical tokens for the Korean in ``text``, through the glossary in synonyms.yaml."""
        return self.synonyms.korean_tokens(normalize.fold(text)) if normalize.has_hangul(text) else []

    def english(self, text: str) -> Reading | None:
        """The glossary's reading of ``text`` when it is English (not pinyin, not Chinese), else None."""
        return self.glossary.read(text) if self.glossary.is_english(text) else None

    def canonical(self, surface: list[str]) -> list[str]:
        return self.synonyms.apply(surface)

    def tokens(self, text: str, content: bool = False) -> list[str]:
        """Canonical tokens of ``text`` (folded, segmented, synonyms mapped, stopwords dropped)."""
        return self.canonical(self.surface(text, content=content))

    @staticmethod
    def repair(surface: list[str], homophones: Homophones) -> list[str]:
        """``surface`` with runs of stray single characters replaced by the words they sound like ("维房" →
        危房).

        A mistyped word is not in the dictionary, so it falls apart into single characters; only there is a
        homophone looked for, and only among words the index holds.
        """
        tokens = list(surface)
        for start, end in _single_char_runs(tokens):
            fixes = homophones.repairs("".join(tokens[start:end]))
            covered = {start + i for first, last, _ in fixes for i in range(first, last)}
            for index in covered:
                tokens[index] = ""
            for first, _, word in fixes:  # the word takes the place of its first character, keeping the order
                tokens[start + first] += (" " if tokens[start + first] else "") + word
        return [word for token in tokens for word in token.split(" ") if word]

    @staticmethod
    def bigrams(tokens: Iterable[str]) -> list[str]:
        return normalize.bigrams("".join(tokens))


def _single_char_runs(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) of runs of two or more one-character Han tokens: where a mistyped word falls apart."""
    runs: list[tuple[int, int]] = []
    start = None
    for index, token in enumerate([*tokens, ""]):
        single = len(token) == 1 and is_han(token)
        if single and start is None:
            start = index
        elif not single and start is not None:
            if index - start >= 2:
                runs.append((start, index))
            start = None
    return runs


def content_text(entries: Iterable[_Indexed]) -> str:
    """All text the segmenter must know the words of: the FAQ and our own NLU files."""
    parts: list[str] = []
    for entry in entries:
        parts += [entry.title, *entry.questions]
        for answer in getattr(entry, "answers", ()):
            parts += [getattr(answer, "text", "") or "", getattr(answer, "detail", "") or ""]
    for path in (SYNONYMS, USERDICT, CONTENT_DIR / "nlu" / "out_of_scope.yaml"):
        parts.append(path.read_text(encoding="utf-8"))
    return normalize.fold("\n".join(parts), limit=None).replace(" ", "\n")


def build_analyzer(entries: Iterable[_Indexed]) -> tuple[Analyzer, ScopeRules]:
    """The analyzer and scope rules for ``entries``; the heavy lexicon comes from the on-disk cache if
    current."""
    entries = list(entries)
    excluded = not_places()
    lexicon = load_lexicon(content_text(entries), excluded)
    synonyms = load_synonyms()
    scope = load_rules(lexicon.places)
    words = segmenter_words(lexicon, synonyms.words() | scope.words())
    glossary = EnglishGlossary(synonyms.english, synonyms.english_stopwords, synonyms.question_words)
    return Analyzer(Segmenter(words), synonyms, lexicon.pinyin, glossary), scope
