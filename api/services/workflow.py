"""The application lifecycle as a table: which move is allowed from which state, by whom, with what evidence.

Every step goes through ``apply_transition``, so each one writes an event and an audit entry, recomputes the
deadline of the new step from the county profile, and flushes (a concurrent change fails inside the request).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from api.clock import local_today
from api.domain.errors import Forbidden, InvalidTransition, ValidationFailed
from api.domain.workdays import period_end
from api.models import Application, ApplicationEvent, AreaLevel, Role
from api.models import ApplicationState as S
from api.profiles import PeriodName, get_profile
from api.services import audit, events
from api.services.amounts import check_payment
from api.services.scope import DECIDERS, STAFF, Actor

Via = Literal["notice", "objection"]

V, T, C = AreaLevel.village, AreaLevel.township, AreaLevel.county


@dataclass(frozen=True)
class Rule:
    """``via`` marks moves taken only by opening/closing a notice or deciding an objection, never directly."""

    levels: frozenset[AreaLevel]
    roles: frozenset[Role] = STAFF
    evidence: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    reason_required: bool = False
    via: Via | None = None


def _r(levels: set[AreaLevel], roles: frozenset[Role] = STAFF, evidence: tuple[str, ...] = (),
       optional: tuple[str, ...] = (), reason: bool = False, via: Via | None = None) -> Rule:
    return Rule(frozenset(levels), roles, evidence, optional, reason, via)


# The main line (DESIGN.md; 004 四), then the side exits. Levels follow 004: the village surveys,
# evaluates and publicises; the township reviews, publicises and keeps the department checks; the county
# appraises, approves, accepts, pays and archives; the township (乡镇, 004 四(五)) carries the works
# through and does the initial acceptance.
TRANSITIONS: dict[tuple[S, S], Rule] = {
    (S.submitted, S.village_review): _r({V}, evidence=("survey_date",)),
    (S.village_review, S.village_publicity): _r({V}, evidence=("minutes_ref",), via="notice"),
    (S.village_publicity, S.township_review): _r({V}, via="notice"),
    (S.township_review, S.township_publicity): _r({T}, optional=("review_ref",), via="notice"),
    (S.township_publicity, S.department_check): _r({T}, via="notice"),
    (S.department_check, S.appraisal): _r({T}, optional=("check_ref",)),
    (S.appraisal, S.approved): _r({C}, DECIDERS, evidence=("appraisal_grade", "appraisal_report_no")),
    (S.approved, S.agreement_signed): _r({T, C}, evidence=("agreement_date",)),
    (S.agreement_signed, S.under_construction): _r({V, T}, evidence=("start_date",)),
    (S.under_construction, S.completed): _r({V, T}, evidence=("completion_date",)),
    (S.completed, S.accepted): _r({C}, DECIDERS, evidence=("acceptance_result", "acceptance_date")),
    (S.accepted, S.paid): _r({C}, DECIDERS, evidence=("payment_amount_yuan", "payment_date")),
    (S.paid, S.archived): _r({C}),
    # acceptance failed (township's initial or the county's) → rectification → completed (004 七(一)(四))
    (S.completed, S.rectification): _r({T, C}, evidence=("acceptance_result", "acceptance_date"),
                                       reason=True),
    (S.rectification, S.completed): _r({V, T}, evidence=("completion_date",)),
    # an upheld objection sends the application back (004 四(二)(三))
    (S.village_publicity, S.village_review): _r({V}, reason=True, via="objection"),
    (S.township_publicity, S.township_review): _r({T}, reason=True, via="objection"),
    # rejection, always with a written reason, by the level that holds the file at that step
    (S.submitted, S.rejected): _r({V}, DECIDERS, reason=True),
    (S.village_review, S.rejected): _r({V}, DECIDERS, reason=True),
    (S.village_publicity, S.rejected): _r({V}, DECIDERS, reason=True, via="objection"),
    (S.township_review, S.rejected): _r({T}, DECIDERS, reason=True),
    (S.township_publicity, S.rejected): _r({T}, DECIDERS, reason=True, via="objection"),
    (S.department_check, S.rejected): _r({T}, DECIDERS, optional=("check_ref",), reason=True),
    (S.appraisal, S.rejected): _r({C}, DECIDERS, optional=("appraisal_grade", "appraisal_report_no"),
                                  reason=True),
    (S.rectification, S.rejected): _r({C}, DECIDERS, reason=True),  # 整改不到位的取消补助 (004 七(二)2)
    # agreement signed but no start within the county's agreement_start period → next year (004 四(五)4(7))
    (S.approved, S.deferred): _r({T, C}, DECIDERS, reason=True),
    (S.agreement_signed, S.deferred): _r({T, C}, DECIDERS, reason=True),
    (S.deferred, S.approved): _r({C}, DECIDERS, reason=True),
}
_WITHDRAWABLE = (S.submitted, S.village_review, S.village_publicity, S.township_review, S.township_publicity,
                 S.department_check, S.appraisal, S.approved, S.agreement_signed, S.deferred)
for _state in _WITHDRAWABLE:  # at the applicant's request, recorded by whoever holds the file
    TRANSITIONS[(_state, S.withdrawn)] = _r({V, T, C}, reason=True)

TERMINAL = frozenset({S.rejected, S.withdrawn, S.archived})
ACTIVE = frozenset(set(S) - TERMINAL)

# The deadline of a step starts when the application enters it (004 四(三)(四), 四(五)4(7)).
DUE_PERIODS: dict[S, PeriodName] = {
    S.township_review: "township_review",
    S.department_check: "department_check",
    S.agreement_signed: "agreement_start",
}
SYSTEM = "system:scheduler"


def allowed_targets(state: S) -> list[S]:
    return [to for (frm, to) in TRANSITIONS if frm is state]


def rule_for(app: Application, to: S) -> Rule:
    rule = TRANSITIONS.get((app.state, to))
    if rule is None:
        options = "、".join(s.value for s in allowed_targets(app.state)) or "无 / none"
        raise InvalidTransition(
            f"申请 {app.number} 当前状态为 {app.state.value}，不能转为 {to.value}；可转为：{options} / "
            f"cannot move from {app.state.value} to {to.value}", field="to")
    return rule


def check_permission(actor: Actor, rule: Rule, app: Application, to: S) -> None:
    """Raise Forbidden unless the actor's level and role may take this step."""
    step = f"{app.state.value} → {to.value}"
    if actor.role not in rule.roles:
        roles = "、".join(sorted(r.value for r in rule.roles))
        raise Forbidden(f"角色 {actor.role.value} 不能执行 {step}，需要：{roles} / role may not take {step}",
                        field="to")
    if actor.level not in rule.levels:
        levels = "、".join(sorted(lv.value for lv in rule.levels))
        raise Forbidden(f"{actor.level.value} 级不能执行 {step}，应由 {levels} 级办理 / "
                        f"{actor.level.value} level may not take {step}", field="to")


