"""How the screening speaks: one question per message, and the judgement with its reasons and next steps.

Only ``Reply`` objects come out; channels render the options as buttons or as "回复1 …".
"""

from __future__ import annotations

from collections.abc import Callable

from api.i18n import N_
from api.profiles import CountyProfile
from api.screening import Result
from api.screening.questions import QUESTIONS
from bot.engine.types import Option, Reply
from bot.faq.citation import cite

Translate = Callable[[str], str]


HEADLINES = {
    "likely_eligible": N_("初步判断：按您的回答，您家符合申请条件，值得去申请。"),
    "needs_appraisal": N_("初步判断：值得去申请，但还要经过房屋鉴定或有关部门核实才能确定。"),
    "not_eligible": N_("初步判断：按您的回答，您家不符合危房改造的条件。"),
    "refer": N_("初步判断：您家的住房问题另有安排，请按下面说的去办。"),
}


def judgement_again(result: Result, _: Translate) -> Reply:
    """The judgement once more, in one line, after a remark that changed nothing; and how to change an answer."""
    return Reply(_(HEADLINES[result.outcome]) + "\n" + _("情况和您说的不一样，可以回复“说错了”改回答。"))


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
    checking = to_check(result)
    if checking and result.outcome == "likely_eligible":
        replies.append(Reply(_("还不清楚的几项由有关部门核实：{facts}。").format(
            facts="、".join(_(label) for label in checking))))
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


# ---------------------------------------------------------------------------------------------- SMS

SMS_UNITS = 3 * 67 - 6        # three parts of a long UCS-2 message, less the signature (【安居】 and room)
SHORT_HEADLINES = {
    "likely_eligible": N_("初步判断：您家符合申请条件，可以去申请。"),
    "checked": N_("初步判断：按您已答的，您家符合条件，可以申请；下面几项由有关部门核实。"),
    "needs_appraisal": N_("初步判断：值得去申请，房子还要先鉴定危险等级。"),
    "not_eligible": N_("初步判断：按您的回答，您家不符合危房改造的条件。"),
    "refer": N_("初步判断：您家的住房问题另有安排。"),
}
SMS_DISCLAIMER = N_("这不是审批结果，以村、乡镇、县里审核为准。")
DETAIL_OPTION = N_("看依据")
LEAD_OPTION = N_("请村委会联系我")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_check(result: Result) -> list[str]:
    """Labels of the facts the departments still have to check (unanswered, or answered 不知道)."""
    return [QUESTIONS[fact].label for fact in result.missing if fact in QUESTIONS]


def sms_result(result: Result, _: Translate, *, offer_lead: bool) -> Reply:
    """The judgement in at most three SMS segments: the headline, what is left to check or why not, the
    first step, and "回复1看依据" for the clauses (sent in full on request)."""
    checking = to_check(result)
    key = "checked" if result.outcome == "likely_eligible" and checking else result.outcome
    options = [Option("1", _(DETAIL_OPTION))]
    if offer_lead:
        options.append(Option("2", _(LEAD_OPTION)))
    rendered_options = "\n".join(f"回复{o.key} {o.label}" for o in options)
    parts = [_(SHORT_HEADLINES[key])]
    extras: list[str] = []
    if checking:
        extras.append(_("待核实：{facts}。").format(facts="、".join(_(label) for label in checking)))
    if result.outcome in ("not_eligible", "refer") and result.reasons:
        extras.append(result.reasons[0].text)
    if result.next_steps:
        extras.append(_("下一步：{step}").format(step=result.next_steps[0].text))
    tail = _(SMS_DISCLAIMER)

    def size(lines: list[str]) -> int:
        return _units("\n".join([*lines, tail, rendered_options]))

    for extra in extras:
        if size([*parts, extra]) <= SMS_UNITS:
            parts.append(extra)
    return Reply("\n".join([*parts, tail]), options=tuple(options))
