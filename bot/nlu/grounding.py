"""The clause of the county's own document that carries the fact asked, quoted after the FAQ's summary.

The FAQ retriever finds the topic and its summary says it in plain words; the fact asked is often one sentence
deeper ("县里验收是几号到几号" lands on the acceptance entry, whose summary does not give the dates; the
document's clause does). The sentence comes from a section the entry's own answer cites for that county, so the
quote stays on the topic and in the county, unless the document's top sentence for the question stands elsewhere
and holds clearly more of it (then its section joins the citation). It is added only when it holds at least as
much of the question as the summary: the share of the question's content words, weighted by their rarity in the
county's document. Where the FAQ's answer for the county is that its documents are silent, the document's top
sentence is quoted beside that answer when it holds at least half the question.

Why these rules, measured on the tuning sets (A, C, D, E; figures in docs/EVALUATION.md): replacing the summary
by the best-covering sentence lost answers, adding it after the summary gained; the sentence from elsewhere needs
a margin (0.15) over the topic's own, since at 0 the topic's right sentence lost as often as the top one gained;
a quote leads the reply only when it also holds a figure the summary lacks, since coverage alone led wrongly two
times in five.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.faq.loader import FaqEntry
from bot.nlu.clauses import Clause, clause_indexes, with_continuation
from bot.nlu.retriever import Result, retriever

TOP_ENTRIES = 3            # entries whose cited sections are looked at
TOP_CLAUSES = 10           # document sentences retrieved before the topic filter
TOPIC_BONUS = (0.15, 0.08, 0.05)   # a clause inside a section the 1st, 2nd, 3rd entry's answer cites
OFF_TOPIC = -0.10          # a clause in no section the retrieved entries cite
SAID_ALREADY = 0.6         # a clause whose character pairs are this much in the summary says nothing new
ELSEWHERE_MARGIN = 0.15   # the document's top sentence, outside the topic's sections, quoted if it holds this much more
STRONG = 0.5              # share of the question a sentence must hold to answer where the FAQ is silent
QUOTE_CHARS = 90           # a longer clause is quoted from the phrases that hold the question
LEAD_SHARE = 0.6          # a quote that holds this much of the question and a figure the summary lacks leads
FIGURE = re.compile(r"\d+(?:\.\d+)?")
YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
# A figure with its unit, in digits or Chinese numerals ("7天" and "七日" are one figure, "7个工作日" another).
UNIT_FIGURE = re.compile(r"(\d+(?:\.\d+)?|[一二三四五六七八九十两]+)\s*个?\s*"
                         r"(工作日|自然日|日|天|月|年|周|元|万|%|％|平方米|户|人|类|度|次)?")
UNIT_SAME = {"天": "日", "自然日": "日", "％": "%"}
HAN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# What a question word asks for, and how a sentence that gives it reads. "公示几天" wants a period, "补多少"
# an amount or a count, "啥时候" a date: of two sentences on the topic, the one that states that kind of fact
# answers, even if the other shares more of the question's words (the question word itself is in neither).
_NUMBER = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千万两半]+)"
ASKED = {
    "期限": re.compile(rf"{_NUMBER}\s*个?\s*(?:工作|自然)?(?:日|天|月|年|周|小时)(?!.{{0,2}}[元户])|即时|随时"),
    "什么时候": re.compile(rf"{_NUMBER}\s*(?:月|日|号)|年底|月底|年初|之前|以前|即时|随时|竣工后|验收后"),
    "多少": re.compile(rf"{_NUMBER}\s*(?:元|万|亿|户|人|个|家|类|名|项|次|平方|%|％|度|层|间"
                     r"|册|份|本|套|张|处|座|所|栋|期|批|场|篇|余)"),
}
SPECIFIC_IDF = 2.5        # rarer than this in the county's document, a word names the specific asked about
TYPED_MIN = 0.3            # a sentence holding the kind of fact asked answers if it holds this much of the question


@lru_cache(maxsize=4096)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(retriever().analyzer.tokens(text))


def _weights(county: str, words: set[str]) -> dict[str, float]:
    """Rarity of each asked word in the county's document (FAQ answers for words the document lacks)."""
    index = clause_indexes().get(county)
    clause_idf = index.bm25.idf if index is not None and index.bm25 is not None else {}
    faq_idf = retriever().fields["answer"].idf
    weights = {}
    for word in words:
        weight = clause_idf.get(word) or faq_idf.get(word)
        if weight:
            weights[word] = weight
    return weights