def transition(session: Session, actor: Actor, app: Application, to: S, *, reason: str = "",
               evidence: Mapping[str, Any] | None = None, effective_on: dt.date | None = None,
               today: dt.date | None = None) -> ApplicationEvent:
    """A step requested by a staff member (the API); ``app`` was loaded through the actor's scope."""
    rule = rule_for(app, to)
    if rule.via == "notice":
        raise InvalidTransition(f"{app.state.value} → {to.value} 通过开启或结束公示办理（/notices） / "
                                f"taken by opening or closing a publicity notice", field="to")
    if rule.via == "objection":
        raise InvalidTransition(f"{app.state.value} → {to.value} 通过异议调查结论办理"
                                "（/objections/{id}/decision） / taken by deciding an objection", field="to")
    check_permission(actor, rule, app, to)
    return apply_transition(session, app, to, actor=actor.label, reason=reason, evidence=evidence,
                            effective_on=effective_on, today=today, rule=rule)


def apply_transition(session: Session, app: Application, to: S, *, actor: str, reason: str = "",
                     evidence: Mapping[str, Any] | None = None, effective_on: dt.date | None = None,
                     today: dt.date | None = None, automatic: bool = False,
                     rule: Rule | None = None) -> ApplicationEvent:
    """Take a step whose permission is already settled (by ``transition`` or by the calling service)."""
    rule = rule or rule_for(app, to)
    today = today or local_today()
    before = snapshot(app)
    previous = app.events[-1].effective_on if app.events else None
    applied = apply_evidence(app, to, rule.evidence, rule.optional, evidence or {}, reason=reason,
                             reason_required=rule.reason_required, effective_on=effective_on,
                             previous_on=previous, today=today)
    frm = app.state
    app.state = to
    if to in (S.rejected, S.withdrawn, S.deferred):
        app.closing_reason = applied.reason
    recompute_due(app, applied.effective_on)
    event = ApplicationEvent(from_state=frm, to_state=to, actor=actor, effective_on=applied.effective_on,
                             reason=applied.reason, evidence=applied.evidence, automatic=automatic)
    app.events.append(event)
    session.flush()
    audit.record(session, actor, f"application.{to.value}", "application", app.id, before, snapshot(app))
    events.application_moved(session, app, event)
    return event


