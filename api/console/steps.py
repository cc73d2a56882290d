"""The step guide: for an application, the moves allowed next, the evidence each needs, and the county's period.

Everything here is read from the workflow table (api/services/workflow.py) and the county profile; the console
adds only labels. Whether a move is the reader's to take is asked of the same ``check_permission`` the API uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from api.console.web import N_
from api.domain.errors import DomainError, ValidationFailed
from api.models import Application
from api.models import ApplicationState as S
from api.profiles import PeriodName, get_profile
from api.services.amounts import payment_bound
from api.services.scope import Actor
from api.services.workflow import _DATE_FIELDS, TRANSITIONS, check_permission

FIELD_LABELS = {
    "survey_date": N_("入户调查日期"), "minutes_ref": N_("“四议两公开”会议纪要编号"),
    "review_ref": N_("乡镇审核文号"), "check_ref": N_("部门审查文号"), "appraisal_grade": N_("房屋危险性鉴定等级"),
    "appraisal_report_no": N_("鉴定报告编号"), "agreement_date": N_("协议签订日期"), "start_date": N_("开工日期"),
    "completion_date": N_("竣工日期"), "acceptance_result": N_("验收结果"), "acceptance_date": N_("验收日期"),
    "payment_amount_yuan": N_("拨付金额（元）"), "payment_date": N_("拨付日期"),
    "note": N_("说明"), "paper_ref": N_("纸质记录编号"),
}
UNITS = {"days": N_("日"), "working_days": N_("个工作日"), "months": N_("个月")}
# The county period a move starts (the deadline of the step it enters).
PERIOD_OF: dict[S, PeriodName] = {
    S.village_publicity: "village_publicity", S.township_review: "township_review",
    S.township_publicity: "township_publicity", S.department_check: "department_check",
    S.agreement_signed: "agreement_start",
}
PERIOD_NAMES: dict[str, str] = {
    "village_publicity": N_("村级公示期"), "township_review": N_("乡镇审核期限"),
    "township_publicity": N_("乡镇公示期"), "department_check": N_("部门审查期限"),
    "agreement_start": N_("签订协议后开工期限"),
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str        # date, grade, result, amount, text
    required: bool


@dataclass(frozen=True)
class Period:
    name: str
    amount: int
    unit: str
    minimum: bool
    silence_passes: bool
    citation: str


@dataclass(frozen=True)
class Step:
    to: S
    fields: list[Field]
    reason_required: bool
    via: str | None
    refusal: str | None       # why the reader may not take it (None: they may)
    period: Period | None
    period_name: str | None   # the period's name when the county's documents state none
    bound: Any                # the payment bound, for the payment step

    @property
    def form_id(self) -> str:
        return f"step-{self.to.value}"


def _kind(name: str) -> str:
    if name in _DATE_FIELDS:
        return "date"
    return {"appraisal_grade": "grade", "acceptance_result": "result",
            "payment_amount_yuan": "amount"}.get(name, "text")


def _period(county_code: str, to: S) -> tuple[Period | None, str | None]:
    name = PERIOD_OF.get(to)
    if name is None:
        return None, None
    period = get_profile(county_code).period(name)
    if period is None:
        return None, name
    return Period(name, period.amount, period.unit, period.minimum, period.silence_passes, period.citation), name


def guide(app: Application, actor: Actor) -> list[Step]:
    """Every move from the application's state, in the workflow table's order."""
    steps = []
    for (frm, to), rule in TRANSITIONS.items():
        if frm is not app.state:
            continue
        refusal = None
        try:
            check_permission(actor, rule, app, to)
        except DomainError as exc:
            refusal = exc.message
        if actor.role.value == "viewer":
            refusal = refusal or "只读账号不能办理 / a read-only account takes no step"
        fields = [Field(n, FIELD_LABELS[n], _kind(n), True) for n in rule.evidence]
        fields += [Field(n, FIELD_LABELS[n], _kind(n), False) for n in rule.optional]
        if "payment_amount_yuan" in rule.evidence:
            fields.append(Field("note", FIELD_LABELS["note"], "text", False))
        period, period_name = _period(app.county_code, to)
        bound = payment_bound(app.county_code) if "payment_amount_yuan" in rule.evidence else None
        steps.append(Step(to, fields, rule.reason_required, rule.via, refusal, period, period_name, bound))
    return steps


def evidence_from_form(step: Step, form: dict[str, str]) -> dict[str, Any]:
    """The evidence dict the workflow expects, from the form's strings; empty optional fields are left out."""
    evidence: dict[str, Any] = {}
    for field in step.fields:
        raw = (form.get(f"evidence.{field.name}") or "").strip()
        if not raw:
            continue
        if field.kind == "amount":
            evidence[field.name] = int(raw) if raw.isdigit() else raw
        else:
            evidence[field.name] = raw
    paper = (form.get("evidence.paper_ref") or "").strip()
    if paper:
        evidence["paper_ref"] = paper
    return evidence


def parse_date(raw: str | None, field: str) -> dt.date | None:
    if not raw or not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed(f"{field}: 应为日期 YYYY-MM-DD / expected a date", field=field) from None
