"""English questions: found by script, read through a glossary into the same canonical tokens as Chinese.

The FAQ's phrasings are Chinese; its English lives in the answers. Rather than a second index that would know
only the answers' wording, an English message is read word by word through the glossary in synonyms.yaml
(``english:``), so "how much is the subsidy" meets "补助多少" on the tokens 补助 and 多少. A Latin message is
English only when its words are English: "gongshi jitian" is pinyin and goes to the pinyin reader instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

_WORD = re.compile(r"[a-z]+")
MIN_PREFIX = 4   # a glossary word this long also matches longer forms ("renovat" → renovated, renovation)


@dataclass(frozen=True)
class Reading:
    """What the glossary made of an English message."""
    tokens: list[str]      # canonical tokens, in message order
    known: int             # topic phrases the glossary read (question words aside)
    unknown: int           # content words it did not (a topic the FAQ may not cover)


class EnglishGlossary:
    """English phrases (one or more words; a word of MIN_PREFIX letters or more matches as a prefix) → tokens.

    ``stopwords`` are English function words: they make a message English but say nothing about its topic;
    a phrase read only as ``question_words`` ("how", "when") is English too, but not a topic word either.
    """

    def __init__(self, phrases: Mapping[str, tuple[str, ...]], stopwords: Iterable[str] = (),
                 question_words: Iterable[str] = ()) -> None:
        self.stopwords = frozenset(stopwords)
        self.question_words = frozenset(question_words)
        # the glossary's words are made singular like the message's ("days" and "day" both match "days")
        self.phrases = {tuple(self.words(phrase)): tokens for phrase, tokens in phrases.items()}
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        # most words first, then the longest spelling ("builder" before "build")
        for words in sorted(self.phrases, key=lambda w: (-len(w), -len("".join(w)))):
            self._by_first.setdefault(words[0][:MIN_PREFIX], []).append(words)

    def words(self, text: str) -> list[str]:
        """Lower-case words, a plural "s" dropped ("documents" → document) unless the word is a stopword."""
        return [word if word in self.stopwords else _singular(word)
                for word in _WORD.findall(text.casefold().replace("'", ""))]

    def is_english(self, text: str) -> bool:
        """Mostly Latin letters, and at least half the words are English (stopwords or in a glossary phrase)."""
        letters = sum(ch.isascii() and ch.isalpha() for ch in text)
        if letters < 3 or letters * 2 < sum(ch.isalpha() for ch in text):   # numbers ("异议 140621-…") aside
            return False
        words = self.words(text)
        english = sum(len(phrase) if phrase else word in self.stopwords for word, phrase in self._walk(words))
        return bool(words) and english * 2 >= len(words)

    def read(self, text: str) -> Reading:
        tokens: list[str] = []
        known = unknown = 0
        for word, phrase in self._walk(self.words(text)):
            if phrase:
                tokens += self.phrases[phrase]
                known += any(token not in self.question_words for token in self.phrases[phrase])
            elif word not in self.stopwords and len(word) > 1:
                unknown += 1
        return Reading(tokens, known, unknown)

    def _walk(self, words: list[str]) -> Iterator[tuple[str, tuple[str, ...] | None]]:
        """Left to right: each glossary phrase found (with its first word), or a word no phrase starts at."""
        position = 0
        while position < len(words):
            phrase = self._starts(words, position)
            yield words[position], phrase
            position += len(phrase) if phrase else 1

    def _starts(self, words: list[str], position: int) -> tuple[str, ...] | None:
        """The longest glossary phrase that starts at ``words[position]``, or None."""
        for phrase in self._by_first.get(words[position][:MIN_PREFIX], ()):
            end = position + len(phrase)
            if end <= len(words) and all(_same(word, term) for word, term in zip(words[position:end], phrase,
                                                                                  strict=True)):
                return phrase
        return None


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    return word[:-3] + "y" if word.endswith("ies") else word[:-1]


def _same(word: str, term: str) -> bool:
    return word == term or (len(term) >= MIN_PREFIX and word.startswith(term))
