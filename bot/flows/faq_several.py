"""A message that asks several things ("能补多少钱 啥时候给", "how much is the subsidy and how many days is the
notice") gets each answer, briefly, in the order asked, instead of the answer to whichever it asked last.

The message is cut at its spaces and punctuation (and English "and"); a part that asks (it has a question word,
or ends as a question) is retrieved on its own. When two or more parts land, each surely, on different
entries, the reply gives each entry's answer for the county — cut to its sentence that holds that part when
all of them would not fit in the first SMS page. Nothing is added that the entries' answers do not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.faq.loader import Answer, FaqEntry
from bot.nlu.brief import PLACE, brief
from bot.nlu.retriever import Result, retriever

# Chinese farmers separate what they ask by spaces; English and Korean put spaces between words, so there only
# punctuation and "and" separate the questions.
PARTS = re.compile(r"[\s，,。；;！!？?]+")
PARTS_SPACED = re.compile(r"[，,。；;！!？?]+|(?<=[a-z])\.\s|\band\b|그리고", re.IGNORECASE)
HAN = re.compile(r"[\u4e00-\u9fff]")
# A part that asks: a question word or a question's ending, in Chinese, Korean or English.
ASKS = re.compile(r"多少|几|啥|什么|咋|怎么|怎样|如何|谁|哪|吗|么|[不没]$|没有$|多大|多久|多长|多会|多咱|能不能|能否|"
                  r"是不是|有没有|[行中管]不[行中管]|"
                  r"^(?:how|what|when|who|whom|where|which|can|could|do|does|is|are|will|should|must|may)\b|"
                  r"얼마|언제|누가|누구|어디|몇|뭐|어떻게|나요$|까$", re.IGNORECASE)
# A part that goes on from the one before ("…提意见咋办 最后谁是改造对象": who, after the objection) is read with it.
GOES_ON = re.compile(r"^(?:那|然后|之后|最后|后来|再|那要是|要是|then\b|after that|그럼|그러면|그다음)", re.IGNORECASE)
MIN_PART = 3             # characters: a shorter part ("啥") says too little to be retrieved alone
MAX_TOPICS = 3
SURE_CLARIFY = 0.05      # a part retrieval was unsure of still counts when its top entry leads by this much
BUDGET = 150             # characters of answers the first SMS page holds beside the citation


@dataclass(frozen=True)
class Asked:
    faq_id: str
    result: Result        # the part's own retrieval: what its answer is cut to


def asked_topics(text: str) -> list[Asked]:
    """The distinct entries the message's asking parts land on, in the order asked (empty unless two or more)."""
    spaced = len(HAN.findall(text)) < len(text.replace(" ", "")) / 2
    asking: list[str] = []
    before = ""
    for part in (p.strip() for p in (PARTS_SPACED if spaced else PARTS).split(text)):
        said, before = (f"{before} {part}" if GOES_ON.match(part) else part), part
        if len(part) >= MIN_PART and ASKS.search(part):
            asking.append(said)
    if len(asking) < 2:                  # one question (the common case): no retrieval spent on its parts
        return []
    found: list[Asked] = []
    for said in asking:
        result = retriever().search(said)
        top = result.top
        sure = result.outcome == "answer" or (result.outcome == "clarify" and top is not None
                                              and top.confidence >= SURE_CLARIFY and top.score >= 1.0)
        if not sure or top is None or any(asked.faq_id == top.faq_id for asked in found):
            continue
        found.append(Asked(top.faq_id, result))
        if len(found) == MAX_TOPICS:
            break
    return found if len(found) >= 2 else []


def compose(asked: list[Asked], entries: dict[str, FaqEntry], county: str | None,
            language: str) -> tuple[str, list[Answer]] | None:
    """Each entry's answer for the county, the county's name that opens a Chinese answer ("山阴县：") said
    once; None when fewer than two of them have an answer of the county's own."""
    answers: list[tuple[Answer, Result]] = []
    for item in asked:
        entry = entries.get(item.faq_id)
        answer = entry.answer_for(county) if entry is not None else None
        if answer is not None and not answer.is_default:
            answers.append((answer, item.result))
    if len(answers) < 2:
        return None
    texts = [answer.text_in(language) for answer, _ in answers]
    if sum(len(text) for text in texts) > BUDGET:
        share = BUDGET // len(texts)
        texts = [brief(text, result, share) for text, (_, result) in zip(texts, answers, strict=True)]
    named = PLACE.match(texts[0])
    prefix = named.group(0) if named else ""
    texts[1:] = [_without_place(text[len(prefix):] if prefix and text.startswith(prefix) else text)
                 for text in texts[1:]]
    return "\n".join(texts), [answer for answer, _ in answers]


ENGLISH_PLACE = re.compile(r"^(…?)In [A-Z][a-z]+(?: [A-Z][a-z]+)?,? (\w)")


def _without_place(text: str) -> str:
    """"In Shanyin the list is…" → "The list is…": the county was named in the first answer."""
    return ENGLISH_PLACE.sub(lambda m: m.group(1) + m.group(2).upper(), text, count=1)
