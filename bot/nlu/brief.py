"""The part of an answer that holds what was asked, when the whole answer does not fit.

An SMS reply is cut into pages of three segments (about 200 characters, fewer in English, whose reply counts
as UCS-2 once the signature 【安居】 is in it); what falls after the cut reaches the farmer only if they reply 0.
So a long answer leads with its sentence that holds the question ("how long do the departments take" → "each
replies within 10 working days"), and a message that asks several things gets each answer's best sentence.
Sentences are only moved or left out, never reworded: everything stated is still the county's answer.
"""

from __future__ import annotations

import re

from bot.nlu.retriever import Result, retriever

# Where an answer's sentences (or its clauses joined by a semicolon) end, in Chinese, Korean and English.
SENTENCE = re.compile(r"(?<=[。；;！？!?])\s*|(?<=\.)\s+(?=[A-Z가-힣])|(?<=다\.)\s*")
# A sentence that gives a figure answers "how long / how much / when" better than one that gives none.
DIGIT = re.compile(r"\d")
FIGURE_ASKED = frozenset({"期限", "多少", "什么时候"})
FIGURE_WEIGHT = 0.5
PHRASE = re.compile(r"(?<=[，；])|(?<=, )|(?<=; )|(?= and )")     # "14,000" is one figure, not two phrases
PLACE = re.compile(r"^[\u4e00-\u9fff]{2,8}：")       # the county's name that opens a Chinese answer


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE.split(text) if part and part.strip()]


def _tokens(text: str) -> set[str]:
    analyzer = retriever().analyzer
    english = analyzer.english(text)
    if english is not None:
        return set(english.tokens)
    return set(analyzer.korean(text)) | set(analyzer.tokens(text))


def score(sentence: str, result: Result) -> float:
    """The share of the question's content words the sentence holds, and a bonus for a figure asked for."""
    asked = set(result.tokens) | set(result.focus)
    held = len(asked & _tokens(sentence)) / len(asked) if asked else 0.0
    if FIGURE_ASKED & set(result.asks) and DIGIT.search(sentence):
        held += FIGURE_WEIGHT
    return held


def lead(text: str, result: Result, limit: int) -> str:
    """``text`` as it is when it fits in ``limit`` characters; else its sentence that best holds the question
    first (when that is not already the first), the others after it in their order."""
    if len(text) <= limit:
        return text
    parts = sentences(text)
    if len(parts) < 2:
        return text
    scores = [score(part, result) for part in parts]
    best = max(range(len(parts)), key=lambda i: (scores[i], -i))
    if best == 0 or scores[best] <= scores[0]:
        return text
    named = PLACE.match(parts[0])          # "山阴县：…" stays the first words
    if named:
        parts[0] = parts[0][named.end():]
    joiner = " " if text.isascii() else ""
    return (named.group(0) if named else "") + joiner.join([parts[best], *parts[:best], *parts[best + 1:]])


def brief(text: str, result: Result, limit: int) -> str:
    """The answer's sentence that best holds the question (the whole answer when it fits in ``limit``); a
    sentence still longer is cut to its run of phrases, within ``limit``, that holds most, "…" marking the cut."""
    if len(text) <= limit:
        return text
    parts = sentences(text)
    best = max(parts, key=lambda part: (score(part, result), -parts.index(part))) if len(parts) > 1 else text
    if len(best) <= limit:
        return best
    phrases = [phrase for phrase in PHRASE.split(best) if phrase]
    windows = [(start, end) for start in range(len(phrases)) for end in range(start + 1, len(phrases) + 1)
               if end == start + 1 or len("".join(phrases[start:end])) <= limit]
    start, end = max(windows, key=lambda w: (score("".join(phrases[w[0]:w[1]]), result), -w[0], w[1]))
    quoted = "".join(phrases[start:end]).rstrip("，,；; ")
    return ("…" if start > 0 else "") + quoted + ("…" if end < len(phrases) else "")