def recompute_due(app: Application, start: dt.date) -> None:
    """The new step's deadline from the county profile; none where the county states no period."""
    app.due_on, app.due_provisional = None, False
    if app.state is S.agreement_signed:
        app.start_overdue = False
    name = DUE_PERIODS.get(app.state)
    period = get_profile(app.county_code).period(name) if name else None
    if period is not None:
        deadline = period_end(start, period.amount, period.unit)
        app.due_on, app.due_provisional = deadline.due, deadline.provisional


def snapshot(app: Application) -> dict[str, Any]:
    """What the audit log keeps of an application: its state, deadline and evidence columns."""
    keys = ("number", "state", "due_on", "due_provisional", "start_overdue", "survey_done_on",
            "minutes_ref", "appraisal_grade", "appraisal_report_no", "approved_on", "agreement_signed_on",
            "started_on", "completed_on", "acceptance_passed", "accepted_on", "paid_amount_yuan", "paid_on",
            "closing_reason")
    out: dict[str, Any] = {}
    for key in keys:
        value = getattr(app, key)
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


# --- evidence: one parser per fact; dates in order and never in the future ---------------------------------

NOT_CD_REASON = ("鉴定为{grade}级，不是C、D级危房，不能列为农村危房改造补助对象（004 四(五)3(1)） / "
                 "not a C/D dangerous house")
EXTRA_EVIDENCE = ("photos", "note", "citation", "paper_ref")  # paper_ref: the paper record a back-dated step copies
_TEXT_LIMITS = {"minutes_ref": 128, "review_ref": 128, "check_ref": 128, "appraisal_report_no": 64,
                "note": 500, "citation": 64, "paper_ref": 128}
_DATE_FIELDS = ("survey_date", "agreement_date", "start_date", "completion_date", "acceptance_date",
                "payment_date")
_RESULTS = {"passed": True, "合格": True, "failed": False, "不合格": False}


@dataclass(frozen=True)
class Applied:
    effective_on: dt.date
    reason: str
    evidence: dict[str, Any]


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"evidence.{name}: {message}", field=f"evidence.{name}")


def _parse(name: str, raw: Any) -> Any:
    """One evidence value, checked for its type; returned as the Python value the column holds."""
    if name in _DATE_FIELDS:
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            raise _invalid(name, f"应为日期 YYYY-MM-DD，收到 {raw!r} / expected a date") from None
    if name == "appraisal_grade":
        grade = str(raw).strip().upper()
        if grade not in ("A", "B", "C", "D"):
            raise _invalid(name, f"鉴定等级应为 A/B/C/D，收到 {raw!r} / grade must be A, B, C or D")
        return grade
    if name == "acceptance_result":
        if str(raw) not in _RESULTS:
            raise _invalid(name, f"验收结果应为 passed 或 failed，收到 {raw!r} / expected passed or failed")
        return _RESULTS[str(raw)]
    if name == "payment_amount_yuan":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
            raise _invalid(name, f"拨付金额应为正整数（元），收到 {raw!r} / expected whole yuan > 0")
        return raw
    if name == "photos":
        if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
            raise _invalid(name, "应为照片引用的列表 / expected a list of photo references")
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise _invalid(name, "不能为空 / must not be empty")
    if len(text) > _TEXT_LIMITS[name]:
        raise _invalid(name, f"不能超过 {_TEXT_LIMITS[name]} 个字符 / too long")
    return text


def _not_before(name: str, value: dt.date, floor: dt.date | None, what: str) -> None:
    if floor is not None and value < floor:
        raise _invalid(name, f"{value.isoformat()} 早于{what}（{floor.isoformat()}）")


