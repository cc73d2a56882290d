"""Which FAQ entry a free-text question asks: ranked (faq_id, score, confidence), or "not ours".

Each entry is indexed four ways: its phrasings one by one (the best phrasing counts), all phrasings and the
title together, its answers (lower weight, for words only an answer uses), and character bigrams of its
phrasings (which survive a segmentation the farmer's wording provoked). Each field's BM25 is divided by the
most the query could score in it, so fields and queries compare on one 0-1 scale; a rapidfuzz bonus rewards a
near-verbatim phrasing. Confidence is the top score minus the runner-up's. Korean and English messages are read
through glossaries into the same canonical tokens (the phrasings are Chinese only).
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol

from bot.engine.normalize import is_han
from bot.faq.loader import load_faq
from bot.nlu.analyzer import Analyzer, build_analyzer
from bot.nlu.bm25 import BM25
from bot.nlu.fuzzy import Homophones, PinyinReader, closest
from bot.nlu.lexicon import cache_dir, content_digest
from bot.nlu.scope import ScopeRules

log = logging.getLogger(__name__)

Outcome = Literal["answer", "clarify", "out_of_scope"]

# Field weights (sum to 1) and the decision thresholds, tuned on the FAQ's own phrasings and the dev questions
# in tests/test_nlu_retriever.py — never on the labelled evaluation set.
WEIGHTS = {"phrasing": 0.40, "entry": 0.20, "answer": 0.10, "bigram": 0.30}
FUZZY_WEIGHT = 0.25          # bonus for a near-verbatim phrasing, scaled from a 0.6 ratio upwards
FUZZY_FLOOR = 0.6
UNKNOWN_WEIGHT = 0.5         # an unseen query word counts as half the rarest word (see BM25.max_score)
MIN_SCORE = 0.12             # below this nothing in the FAQ is about the question
ANSWER_CONFIDENCE = 0.12     # at or above: answer directly; below: offer the nearest topics
MIN_COVERAGE = 0.4           # an entry must hold at least this share of the content words to be answered
ANSWER_WORD_SHARE = 0.5      # a word only the entry's answers use counts for this much of one its phrasings use
MAX_HITS = 5
LONG_MESSAGE = 24            # characters from which a message of several clauses gets a focus (its last one)
MIN_FOCUS = 4                # a shorter last clause ("该咋弄") says too little; take the one before
FOCUS_WEIGHT = 0.5


class Entry(Protocol):
    id: str
    title: str
    questions: list[str]

    @property
    def answers(self) -> Sequence[object]: ...


@dataclass(frozen=True)
class Hit:
    faq_id: str
    score: float
    confidence: float


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    hits: tuple[Hit, ...] = ()
    topic: str | None = None      # why it is out of scope ("pension", "place", "unknown")
    place: str | None = None      # the other place named, when topic == "place"
    tokens: tuple[str, ...] = ()  # the question's content words as retrieval read them (question words aside)
    focus: tuple[str, ...] = ()   # those of the long message's last clause, where the question usually is
    asks: tuple[str, ...] = ()    # the question words read (期限, 多少, 什么时候…): what kind of fact is asked

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def _answer_text(entry: Entry) -> str:
    parts: list[str] = []
    for answer in entry.answers:
        parts.append(getattr(answer, "text", "") or "")
        parts.append(getattr(answer, "detail", "") or "")
    return " ".join(parts)


class Retriever:
    """The FAQ indexed for retrieval; build once, then ``search`` is a millisecond or two."""

    def __init__(self, entries: Mapping[str, Entry], analyzer: Analyzer, scope: ScopeRules) -> None:
        self.analyzer, self.scope = analyzer, scope
        self.entries = dict(entries)   # kept (and pickled) so a fresh process need not parse the FAQ again
        self.ids = list(entries)
        self._variant_owner: list[int] = []
        self._variant_text: list[str] = []
        variants: list[list[str]] = []
        merged: list[list[str]] = []
        grams: list[list[str]] = []
        words: set[str] = set()
        for index, entry in enumerate(entries.values()):
            merged.append([])
            grams.append([])
            for phrasing in [entry.title, *entry.questions]:
                surface = analyzer.surface(phrasing, content=True)
                words.update(surface)
                tokens = analyzer.canonical(surface)
                variants.append(tokens)
                self._variant_owner.append(index)
                self._variant_text.append("".join(tokens))
                merged[index] += tokens
                grams[index] += analyzer.bigrams(tokens)
        self._entry_terms = [frozenset(tokens) for tokens in merged]
        self._known: frozenset[str] = frozenset().union(*self._entry_terms)  # completed below with answers
        answers = [analyzer.tokens(_answer_text(entry), content=True) for entry in entries.values()]
        self._answer_terms = [frozenset(words) for words in answers]
        analyzer.segmenter.save_memo()
        self.fields = {"phrasing": BM25(variants), "entry": BM25(merged), "answer": BM25(answers, b=0.9),
                       "bigram": BM25(grams)}
        self._known |= frozenset(self.fields["answer"].idf)
        words |= {variant for variant, canonical in analyzer.synonyms.mapping.items()
                  if any(token in self.fields["entry"].idf for token in canonical)}
        han_words = [word for word in words if word and all(is_han(ch) for ch in word)]
        self.homophones = Homophones(han_words, analyzer.pinyin)
        self.pinyin = PinyinReader(han_words, analyzer.pinyin)
        self.scope = scope.with_vocabulary(han_words, analyzer.pinyin)  # pinyin that spells ours is no place

    def _field(self, name: str, query: list[str]) -> list[float]:
        """Each entry's score in field ``name`` over the most ``query`` could score there (at most 1)."""
        index = self.fields[name]
        best = [0.0] * len(self.ids)
        ceiling = index.max_score(query, unknown=UNKNOWN_WEIGHT)
        if ceiling <= 0:
            return best
        owners = self._variant_owner if name == "phrasing" else None
        for doc, score in index.sparse_scores(query).items():
            owner = owners[doc] if owners is not None else doc
            share = score / ceiling
            if share > best[owner]:
                best[owner] = share if share < 1.0 else 1.0
        return best

    def rank(self, tokens: list[str], focus: list[str] | None = None) -> list[Hit]:
        """Every entry with a positive score for ``tokens``, best first; the first carries the confidence.

        ``focus`` is the last clause of a long, rambling message, where farmers usually put the question; it
        counts again at FOCUS_WEIGHT.
        """
        totals = self._scores(tokens)
        if focus and focus != tokens:
            again = self._scores(focus)
            totals = [whole + FOCUS_WEIGHT * last for whole, last in zip(totals, again, strict=True)]
        order = sorted((i for i, s in enumerate(totals) if s > 0), key=lambda i: -totals[i])
        runner_up = totals[order[1]] if len(order) > 1 else 0.0
        return [Hit(self.ids[index], round(totals[index], 4),
                    round(totals[index] - runner_up, 4) if rank == 0 else 0.0)
                for rank, index in enumerate(order)]

    def _scores(self, tokens: list[str]) -> list[float]:
        totals = [0.0] * len(self.ids)
        if not tokens:
            return totals
        for name, weight in WEIGHTS.items():
            query = self.analyzer.bigrams(tokens) if name == "bigram" else tokens
            for index, score in enumerate(self._field(name, query)):
                totals[index] += weight * score
        bonus: dict[int, float] = {}
        for variant, ratio in closest("".join(tokens), self._variant_text):
            owner = self._variant_owner[variant]
            bonus[owner] = max(bonus.get(owner, 0.0), (ratio - FUZZY_FLOOR) / (1 - FUZZY_FLOOR))
        for owner, value in bonus.items():
            totals[owner] += FUZZY_WEIGHT * max(value, 0.0)
        return totals

    def search(self, text: str) -> Result:
        """The decision for ``text``: answer the top entry, offer the nearest few, or hand off."""
        folded = self.analyzer.fold(text)
        verdict = self.scope.verdict(folded)
        if verdict.topic:
            return Result("out_of_scope", topic=verdict.topic, place=verdict.place)
        question = self.scope.without_our_places(folded)
        english = self.analyzer.english(question)
        glossed = self.analyzer.korean(question) + (english.tokens if english else [])  # through the glossaries
        surface = self.analyzer.surface(question)
        # Latin words are English (read by the glossary above) or pinyin, never both
        surface = [t for t in surface if not _latin(t)] if english else self.pinyin.replace_latin(surface)
        tokens = self.analyzer.canonical(surface) + glossed
        focus = self._focus(question)
        hits = self.rank(tokens, focus)
        unknown = any(t not in self._known for t in tokens if t not in self.analyzer.synonyms.question_words)
        if not hits or hits[0].confidence < ANSWER_CONFIDENCE or unknown:  # a typo? try the homophones
            repaired = self.analyzer.canonical(self.analyzer.repair(surface, self.homophones)) + glossed
            if repaired != tokens:
                second = self.rank(repaired, focus)
                if second and (not hits or second[0].confidence > hits[0].confidence):
                    hits, tokens = second, repaired
        content = {t for t in tokens if t not in self.analyzer.synonyms.question_words}
        # English with no topic word we know, or more unknown words than known ones: not ours
        foreign = english is not None and not self.scope.anchored(folded) and (
            english.known == 0 or english.unknown > english.known)
        if not hits or hits[0].score < MIN_SCORE or self._strange(content, folded) or foreign:
            return Result("out_of_scope", hits=tuple(hits[:MAX_HITS]), topic="unknown")
        covered = self.coverage(content, hits[0].faq_id)
        if focus:
            covered = max(covered, self.coverage(set(focus) - self.analyzer.synonyms.question_words,
                                                 hits[0].faq_id))
        sure = hits[0].confidence >= ANSWER_CONFIDENCE and covered >= MIN_COVERAGE
        focused = tuple(t for t in focus or () if t not in self.analyzer.synonyms.question_words)
        asks = tuple(dict.fromkeys(t for t in tokens if t in self.analyzer.synonyms.question_words))
        return Result("answer" if sure else "clarify", hits=tuple(hits[:MAX_HITS]),
                      tokens=tuple(t for t in tokens if t in content), focus=focused, asks=asks)

    def _strange(self, content: set[str], folded: str) -> bool:
        """More words the FAQ never uses than words it does (single characters aside), and none of ours:
        small talk such as "今天吃什么" shares a character or two with the FAQ but is not about it."""
        words = {token for token in content if len(token) >= 2}
        known = words & self._known
        return len(words - known) > len(known) and not self.scope.anchored(folded)

    def coverage(self, content: set[str], faq_id: str) -> float:
        """The share of a message's content words (question words aside) that the entry's phrasings hold; a word
        only its answers use counts half. A single character the FAQ never uses is what is left of a word the
        tokenizer did not know (墙皮 → 墙 皮), and is not counted."""
        content = {word for word in content if len(word) > 1 or word in self._known}  # not a word's debris
        if not content:
            return 1.0
        index = self.ids.index(faq_id)
        asked = len(content & self._entry_terms[index])
        told = len((content - self._entry_terms[index]) & self._answer_terms[index])
        return (asked + ANSWER_WORD_SHARE * told) / len(content)


    def _focus(self, question: str) -> list[str] | None:
        """The tokens of the last clause of a long message with several clauses, else None."""
        clauses = [clause for clause in question.split(" ") if clause]
        if len(clauses) < 2 or sum(len(c) for c in clauses) < LONG_MESSAGE:
            return None
        last = next((c for c in reversed(clauses) if len(c) >= MIN_FOCUS), None)
        return self.analyzer.canonical(self.analyzer.surface(last)) if last else None


def _latin(token: str) -> bool:
    return token.isascii() and token.isalpha()


def build_retriever(entries: Mapping[str, Entry]) -> Retriever:
    started = time.perf_counter()
    analyzer, scope = build_analyzer(entries.values())
    retriever_ = Retriever(entries, analyzer, scope)
    elapsed_ms = (time.perf_counter() - started) * 1000
    log.info("FAQ retriever ready: %d entries in %.0f ms", len(entries), elapsed_ms)
    return retriever_


@lru_cache(maxsize=1)
def retriever() -> Retriever:
    """The process-wide retriever over content/faq, built on first use (call it at start-up to warm it).

    The built retriever is pickled under a digest of every file it is built from, so a fresh process (``anju
    ask``) unpickles it in a few tens of milliseconds instead of parsing and indexing the content again.
    """
    directory = cache_dir()
    path = directory / f"nlu-retriever-{content_digest()}.pickle" if directory else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Retriever):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            log.warning("ignoring an unreadable retriever cache at %s", path)
    built = build_retriever(load_faq())
    if path is not None:
        built.analyzer.segmenter.forget_memo()
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as handle:
                pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError:
            log.warning("could not write the retriever cache at %s", path)
    return built
