"""Each county's own document, cut into sentences that keep their clause: what a reply can quote word for word.

The FAQ summarises; a farmer often asks for one specific the summary leaves out ("验收分几次", "面积不能超过多少").
So every sentence of the county's documents (content/sources, as listed in its profile) is indexed with its
section — "四(二)" in a numbered official document, the sub-heading ("明标准") in a news report — and a reply can
lead with the sentence that carries the fact, then cite it. Only the sender's county's documents are searched,
so another county's rule can never come back.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from api.profiles import load_profiles
from bot.nlu.bm25 import BM25
from bot.nlu.retriever import retriever
from content import CONTENT_DIR

SOURCES = CONTENT_DIR / "sources"
NUMERALS = "一二三四五六七八九十"
LEVEL1 = re.compile(rf"^([{NUMERALS}]+)、(.*)")
LEVEL2 = re.compile(rf"^[（(]([{NUMERALS}]+)[）)]\s*(.*)")
LEVEL3 = re.compile(r"^(\d{1,2})[、.．](?!\d)(.*)")
LEVEL4 = re.compile(r"^[（(](\d{1,2})[）)]\s*(.*)")
# A news report's sub-heading: two short phrases joined by a full-width space, printed twice.
HEADING = re.compile(r"^([^\s(（\d]\S{1,11})[　 ](\S{2,16})$")
SENTENCE_END = re.compile(r"(?<=[。！？；])")
MIN_CHARS, MAX_CHARS = 8, 160
# The guiding-thought phrases that open a document's first section ("以习近平…为指导，深入贯彻…精神，"): no
# farmer's question is about them, and a quote that starts with them is cut before the rule that follows.
PREAMBLE = re.compile(r"^(?:(?:以习近平[^，]*为指导|深入[^，]*精神|认真落实[^，]*部署|立足新发展阶段|贯彻新发展理念"
                      r"|构建新发展格局|坚持以人民为中心)，)+")
# Sentences that carry no rule a farmer could use (signatures, dates, the document's preamble).
BOILERPLATE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日|发布日期|各乡镇人民政府|现将|摘自)"
                         r"|关于印发|借章|日印发|文件.{0,10}〔\d{4}〕"
                         r"|_{3}|[（(]盖章[）)]|填表日期|^\d、\d{4}年.{0,30}表")   # the attached forms and their list


@dataclass(frozen=True)
class Clause:
    doc: str          # "004"
    county: str       # division code
    section: str      # "四(二)3", or a news report's sub-heading
    text: str         # one sentence, as the document words it

    @property
    def cite(self) -> str:
        return f"{self.doc} {self.section}".strip()


def _paragraphs_of_report(lines: list[str]) -> Iterator[tuple[str, str]]:
    """(sub-heading, paragraph) of a news report whose lines wrap mid-sentence."""
    section, buffer = "", []
    for raw in lines:
        line = raw.strip()
        heading = HEADING.match(line)
        if heading:
            if buffer:
                yield section, "".join(buffer)
            section, buffer = heading.group(1), []
            continue
        if raw.startswith("　　") and buffer:      # an indented line opens a new paragraph
            yield section, "".join(buffer)
            buffer = []
        if line:
            buffer.append(line)
    if buffer:
        yield section, "".join(buffer)


def _paragraphs_of_document(lines: list[str]) -> Iterator[tuple[str, str]]:
    """(section path, paragraph) of an official document numbered 一、（一）1、（1）."""
    path: list[str] = ["", "", "", ""]
    section, buffer = "", ""
    for raw in lines:
        line = re.sub(r"^#+\s*", "", raw.strip().replace("**", ""))
        if not line or "\t" in line:               # blank, or a row of an attached form
            continue
        heading = False
        for level, pattern in enumerate((LEVEL1, LEVEL2, LEVEL3, LEVEL4)):
            found = pattern.match(line)
            if found:
                path[level] = found.group(1)
                path[level + 1:] = [""] * (3 - level)
                heading = True
                break
        titled = _is_title(buffer)
        if buffer and not heading and not titled and not buffer.endswith(("。", "；", "：", "！", "？")):
            buffer += line                         # a page break cut the sentence: join it again
            continue
        if buffer:
            yield section, buffer
        section, buffer = _section(path), line
    if buffer:
        yield section, buffer


def _is_title(line: str) -> bool:
    """A heading line on its own ("（三）审查公示"): the next line starts the text, not its continuation."""
    return bool(MARKER.match(line)) and len(line) <= 24 and not any(mark in line for mark in "，。；：")


def _section(path: list[str]) -> str:
    first, second, third, fourth = path
    return first + (f"({second})" if second else "") + third + (f"({fourth})" if fourth else "")


MARKER = re.compile(rf"^([（(][{NUMERALS}\d]+[）)]|[{NUMERALS}]+、|\d{{1,2}}[、.．](?!\d)|\(\d{{1,2}}\))\s*")


def _sentences(paragraph: str) -> Iterator[str]:
    for sentence in SENTENCE_END.split(paragraph.replace("**", "")):
        sentence = MARKER.sub("", sentence.strip()).strip()
        sentence = PREAMBLE.sub("…", sentence)         # the cut is shown, as a quote's other cuts are
        if len(sentence) <= 14 and sentence.endswith("。"):
            continue                                  # a heading ("补助标准。"), not a rule
        if len(sentence) >= MIN_CHARS and not BOILERPLATE.search(sentence):
            yield from _pieces(sentence)


def _pieces(sentence: str) -> Iterator[str]:
    """A sentence too long to quote whole, in runs of its comma-separated phrases of at most MAX_CHARS, so no
    part of it is lost to the index ("…全州28403户建档立卡贫困户住房安全得到了有效保障" ends a long one)."""
    if len(sentence) <= MAX_CHARS:
        yield sentence
        return
    piece = ""
    for phrase in (part for part in re.split(r"(?<=[，、])", sentence) if part):
        if piece and len(piece) + len(phrase) > MAX_CHARS:
            yield piece.rstrip("，、") + "…"
            piece = "…"
        piece += phrase
    if piece:
        yield piece if len(piece) <= MAX_CHARS else piece[:MAX_CHARS - 1] + "…"


def load_clauses() -> list[Clause]:
    """Every sentence of every served county's documents, in document order."""
    found: list[Clause] = []
    for profile in load_profiles().values():
        for source in profile.sources:
            path = SOURCES / source.file
            if not path.exists():
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            report = any(HEADING.match(a.strip()) and a.strip() == b.strip() for a, b in itertools.pairwise(lines))
            paragraphs = _paragraphs_of_report(lines) if report else _paragraphs_of_document(lines)
            seen: set[str] = set()
            for section, paragraph in paragraphs:
                for sentence in _sentences(paragraph):
                    if sentence not in seen:          # the documents repeat their cover page
                        seen.add(sentence)
                        found.append(Clause(source.doc, profile.code, section, sentence))
    return found


