"""Screening rules as data: content/screening/common.yaml plus one file per county, loaded and validated once.

A rule is a conjunction of tests (fact ∈ values) with an effect and a citation to the county's own document.
Validation happens at load time so a typo in a rule file fails the test suite, never a farmer's screening.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.domain.errors import UnknownCounty, ValidationFailed
from api.profiles import get_profile
from content import CONTENT_DIR

RULES_DIR = CONTENT_DIR / "screening"
UNKNOWN = "unknown"  # the farmer said 不知道; for house_grade it is a value of its own (not graded yet)

Value = bool | str
Effect = Literal["pass", "note", "verify", "block", "refer"]
Outcome = Literal["likely_eligible", "needs_appraisal", "not_eligible", "refer"]
OUTCOMES: tuple[Outcome, ...] = ("likely_eligible", "needs_appraisal", "not_eligible", "refer")
# How strongly an effect decides: a stronger fired rule wins, and refer outranks a "no" (the other programme
# solves the household's housing whatever this one would say).
RANK: dict[str, int] = {"pass": 0, "note": 0, "verify": 1, "block": 2, "refer": 3}
OUTCOME_OF_RANK: dict[int, Outcome] = dict(enumerate(OUTCOMES))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(_Strict):
    kind: Literal["bool", "choice"]
    values: tuple[str, ...] = ()

    def domain(self) -> tuple[Value, ...]:
        return (True, False) if self.kind == "bool" else self.values

    def unknown_is_value(self) -> bool:
        return UNKNOWN in self.values


class _Said(_Strict):
    """A text in Chinese, optionally also in Korean (延边) and English; ``say`` falls back to Chinese."""

    text: str
    text_ko: str | None = None
    text_en: str | None = None

    def say(self, language: str | None) -> str:
        return {"ko": self.text_ko, "en": self.text_en}.get(language or "") or self.text


class Contradiction(_Said):
    code: str
    when: dict[str, tuple[Value, ...]]


class Common(_Strict):
    facts: dict[str, Fact]
    order: tuple[str, ...]
    contradictions: tuple[Contradiction, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Common:
        if sorted(self.order) != sorted(self.facts):
            raise ValueError("order must list every fact exactly once")
        for item in self.contradictions:
            _check_tests(self, item.when, item.code)
        return self


class Rule(_Said):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: dict[str, tuple[Value, ...]]
    effect: Effect
    citation: str


class NextStep(_Said):
    outcomes: tuple[Outcome, ...]
    citation: str | None
    if_reasons: tuple[str, ...] = ()   # shown only when one of these reasons decided the outcome


class Expect(_Strict):
    outcome: Outcome
    reasons: tuple[str, ...]
    missing: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()


class Case(_Strict):
    name: str
    answers: dict[str, Any]
    expect: Expect


class Disclaimer(_Said):
    citation: str


class CountyRules(_Strict):
    county: str
    sources: tuple[str, ...]
    disclaimer: Disclaimer
    rules: tuple[Rule, ...]
    unknown: dict[str, Disclaimer] = {}     # fact -> what it depends on, said when the farmer does not know
    next_steps: tuple[NextStep, ...]
    tests: tuple[Case, ...] = ()

    @field_validator("rules")
    @classmethod
    def _unique_codes(cls, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        codes = [r.code for r in rules]
        repeated = {c for c in codes if codes.count(c) > 1}
        if repeated:
            raise ValueError(f"rule codes repeated: {sorted(repeated)}")
        return rules

    def facts_used(self) -> set[str]:
        return {fact for rule in self.rules for fact in rule.when}


def _check_tests(common: Common, when: dict[str, tuple[Value, ...]], label: str) -> None:
    if not when:
        raise ValueError(f"{label}: empty condition")
    for fact, values in when.items():
        if fact not in common.facts:
            raise ValueError(f"{label}: unknown fact {fact!r}")
        bad = [v for v in values if v not in common.facts[fact].domain()]
        if bad or not values:
            raise ValueError(f"{label}: {fact} cannot be {bad or 'nothing'}")


def _cited_doc(citation: str) -> str:
    return citation.partition(" ")[0]


@lru_cache(maxsize=1)
def load_common() -> Common:
    return Common.model_validate(yaml.safe_load((RULES_DIR / "common.yaml").read_text(encoding="utf-8")))


def _validate_county(common: Common, rules: CountyRules, stem: str) -> None:
    if rules.county != stem:
        raise ValueError(f"{stem}.yaml declares county {rules.county}")
    for rule in rules.rules:
        _check_tests(common, rule.when, f"{stem} {rule.code}")
    if set(rules.unknown) - set(common.facts):
        raise ValueError(f"{stem}: unknown-fact texts for facts that do not exist")
    citations = [r.citation for r in rules.rules] + [rules.disclaimer.citation]
    citations += [u.citation for u in rules.unknown.values()]
    citations += [s.citation for s in rules.next_steps if s.citation]
    for citation in citations:
        if _cited_doc(citation) not in rules.sources:
            raise ValueError(f"{stem}: {citation!r} cites a document that is not the county's own")
    codes = {r.code for r in rules.rules}
    for step in rules.next_steps:
        if set(step.if_reasons) - codes:
            raise ValueError(f"{stem}: next step names unknown reasons {set(step.if_reasons) - codes}")


@lru_cache(maxsize=1)
def load_all() -> dict[str, CountyRules]:
    """Every county's rules by division code, validated against common.yaml."""
    common = load_common()
    found: dict[str, CountyRules] = {}
    for path in sorted(RULES_DIR.glob("*.yaml")):
        if path.stem == "common":
            continue
        rules = CountyRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        _validate_county(common, rules, path.stem)
        found[rules.county] = rules
    return found


def county_rules(county: str) -> CountyRules:
    """The rules of a county given by code or name; UnknownCounty when there is no profile or no rule file."""
    code = get_profile(county).code
    rules = load_all().get(code)
    if rules is None:
        raise UnknownCounty(f"{code} 暂无资格筛查规则 / no screening rules for county {code}", field="county")
    return rules


def parse_answers(raw: Any) -> dict[str, Value]:
    """Check answers from the API or CLI: known keys, right types; the error names the field at fault."""
    if not isinstance(raw, dict):
        raise ValidationFailed("answers 必须是对象 / answers must be a JSON object", field="answers")
    facts = load_common().facts
    parsed: dict[str, Value] = {}
    for key, value in raw.items():
        field = f"answers.{key}"
        fact = facts.get(key)
        if fact is None:
            known = ", ".join(load_common().order)
            raise ValidationFailed(f"未知的问题 {key!r}；可用：{known} / unknown answer key {key!r}",
                                   field=field)
        if fact.kind == "bool":
            if not (isinstance(value, bool) or value == UNKNOWN):
                raise ValidationFailed(
                    f"{key} 应为 true、false 或 \"unknown\"，收到 {value!r} / {key} must be true, false or "
                    f"\"unknown\"", field=field)
        elif not isinstance(value, str) or (value not in fact.values and value != UNKNOWN):
            allowed = ", ".join([*fact.values, *([] if fact.unknown_is_value() else [UNKNOWN])])
            raise ValidationFailed(
                f"{key} 应为以下之一：{allowed}；收到 {value!r} / {key} must be one of: {allowed}",
                field=field)
        parsed[key] = value
    return parsed