def _coverage(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    held = _tokens(text)
    return sum(w for word, w in weights.items() if word in held) / total


def _cited_sections(result: Result, county: str, entries: dict[str, FaqEntry]) -> list[tuple[str, str, float]]:
    """(faq id, doc + section, bonus) for the sections the top entries' answers cite for the county."""
    found = []
    for rank, hit in enumerate(result.hits[:TOP_ENTRIES]):
        entry = entries.get(hit.faq_id)
        answer = entry.answer_for(county) if entry is not None else None
        if answer is None or answer.cite is None:
            continue
        for section in answer.cite.section.split(";"):
            found.append((hit.faq_id, f"{answer.cite.doc} {section.strip()}", TOPIC_BONUS[rank]))
    return found


def _topic_of(clause: Clause, topics: list[tuple[str, str, float]]) -> tuple[str | None, float]:
    """The entry whose cited section holds ``clause`` and the bonus that earns; a clause outside every cited
    section is off the topic retrieval found, and pays for it."""
    best: tuple[str | None, float] = (None, OFF_TOPIC)
    for faq_id, cited, bonus in topics:
        doc, _, section = cited.partition(" ")
        if doc == clause.doc and section and (clause.section.startswith(section) or section.startswith(
                clause.section)) and bonus > best[1]:
            best = (faq_id, bonus)
    return best


def supporting_clause(result: Result, county: str, faq_id: str, summary: str) -> Clause | None:
    """The county document's sentence that holds more of the question than the entry's summary does, from a
    section that entry's answer cites — quoted after the summary, so the fact asked is in the first reply."""
    if not result.tokens:
        return None
    index = clause_indexes().get(county)
    if index is None:
        return None
    entries: dict[str, FaqEntry] = retriever().entries  # type: ignore[assignment]
    weights = _weights(county, set(result.tokens))
    topics = [topic for topic in _cited_sections(result, county, entries) if topic[0] == faq_id]
    floor = _coverage(weights, summary)
    specific = _specific({word: weight for word, weight in weights.items() if word in index.bm25.idf})
    best: tuple[tuple[bool, bool, float], float, Clause] | None = None
    elsewhere: tuple[bool, float, Clause] | None = None
    for rank, found in enumerate(index.search(_query(result), limit=TOP_CLAUSES)):
        if found.clause.text in summary:
            continue
        owner, _bonus = _topic_of(found.clause, topics)
        covered = _coverage(weights, found.clause.text)
        # the kind of fact asked, with a figure the summary does not already give
        typed = holds_asked(result, found.clause.text) and (
            not holds_asked(result, summary) or bool(_figures(found.clause.text) - _figures(summary)))
        if owner != faq_id:
            if rank == 0 and covered >= floor:
                elsewhere = (typed, covered, found.clause)
            continue
        eligible = covered >= floor or (typed and covered >= TYPED_MIN)
        rank_key = (typed, specific is None or specific in _tokens(found.clause.text), found.score)
        if eligible and covered > 0 and (best is None or rank_key > best[0]):
            best = (rank_key, covered, found.clause)
    if elsewhere is not None and (best is None or (elsewhere[0] >= best[0][0]
                                                   and elsewhere[1] >= best[1] + ELSEWHERE_MARGIN)):
        return elsewhere[2]
    return best[2] if best else None


def _specific(weights: dict[str, float]) -> str | None:
    """The question's rarest word of the county's document, when it is rare there ("交警", "合作社"): the
    specific asked about. A sentence without it answers a neighbouring question, however many of the common
    words ("危房", "改造") it shares."""
    if not weights:
        return None
    word = max(weights, key=lambda w: (weights[w], w))
    return word if weights[word] >= SPECIFIC_IDF else None


def holds_asked(result: Result, text: str) -> bool:
    """Does ``text`` state the kind of fact the question word asks for (a period, a date, an amount)?"""
    return any(ASKED[word].search(YEAR.sub("", text)) for word in result.asks if word in ASKED)


def _query(result: Result) -> list[str]:
    return list(result.tokens) + [t for t in result.focus if t not in result.tokens]


def clause_answering(result: Result, county: str) -> Clause | None:
    """The county document's top sentence for the question, if it holds most of what was asked: quoted where
    the FAQ's answer for the county is that its documents do not say, since a sentence of its own may."""
    index = clause_indexes().get(county)
    if index is None or not result.tokens:
        return None
    hits = index.search(_query(result), limit=1)
    if not hits:
        return None
    weights = _weights(county, set(result.tokens))
    return hits[0].clause if _coverage(weights, hits[0].clause.text) >= STRONG else None


def _pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if not any(ch in "，。；：、“”（）" for ch in text[i:i + 2])}