@dataclass(frozen=True)
class ClauseHit:
    clause: Clause
    score: float       # BM25 over the query's tokens, divided by the most the query could score (0-1)


class ClauseIndex:
    """BM25 over one county's sentences, with the FAQ retriever's analyzer (same synonyms, same words)."""

    def __init__(self, clauses: list[Clause], tokens: list[list[str]]) -> None:
        self.clauses, self.tokens = clauses, tokens
        self.bm25 = BM25(tokens) if tokens else None

    def search(self, query: list[str], limit: int = 3) -> list[ClauseHit]:
        if self.bm25 is None or not query:
            return []
        best = self.bm25.max_score(query)
        if best <= 0:
            return []
        scored = sorted(self.bm25.sparse_scores(query).items(), key=lambda item: -item[1])
        return [ClauseHit(self.clauses[i], score / best) for i, score in scored[:limit]]


@lru_cache(maxsize=1)
def clause_indexes() -> dict[str, ClauseIndex]:
    """One index per county, built with the process-wide retriever's analyzer."""
    analyzer = retriever().analyzer
    by_county: dict[str, list[Clause]] = {}
    for clause in load_clauses():
        by_county.setdefault(clause.county, []).append(clause)
    return {county: ClauseIndex(clauses, [analyzer.tokens(c.text) for c in clauses])
            for county, clauses in by_county.items()}


def with_continuation(clause: Clause, limit: int = 3, max_chars: int = 200) -> str:
    """The sentence, and when it only announces what follows ("…如下：") the sentences of its section after it."""
    if not clause.text.endswith(("：", ":")):
        return clause.text
    index = clause_indexes().get(clause.county)
    if index is None or clause not in index.clauses:
        return clause.text
    at = index.clauses.index(clause)
    text = clause.text
    for following in index.clauses[at + 1:at + 1 + limit]:
        if not following.section.startswith(clause.section) or len(text) + len(following.text) > max_chars:
            break
        text += following.text
    return text
