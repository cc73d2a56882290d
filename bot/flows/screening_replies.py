"""How the screening speaks: one question per message, and the judgement with its reasons and next steps.

Only ``Reply`` objects come out; channels render the options as buttons or as "回复1 …".
"""

from __future__ import annotations

from collections.abc import Callable

from api.profiles import CountyProfile
from api.screening import Result
from api.screening.questions import QUESTIONS
from bot.engine.types import Option, Reply
from bot.faq.citation import cite
from bot.i18n import N_

Translate = Callable[[str], str]


HEADLINES = {
    "likely_eligible": N_("初步判断：按您的回答，您家符合申请条件，值得去申请。"),
    "needs_appraisal": N_("初步判断：值得去申请，但还要经过房屋鉴定或有关部门核实才能确定。"),
    "not_eligible": N_("初步判断：按您的回答，您家不符合危房改造的条件。"),
    "refer": N_("初步判断：您家的住房问题另有安排，请按下面说的去办。"),
}


def question_reply(key: str, _: Translate, number: int) -> Reply:
    question = QUESTIONS[key]
    options = tuple(Option(str(i), _(label)) for i, (_value, label) in enumerate(question.choices, start=1))
    return Reply(_("第{n}问：").format(n=number) + _(question.text), options=options)


def result_replies(result: Result, profile: CountyProfile, _: Translate) -> list[Reply]:
    """The judgement, why (each reason with its source), and what to do next; the disclaimer comes first.

    The document is named once, on the disclaimer; each line then cites only its section, which keeps the SMS
    a few segments shorter.
    """
    short = len(profile.sources) == 1
    headline = _(HEADLINES[result.outcome])
    source = cite(profile, result.disclaimer.citation)
    replies = [Reply(f"{headline}\n{result.disclaimer.text}", citation=source)]
    if result.conflicts:
        replies.append(Reply("\n".join(c.text for c in result.conflicts)))
    reasons = [(r.text, cite(profile, r.citation, section_only=short)) for r in result.reasons]
    replies.append(_numbered(_("理由："), reasons, _))
    if result.next_steps:
        steps = [(s.text, cite(profile, s.citation, section_only=short)) for s in result.next_steps]
        replies.append(_numbered(_("下一步："), steps, _))
    return replies


def _numbered(title: str, items: list[tuple[str, str]], _: Translate) -> Reply:
    lines = [title]
    for i, (text, source) in enumerate(items, start=1):
        lines.append(f"{i}. {text}" + (_("（{source}）").format(source=source) if source else ""))
    return Reply("\n".join(lines))
