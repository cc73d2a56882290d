"""Evaluate a county's screening rules against a farmer's answers, and choose the next question worth asking.

Each rule is *fired* (every test holds on a definite answer), *dead* (a definite answer fails a test) or
*open* (waiting on an answer not given or answered 不知道). Fired rules decide the outcome, the strongest
winning. An open rule that could still change it makes the outcome weaker (never a "no") and puts its open
facts in ``missing``: the questionnaire asks exactly those, and stops when there are none left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from api.profiles import CountyProfile, Period, PeriodName, get_profile
from api.screening.questions import GROUP_OF, N_, QUESTIONS
from api.screening.rules import (
    OUTCOME_OF_RANK,
    RANK,
    UNKNOWN,
    Common,
    Contradiction,
    CountyRules,
    Outcome,
    Rule,
    Value,
    county_rules,
    load_common,
)

Translate = Callable[[str], str]

# The county-profile periods worth telling an applicant, with how to name each stage.
_STAGES: tuple[tuple[PeriodName, str], ...] = (
    ("village_publicity", N_("村里评议后公示")),
    ("township_review", N_("乡镇审查")),
    ("township_publicity", N_("乡镇审查后公示")),
    ("department_check", N_("县里各部门核查")),
    ("county_publicity", N_("县级审批后公示")),
)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    citation: str | None


@dataclass(frozen=True)
class Step:
    text: str
    citation: str | None


@dataclass(frozen=True)
class Conflict:
    code: str
    facts: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Result:
    county: str
    outcome: Outcome
    reasons: tuple[Reason, ...]
    next_steps: tuple[Step, ...]
    missing: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    disclaimer: Step

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Analysis:
    fired: tuple[Rule, ...]
    relevant: tuple[Rule, ...]       # open rules that could still change the outcome
    outcome_rank: int
    missing: tuple[str, ...]
    conflicts: tuple[Contradiction, ...]


def _definite(answers: Mapping[str, Value], common: Common) -> dict[str, Value]:
    """The answers that settle their fact: 不知道 settles nothing, except a house not yet graded."""
    return {k: v for k, v in answers.items()
            if k in common.facts and (v != UNKNOWN or common.facts[k].unknown_is_value())}


def _holds(when: Mapping[str, tuple[Value, ...]], facts: Mapping[str, Value]) -> bool | None:
    """True when every test holds, False when one fails, None while a tested fact is open."""
    result: bool | None = True
    for fact, values in when.items():
        if fact not in facts:
            result = None
        elif facts[fact] not in values:
            return False
    return result


def _analyse(answers: Mapping[str, Value], rules: CountyRules) -> _Analysis:
    common = load_common()
    facts = _definite(answers, common)
    conflicts = tuple(c for c in common.contradictions if _holds(c.when, facts))
    for conflict in conflicts:             # neither side of a contradiction is trusted
        for fact in conflict.when:
            facts.pop(fact, None)
    status = [(rule, _holds(rule.when, facts)) for rule in rules.rules]
    fired = tuple(r for r, holds in status if holds is True)
    open_rules = [r for r, holds in status if holds is None]
    decided = max((RANK[r.effect] for r in fired), default=0)
    if decided >= RANK["block"]:
        relevant = tuple(r for r in open_rules if RANK[r.effect] > decided)
    else:
        relevant = tuple(r for r in open_rules if RANK[r.effect] >= RANK["verify"])
    rank = max(decided, RANK["verify"]) if relevant and decided < RANK["block"] else decided
    wanted = {f for r in relevant for f in r.when if f not in facts}
    missing = tuple(f for f in common.order if f in wanted)
    return _Analysis(fired, relevant, rank, missing, conflicts)


def _identity(message: str) -> str:
    return message


def _duration(period: Period, _: Translate) -> str:
    unit = {"days": _("{n}日"), "working_days": _("{n}个工作日"), "months": _("{n}个月")}[period.unit]
    text = unit.format(n=period.amount)
    if period.minimum:
        text = _("不少于{duration}").format(duration=text)
    if period.silence_passes:
        text = _("{duration}，逾期不回复视为通过").format(duration=text)
    return text


def _procedure(profile: CountyProfile, _: Translate) -> list[Step]:
    steps = []
    for name, stage in _STAGES:
        period = profile.period(name)
        if period is not None:
            steps.append(Step(_("{stage}：{duration}").format(stage=_(stage), duration=_duration(period, _)),
                              period.citation))
    return steps


def _reasons(analysis: _Analysis, rules: CountyRules, _: Translate, language: str | None) -> list[Reason]:
    def reason(rule: Rule) -> Reason:
        return Reason(rule.code, rule.say(language), rule.citation)

    rank = analysis.outcome_rank
    notes = [reason(r) for r in analysis.fired if r.effect == "note"]
    if rank >= RANK["block"]:
        return [reason(r) for r in analysis.fired if RANK[r.effect] == rank] + notes
    found = [reason(r) for r in analysis.fired if r.effect == "verify"]
    for fact in analysis.missing:
        rule = max((r for r in analysis.relevant if fact in r.when), key=lambda r: RANK[r.effect])
        text, citation = rule.say(language), rule.citation
        if fact in rules.unknown:
            text, citation = rules.unknown[fact].say(language), rules.unknown[fact].citation
        label = _(QUESTIONS[fact].label)
        found.append(Reason(f"unknown:{fact}", _("“{label}”还不清楚。").format(label=label) + text, citation))
    return found + [reason(r) for r in analysis.fired if r.effect == "pass"] + notes


def _outcome(analysis: _Analysis, answers: Mapping[str, Value]) -> Outcome:
    """``needs_appraisal`` only for a house not graded yet; facts the departments still have to check stay in
    ``missing`` and leave a "worth applying" as ``likely_eligible`` (the reasons say they will be checked)."""
    outcome = OUTCOME_OF_RANK[analysis.outcome_rank]
    if outcome not in ("likely_eligible", "needs_appraisal"):
        return outcome
    graded = answers.get("house_grade") not in (None, UNKNOWN)
    return "likely_eligible" if graded else "needs_appraisal"


def evaluate(answers: Mapping[str, Value], county: str, gettext: Translate | None = None,
             language: str | None = None) -> Result:
    """The preliminary judgement for these answers in this county: reasons, next steps, what is missing.

    ``answers`` must already be checked (``parse_answers``); ``gettext`` translates the texts composed here,
    ``language`` picks the rule files' own translations (text_ko, text_en) where they have them.
    """
    _ = gettext or _identity
    rules = county_rules(county)
    analysis = _analyse(answers, rules)
    outcome = _outcome(analysis, answers)
    reasons = _reasons(analysis, rules, _, language)
    codes = {r.code for r in reasons}
    steps = [Step(s.say(language), s.citation) for s in rules.next_steps
             if outcome in s.outcomes and (not s.if_reasons or codes & set(s.if_reasons))]
    if outcome in ("likely_eligible", "needs_appraisal"):
        steps += _procedure(get_profile(rules.county), _)
    conflicts = tuple(Conflict(c.code, tuple(c.when), c.say(language)) for c in analysis.conflicts)
    disclaimer = Step(rules.disclaimer.say(language), rules.disclaimer.citation)
    return Result(rules.county, outcome, tuple(reasons), tuple(steps), analysis.missing, conflicts,
                  disclaimer)


def next_question(answers: Mapping[str, Value], county: str, asked_groups: Iterable[str] = ()) -> str | None:
    """The next question worth asking (a fact or a group key); None once nothing left can change the outcome.

    Facts answered, even with 不知道, are not asked again; facts whose answers contradicted another are.
    """
    analysis = _analyse(answers, county_rules(county))
    conflicted = {f for c in analysis.conflicts for f in c.when}
    groups = set(asked_groups)
    for fact in analysis.missing:
        if fact in answers and fact not in conflicted:
            continue
        group = GROUP_OF.get(fact)
        fresh = group and group not in groups and not any(f in answers for f in QUESTIONS[group].facts)
        return group if fresh else fact
    return None
