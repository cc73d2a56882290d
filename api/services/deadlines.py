"""Deadlines the scheduler watches: silent department checks pass (004 四(四)); late starts are flagged.

``run_deadline_checks`` is idempotent: run it twice on the same day and the second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from api.models import Application, ApplicationEvent
from api.models import ApplicationState as S
from api.profiles import get_profile
from api.services import audit
from api.services.applications import list_scoped
from api.services.scope import Actor
from api.services.workflow import ACTIVE, SYSTEM, apply_transition, snapshot

UNITS = {"days": "日", "working_days": "个工作日", "months": "个月"}


@dataclass
class DeadlineReport:
    passed: list[int] = field(default_factory=list)          # department checks deemed passed
    start_overdue: list[int] = field(default_factory=list)   # agreements with no start in time


def _pass_silent_checks(session: Session, today: dt.date) -> list[int]:
    """Departments that did not answer within the period are deemed to have passed the household."""
    passed = []
    due = session.scalars(select(Application).where(
        Application.state == S.department_check, Application.due_on < today).order_by(Application.id)).all()
    for app in due:
        period = get_profile(app.county_code).period("department_check")
        if period is None or not period.silence_passes or app.due_on is None:
            continue
        deemed_on = app.due_on + dt.timedelta(days=1)
        apply_transition(
            session, app, S.appraisal, actor=SYSTEM, automatic=True, today=today, effective_on=deemed_on,
            evidence={"citation": period.citation},
            reason=(f"相关部门在{period.amount}{UNITS[period.unit]}内（至 {app.due_on.isoformat()}）未回复，"
                    f"视为审查合格（{period.citation}） / no answer by {app.due_on.isoformat()}: "
                    "deemed passed"))
        passed.append(app.id)
    return passed


def _flag_late_starts(session: Session, today: dt.date) -> list[int]:
    """No start within the agreement_start period: flagged for deferral to next year (004 四(五)4(7))."""
    flagged = []
    late = session.scalars(select(Application).where(
        Application.state == S.agreement_signed, Application.due_on < today,
        Application.start_overdue.is_(False)).order_by(Application.id)).all()
    for app in late:
        period = get_profile(app.county_code).period("agreement_start")
        citation = period.citation if period else ""
        before = snapshot(app)
        app.start_overdue = True
        app.events.append(ApplicationEvent(
            from_state=app.state, to_state=app.state, actor=SYSTEM, automatic=True, effective_on=today,
            evidence={"citation": citation, "due_on": app.due_on.isoformat() if app.due_on else None},
            reason=(f"协议签订后至 {app.due_on.isoformat() if app.due_on else ''} 仍未开工，"
                    f"经督促仍不开工的可取消当年改造资格、安排至下一年度（{citation}） / "
                    "no start in time: flagged for deferral")))
        session.flush()
        audit.record(session, SYSTEM, "application.start_overdue", "application", app.id, before,
                     snapshot(app))
        flagged.append(app.id)
    return flagged


def run_deadline_checks(session: Session, today: dt.date) -> DeadlineReport:
    return DeadlineReport(passed=_pass_silent_checks(session, today),
                          start_overdue=_flag_late_starts(session, today))


def list_overdue(session: Session, actor: Actor, today: dt.date, *, state: S | None = None,
                 limit: int = 50, offset: int = 0) -> tuple[list[Application], int]:
    """Active applications past their step's deadline, and agreements flagged for a late start."""
    condition = or_(Application.due_on < today,
                    and_(Application.start_overdue.is_(True), Application.state == S.agreement_signed))
    return list_scoped(session, actor, condition, Application.state.in_(ACTIVE), state=state,
                       limit=limit, offset=offset)
