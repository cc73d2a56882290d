"""A short message right after an answer is read against it: "那得等几天", "归谁管", "俺家也算吗".

Such a message says too little on its own, so retrieval either finds nothing sure in it or a neighbour of what
was just asked. Read together with the question just answered, it finds what the farmer means. A message that
stands on its own (a new, clear question) is left alone.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.normalize import token
from bot.nlu.retriever import Result

# Openings that hang a message on what was said before.
LEAD_INS = ("那", "那么", "要是", "如果", "假如", "还有", "另外", "也", "这个", "那个", "俺家也", "我家也", "咱家也",
            "我也", "俺也", "那我", "那俺", "그럼", "그러면", "그건", "what about", "and ", "then ", "so ")
SHORT = 8           # characters: at most this long, a message is read against the last answer when unsure


def reads_as_followup(text: str, result: Result) -> bool:
    """Is ``text`` (with its own retrieval ``result``) a follow-up rather than a new question?"""
    said = token(text).replace(" ", "")
    if result.outcome == "out_of_scope" and result.topic != "unknown":
        return False                     # weather, pensions, another place: a new subject, not a follow-up
    leans = said.casefold().startswith(LEAD_INS)
    unsure = result.outcome != "answer"
    return unsure and (len(said) <= SHORT or (leans and len(said) <= 2 * SHORT))


def joined(previous: str, text: str) -> str:
    """The question to retrieve with: the last question, then the follow-up (which the focus rule favours)."""
    return f"{previous}，{text}"


def with_asks_of(result: Result, previous: Result) -> Result:
    """``result`` also asking what the previous question asked: "审完了镇上还公示不" right after "乡镇审核得多久"
    still wants a period, though it names none."""
    return replace(result, asks=tuple(dict.fromkeys(result.asks + previous.asks)))
