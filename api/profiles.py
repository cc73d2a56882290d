"""County profiles: every figure a county sets, read from content/counties/*.yaml and validated.

Code asks a profile for a period or a rule; it never carries a policy figure of its own.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from api.domain.errors import UnknownCounty
from content import CONTENT_DIR

Unit = Literal["days", "working_days", "months"]
PeriodName = Literal[
    "village_publicity", "township_publicity", "county_publicity", "township_review", "department_check",
    "agreement_start", "complaint_acknowledge", "complaint_resolve",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    doc: str
    file: str
    title: str
    issuer: str
    number: str | None = None
    date: dt.date


class Period(_Strict):
    amount: int
    unit: Unit
    citation: str
    minimum: bool = False
    silence_passes: bool = False


class Periods(_Strict):
    village_publicity: Period | None = None
    township_publicity: Period | None = None
    county_publicity: Period | None = None
    township_review: Period | None = None
    department_check: Period | None = None
    agreement_start: Period | None = None
    complaint_acknowledge: Period | None = None
    complaint_resolve: Period | None = None


class Categories(_Strict):
    values: list[str]
    citation: str


class SubsidyRule(_Strict):
    applies_to: str
    method: str | None = None
    share: float | None = None
    cap_yuan: int | None = None
    fixed_yuan: int | None = None
    average: bool = False
    text: str
    citation: str


class AreaLimits(_Strict):
    household_max_m2: int | None = None
    per_person_min_m2: int | None = None
    per_person_max_m2_3plus: int | None = None
    text: str
    citation: str


class CountyProfile(_Strict):
    code: str
    name: str
    short_names: list[str] = []
    province: str
    parent: str | None = None
    languages: list[str]
    hotline: str | None = None
    hotline_note: str
    sources: list[Source]
    target_categories: Categories
    periods: Periods
    subsidy: list[SubsidyRule] = []
    area: AreaLimits | None = None
    seismic_intensity: int | None = None
    seismic_citation: str | None = None
    report_phone_citation: str | None = None   # the clause requiring a report phone on every notice, if any

    def period(self, name: PeriodName) -> Period | None:
        """The named period, or None where the county's documents state none."""
        return getattr(self.periods, name)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.short_names]


@lru_cache(maxsize=1)
def load_profiles() -> dict[str, CountyProfile]:
    """All county profiles by division code, validated once per process."""
    profiles: dict[str, CountyProfile] = {}
    for path in sorted((CONTENT_DIR / "counties").glob("*.yaml")):
        profile = CountyProfile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        profiles[profile.code] = profile
    return profiles


def get_profile(code_or_name: str) -> CountyProfile:
    """Look a county up by division code or by any of its names (山阴县, 山阴, 140621)."""
    key = code_or_name.strip()
    profiles = load_profiles()
    if key in profiles:
        return profiles[key]
    for profile in profiles.values():
        if key in profile.names:
            return profile
    known = "、".join(f"{p.name}({p.code})" for p in profiles.values())
    raise UnknownCounty(f"未知的县：{key}。可选：{known} / unknown county {key!r}", field="county")


def document_name(profile: CountyProfile, doc: str) -> str:
    """The document's number, or its whole title when it has none ("004" when the county lacks it)."""
    source = next((s for s in profile.sources if s.doc == doc), None)
    return (source.number or f"《{source.title}》") if source else doc