def apply_evidence(app: Application, to: S, required: tuple[str, ...], optional: tuple[str, ...],
                   given: Mapping[str, Any], *, reason: str, reason_required: bool,
                   effective_on: dt.date | None, previous_on: dt.date | None, today: dt.date) -> Applied:
    """Check one step's evidence and write it onto the application; nothing is written on error."""
    allowed = (*required, *optional, *EXTRA_EVIDENCE)
    for name in given:
        if name not in allowed:
            raise _invalid(name, f"{app.state.value} → {to.value} 不使用此项；可用：{'、'.join(allowed)}"
                                 " / not used for this step")
    for name in required:
        if given.get(name) in (None, ""):
            raise _invalid(name, f"{app.state.value} → {to.value} 必须提供 / required for this step")
    values = {name: _parse(name, raw) for name, raw in given.items() if raw is not None}
    for name, value in values.items():
        if isinstance(value, dt.date) and value > today:
            raise _invalid(name, f"{value.isoformat()} 晚于今天 {today.isoformat()} / in the future")
    _check_order(app, values)
    if "payment_amount_yuan" in values:
        check_payment(app.county_code, values["payment_amount_yuan"], values.get("note"))
    key_date = next((values[n] for n in required if n in _DATE_FIELDS), None)
    effective = effective_on or key_date or today
    if effective > today:
        raise ValidationFailed(f"effective_on: {effective.isoformat()} 晚于今天 {today.isoformat()} / "
                               "must not be in the future", field="effective_on")
    if previous_on is not None and effective < previous_on:
        raise ValidationFailed(f"effective_on: {effective.isoformat()} 早于上一步骤"
                               f"（{previous_on.isoformat()}） / before the previous step",
                               field="effective_on")
    grade = values.get("appraisal_grade")
    if to is S.approved and grade in ("A", "B"):
        raise _invalid("appraisal_grade", NOT_CD_REASON.format(grade=grade) + "；请改为 rejected")
    reason = reason.strip()
    if not reason and to is S.rejected and grade in ("A", "B"):
        reason = NOT_CD_REASON.format(grade=grade)
    if reason_required and not reason:
        raise ValidationFailed(f"reason: {app.state.value} → {to.value} 必须写明理由 / "
                               "a written reason is required", field="reason")
    if "acceptance_result" in values:
        if to is S.accepted and not values["acceptance_result"]:
            raise _invalid("acceptance_result", "验收不合格应转为 rectification / failed → rectification")
        if to is S.rectification and values["acceptance_result"]:
            raise _invalid("acceptance_result", "验收合格应转为 accepted / passed acceptance → accepted")
    _write_columns(app, to, values, effective)
    evidence = {k: (v.isoformat() if isinstance(v, dt.date) else given[k] if k == "acceptance_result" else v)
                for k, v in values.items()}
    return Applied(effective, reason, evidence)


def _check_order(app: Application, values: Mapping[str, Any]) -> None:
    filed = app.events[0].effective_on if app.events else None
    if "survey_date" in values:
        _not_before("survey_date", values["survey_date"], filed, "申请日期 / the filing date")
    if "agreement_date" in values:
        _not_before("agreement_date", values["agreement_date"], app.approved_on, "批准日期 / approval")
    if "start_date" in values:
        _not_before("start_date", values["start_date"], app.agreement_signed_on, "协议日期 / agreement")
    if "completion_date" in values:
        _not_before("completion_date", values["completion_date"], app.started_on, "开工日期 / the start date")
        if app.state is S.rectification:
            _not_before("completion_date", values["completion_date"], app.accepted_on,
                        "验收日期 / the failed acceptance")
    if "acceptance_date" in values:
        _not_before("acceptance_date", values["acceptance_date"], app.completed_on, "竣工日期 / completion")
    if "payment_date" in values:
        _not_before("payment_date", values["payment_date"], app.accepted_on, "验收日期 / the acceptance date")


_COLUMNS = {"survey_date": "survey_done_on", "minutes_ref": "minutes_ref",
            "appraisal_grade": "appraisal_grade", "appraisal_report_no": "appraisal_report_no",
            "agreement_date": "agreement_signed_on", "start_date": "started_on",
            "completion_date": "completed_on", "acceptance_result": "acceptance_passed",
            "acceptance_date": "accepted_on", "payment_amount_yuan": "paid_amount_yuan",
            "payment_date": "paid_on"}


def _write_columns(app: Application, to: S, values: Mapping[str, Any], effective: dt.date) -> None:
    for name, value in values.items():
        if name in _COLUMNS:
            setattr(app, _COLUMNS[name], value)
    if to is S.approved:
        app.approved_on = effective