def said_already(clause: str, summary: str) -> bool:
    """Does the summary already say what the clause says (the same words, mostly, and every figure)? A
    summary that words the figure its own way ("各开展一次" for "开展2次") has not said it."""
    if set(FIGURE.findall(clause)) - set(FIGURE.findall(summary)):
        return False
    pairs = _pairs(clause)
    return bool(pairs) and len(pairs & _pairs(summary)) / len(pairs) >= SAID_ALREADY


def excerpt(text: str, result: Result, county: str, limit: int = QUOTE_CHARS) -> str:
    """The run of the sentence's phrases (split at commas) within ``limit`` characters that holds most of the
    question, with "…" where it was cut."""
    if len(text) <= limit:
        return text
    weights = _weights(county, set(result.tokens) | set(result.focus))
    phrases = [part for part in re.split(r"(?<=[，；：])", text) if part]
    best: tuple[float, int, int] = (-1.0, 0, 1)
    for start in range(len(phrases)):
        for end in range(start + 1, len(phrases) + 1):
            window = "".join(phrases[start:end])
            if len(window) > limit and end > start + 1:
                break
            covered = _coverage(weights, window)
            if covered > best[0]:
                best = (covered, start, end)
    _covered, start, end = best
    # The phrases after the ones that name what was asked usually state it ("…由乡镇组织验收，…覆盖率必须达到
    # 100%"): the window grows to the right, then to the left, while it stays within the limit.
    while end < len(phrases) and len("".join(phrases[start:end + 1])) <= limit:
        end += 1
    while start > 0 and len("".join(phrases[start - 1:end])) <= limit:
        start -= 1
    quoted = "".join(phrases[start:end]).rstrip("，；：")
    if len(quoted) > limit:
        quoted = quoted[:limit]
    return ("…" if start > 0 else "") + quoted + ("…" if end < len(phrases) or len(quoted) == limit else "")


@dataclass(frozen=True)
class Quote:
    text: str           # the sentence, cut to the phrases that answer
    clause: Clause      # where it stands, for the citation
    leads: bool = False  # it holds clearly more of the question than the summary: it answers, the summary follows


def quote(result: Result, county: str, faq_id: str, summary: str) -> Quote | None:
    """What to quote after ``summary``: the supporting clause, cut to the part that answers, unless the
    summary already says it."""
    clause = supporting_clause(result, county, faq_id, summary)
    if clause is None:
        return None
    text = with_continuation(clause)
    if said_already(text, summary):
        return None
    quoted = excerpt(text, result, county)
    weights = _weights(county, set(result.tokens))
    held = _coverage(weights, quoted)
    # It leads when it states a figure the summary lacks and holds most of the question, or states the kind
    # of fact asked ("几天" → "不得少于七日") that the summary does not.
    new_figure = bool(_figures(quoted) - _figures(summary))
    typed = holds_asked(result, quoted) and (new_figure or not holds_asked(result, summary))
    return Quote(quoted, clause, leads=(bool(_digits(quoted) - _digits(summary)) and held >= LEAD_SHARE) or (
        typed and new_figure))


def _digits(text: str) -> set[str]:
    """The figures in digits a text states, a document's year ("2021年") aside."""
    return set(FIGURE.findall(YEAR.sub("", text)))


def _figures(text: str) -> set[str]:
    """The figures a text states with their units, Chinese numerals read as digits, a document's year aside."""
    found = set()
    for number, unit in UNIT_FIGURE.findall(YEAR.sub("", text)):
        value = _han_number(number)
        if value is not None and (unit or number[0].isdigit()):   # "四议两公开" states no figure
            found.add(value + UNIT_SAME.get(unit, unit))
    return found


def _han_number(number: str) -> str | None:
    """"七" → "7", "十五" → "15", "二十" → "20"; digits as they are; a lone "十" or anything odder → None."""
    if number[0].isdigit():
        return number
    tens, mark, ones = number.partition("十")
    if not mark:
        return str(HAN_DIGITS[number]) if number in HAN_DIGITS else None
    if (tens and tens not in HAN_DIGITS) or (ones and ones not in HAN_DIGITS) or not (tens or ones):
        return None
    return str(HAN_DIGITS.get(tens, 1) * 10 + HAN_DIGITS.get(ones, 0))
