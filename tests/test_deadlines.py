"""Scheduler deadlines: silent department checks pass (004 四(四)); late starts flagged (四(五)4(7))."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from test_households import World, build_world, new_application, staff

from api.db import transaction
from api.models import Application, ApplicationState, Role
from api.services.deadlines import list_overdue, run_deadline_checks
from api.services.workflow import SYSTEM, apply_transition, transition

S = ApplicationState
FILED = dt.date(2025, 3, 3)


def in_department_check(session: Session, world: World, entered: dt.date) -> Application:
    app = new_application(session, world, FILED)
    app.state = S.township_publicity
    session.flush()
    apply_transition(session, app, S.department_check, actor=SYSTEM, today=entered, effective_on=entered)
    return app


def signed(session: Session, world: World, on: dt.date) -> Application:
    app = new_application(session, world, FILED)
    app.state, app.approved_on = S.approved, FILED
    session.flush()
    transition(session, staff(world.township), app, S.agreement_signed,
               evidence={"agreement_date": on.isoformat()}, today=on)
    return app


def test_silent_department_check_passes_the_day_after_its_deadline(session: Session) -> None:
    world = build_world(session)
    app = in_department_check(session, world, dt.date(2025, 4, 1))
    # 10 working days after Apr 1, 清明 (Apr 4) off: Apr 2, 3, 7, 8, 9, 10, 11, 14, 15, 16
    assert app.due_on == dt.date(2025, 4, 16) and not app.due_provisional
    assert run_deadline_checks(session, dt.date(2025, 4, 16)).passed == []
    assert app.state is S.department_check
    report = run_deadline_checks(session, dt.date(2025, 4, 18))
    assert report.passed == [app.id] and app.state is S.appraisal
    event = app.events[-1]
    assert event.automatic and event.actor == SYSTEM and event.effective_on == dt.date(2025, 4, 17)
    assert "004 四(四)" in event.reason and "2025-04-16" in event.reason
    assert event.evidence == {"citation": "004 四(四)"}
    assert run_deadline_checks(session, dt.date(2025, 4, 19)).passed == []


def test_no_silence_rule_no_automatic_pass(session: Session) -> None:
    world = build_world(session, "230400")  # 鹤岗 states no department-check period
    app = in_department_check(session, world, dt.date(2025, 4, 1))
    assert app.due_on is None
    assert run_deadline_checks(session, dt.date(2026, 1, 1)).passed == []
    assert app.state is S.department_check


def test_answered_check_is_recorded_by_the_township(session: Session) -> None:
    world = build_world(session)
    app = in_department_check(session, world, dt.date(2025, 4, 1))
    transition(session, staff(world.township), app, S.appraisal, evidence={"check_ref": "核查表2025-8"},
               today=dt.date(2025, 4, 8))
    assert app.state is S.appraisal and not app.events[-1].automatic and app.due_on is None
    assert run_deadline_checks(session, dt.date(2025, 5, 1)).passed == []


def test_agreement_with_no_start_is_flagged_once(session: Session) -> None:
    world = build_world(session)
    app = signed(session, world, dt.date(2025, 5, 28))
    assert app.due_on == dt.date(2025, 6, 28)  # one month (004 四(五)4(7))
    assert run_deadline_checks(session, dt.date(2025, 6, 28)).start_overdue == []
    report = run_deadline_checks(session, dt.date(2025, 6, 29))
    assert report.start_overdue == [app.id] and app.start_overdue and app.state is S.agreement_signed
    event = app.events[-1]
    assert event.automatic and event.from_state is event.to_state is S.agreement_signed
    assert "004 四(五)4(7)" in event.reason
    assert run_deadline_checks(session, dt.date(2025, 6, 30)).start_overdue == []
    assert len(app.events) == 3
    rows, total = list_overdue(session, staff(world.township), dt.date(2025, 6, 30))
    assert [a.id for a in rows] == [app.id] and total == 1
    assert list_overdue(session, staff(world.township2), dt.date(2025, 6, 30)) == ([], 0)
    transition(session, staff(world.township, Role.reviewer), app, S.deferred,
               reason="经村委会督促仍未开工，安排至下一年度", today=dt.date(2025, 7, 2))
    assert app.state is S.deferred and app.closing_reason.startswith("经村委会督促")
    assert list_overdue(session, staff(world.township), dt.date(2025, 7, 2)) == ([], 0)


def test_a_late_start_clears_the_overdue_list(session: Session) -> None:
    world = build_world(session)
    app = signed(session, world, dt.date(2025, 5, 28))
    run_deadline_checks(session, dt.date(2025, 6, 29))
    transition(session, staff(world.village), app, S.under_construction,
               evidence={"start_date": "2025-07-01"}, today=dt.date(2025, 7, 1))
    assert app.due_on is None
    assert list_overdue(session, staff(world.county), dt.date(2025, 7, 2)) == ([], 0)


def test_overdue_township_review_is_listed(session: Session) -> None:
    world = build_world(session)
    app = new_application(session, world, FILED)
    app.state = S.village_publicity
    session.flush()
    apply_transition(session, app, S.township_review, actor=SYSTEM, today=dt.date(2025, 3, 11))
    assert app.due_on == dt.date(2025, 3, 20)
    assert list_overdue(session, staff(world.county), dt.date(2025, 3, 20)) == ([], 0)
    rows, _ = list_overdue(session, staff(world.county), dt.date(2025, 3, 21), state=S.township_review)
    assert [a.id for a in rows] == [app.id]


def test_the_scheduler_job_runs_the_same_checks(engine: Engine) -> None:
    from api.jobs import check_deadlines

    with transaction(engine) as s:
        world = build_world(s)
        app_id = in_department_check(s, world, dt.date(2025, 4, 1)).id
    check_deadlines(engine, dt.date(2025, 4, 17))
    with transaction(engine) as s:
        app = s.get(Application, app_id)
        assert app is not None and app.state is S.appraisal
