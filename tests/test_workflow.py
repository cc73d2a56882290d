"""The lifecycle table: every allowed step, every forbidden one, who may take each, evidence and dates."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from test_households import World, build_world, new_application, staff

from api.db import transaction
from api.domain.errors import Forbidden, InvalidTransition, ValidationFailed
from api.models import Application, ApplicationEvent, ApplicationState, AreaLevel, AuditEntry, Role
from api.services.applications import get_application
from api.services.workflow import DECIDERS, TRANSITIONS, Rule, allowed_targets, transition

S = ApplicationState
FILED = dt.date(2025, 5, 6)
TODAY = dt.date(2025, 6, 16)


def sample_evidence(rule: Rule, to: S) -> dict[str, Any]:
    values: dict[str, Any] = {
        "survey_date": "2025-05-10", "minutes_ref": "东村纪要〔2025〕3号", "appraisal_grade": "C",
        "appraisal_report_no": "JD-2025-017", "agreement_date": "2025-06-01", "start_date": "2025-06-02",
        "completion_date": "2025-06-10", "acceptance_date": "2025-06-12", "payment_amount_yuan": 14000,
        "payment_date": "2025-06-13", "acceptance_result": "failed" if to is S.rectification else "passed"}
    return {name: values[name] for name in rule.evidence}


def area_for(world: World, level: AreaLevel):  # type: ignore[no-untyped-def]
    return {AreaLevel.village: world.village, AreaLevel.township: world.township,
            AreaLevel.county: world.county}[level]


def at_state(session: Session, world: World, state: S) -> Application:
    app = new_application(session, world, FILED)
    app.state = state
    session.flush()
    return app


NOTICE_ONLY = sorted((k for k, r in TRANSITIONS.items() if r.via), key=str)
DIRECT = sorted((k for k, r in TRANSITIONS.items() if not r.via), key=str)


@pytest.mark.parametrize(("frm", "to"), DIRECT, ids=[f"{a.value}->{b.value}" for a, b in DIRECT])
def test_every_allowed_step(session: Session, frm: S, to: S) -> None:
    world = build_world(session)
    rule = TRANSITIONS[(frm, to)]
    app = at_state(session, world, frm)
    level = sorted(rule.levels)[0]
    role = Role.reviewer if rule.roles == DECIDERS else Role.clerk
    actor = staff(area_for(world, level), role)
    event = transition(session, actor, app, to, reason="按程序办理", evidence=sample_evidence(rule, to),
                       today=TODAY)
    assert app.state is to and event.from_state is frm and event.to_state is to
    assert event.actor == actor.label and not event.automatic and event.reason
    assert event.effective_on <= TODAY
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "application",
                                                     AuditEntry.entity_id == str(app.id))
                            .order_by(AuditEntry.id.desc())).first()
    assert audit is not None and audit.action == f"application.{to.value}"
    assert audit.before["state"] == frm.value and audit.after["state"] == to.value


@pytest.mark.parametrize(("frm", "to"), NOTICE_ONLY, ids=[f"{a.value}->{b.value}" for a, b in NOTICE_ONLY])
def test_notice_and_objection_steps_are_not_taken_directly(session: Session, frm: S, to: S) -> None:
    world = build_world(session)
    rule = TRANSITIONS[(frm, to)]
    app = at_state(session, world, frm)
    actor = staff(area_for(world, sorted(rule.levels)[0]), Role.admin)
    with pytest.raises(InvalidTransition) as err:
        transition(session, actor, app, to, reason="x", evidence=sample_evidence(rule, to), today=TODAY)
    assert ("/notices" if rule.via == "notice" else "/objections") in err.value.message


@pytest.mark.parametrize("frm", list(S), ids=[s.value for s in S])
def test_every_step_not_in_the_table_is_refused(session: Session, frm: S) -> None:
    world = build_world(session)
    app = at_state(session, world, frm)
    admin = staff(world.county, Role.admin)
    for to in S:
        if (frm, to) in TRANSITIONS:
            continue
        with pytest.raises(InvalidTransition) as err:
            transition(session, admin, app, to, reason="x", today=TODAY)
        assert frm.value in err.value.message and to.value in err.value.message
    assert app.state is frm and len(app.events) == 1


def test_terminal_states_have_no_way_out() -> None:
    assert allowed_targets(S.archived) == allowed_targets(S.rejected) == allowed_targets(S.withdrawn) == []


@pytest.mark.parametrize(("frm", "to"), DIRECT, ids=[f"{a.value}->{b.value}" for a, b in DIRECT])
def test_wrong_level_or_role_is_forbidden(session: Session, frm: S, to: S) -> None:
    world = build_world(session)
    rule = TRANSITIONS[(frm, to)]
    app = at_state(session, world, frm)
    for level in set(AreaLevel) - rule.levels:
        with pytest.raises(Forbidden):
            transition(session, staff(area_for(world, level), Role.admin), app, to, reason="x",
                       evidence=sample_evidence(rule, to), today=TODAY)
    level = sorted(rule.levels)[0]
    for role in set(Role) - rule.roles:
        with pytest.raises(Forbidden):
            transition(session, staff(area_for(world, level), role), app, to, reason="x",
                       evidence=sample_evidence(rule, to), today=TODAY)
    assert Role.viewer not in rule.roles
    assert app.state is frm


def test_foreign_application_is_not_found(session: Session) -> None:
    from api.domain.errors import NotFound

    world = build_world(session)
    app = new_application(session, world, FILED)
    with pytest.raises(NotFound):
        get_application(session, staff(world.village2), app.id)


# --- evidence and dates ---------------------------------------------------------------------------------

def step(session: Session, world: World, app: Application, to: S, level: AreaLevel,
         role: Role = Role.reviewer, **kw: Any) -> ApplicationEvent:
    return transition(session, staff(area_for(world, level), role), app, to, today=TODAY, **kw)


@pytest.mark.parametrize(("frm", "to", "level", "evidence", "field"), [
    (S.submitted, S.village_review, AreaLevel.village, {}, "evidence.survey_date"),
    (S.submitted, S.village_review, AreaLevel.village, {"survey_date": "10 May"}, "evidence.survey_date"),
    (S.submitted, S.village_review, AreaLevel.village, {"survey_date": "2025-06-17"}, "evidence.survey_date"),
    (S.submitted, S.village_review, AreaLevel.village, {"survey_date": "2025-05-01"}, "evidence.survey_date"),
    (S.submitted, S.village_review, AreaLevel.village, {"survey_date": "2025-05-10", "grade": "C"},
     "evidence.grade"),
    (S.appraisal, S.approved, AreaLevel.county, {"appraisal_grade": "C"}, "evidence.appraisal_report_no"),
    (S.appraisal, S.approved, AreaLevel.county, {"appraisal_grade": "E", "appraisal_report_no": "J1"},
     "evidence.appraisal_grade"),
    (S.appraisal, S.approved, AreaLevel.county, {"appraisal_grade": "B", "appraisal_report_no": "J1"},
     "evidence.appraisal_grade"),
    (S.accepted, S.paid, AreaLevel.county, {"payment_amount_yuan": -5, "payment_date": "2025-06-10"},
     "evidence.payment_amount_yuan"),
    (S.accepted, S.paid, AreaLevel.county, {"payment_amount_yuan": "14000", "payment_date": "2025-06-10"},
     "evidence.payment_amount_yuan"),
    (S.completed, S.accepted, AreaLevel.county,
     {"acceptance_result": "failed", "acceptance_date": "2025-06-10"},
     "evidence.acceptance_result"),
    (S.completed, S.accepted, AreaLevel.county,
     {"acceptance_result": "maybe", "acceptance_date": "2025-06-10"},
     "evidence.acceptance_result"),
])
def test_evidence_errors_name_the_field(session: Session, frm: S, to: S, level: AreaLevel,
                                        evidence: dict[str, Any], field: str) -> None:
    world = build_world(session)
    app = at_state(session, world, frm)
    with pytest.raises(ValidationFailed) as err:
        step(session, world, app, to, level, evidence=evidence)
    assert err.value.field == field and field.split(".")[1] in err.value.message
    assert app.state is frm and len(app.events) == 1


def test_grade_a_or_b_means_rejection_with_the_standard_reason(session: Session) -> None:
    world = build_world(session)
    app = at_state(session, world, S.appraisal)
    with pytest.raises(ValidationFailed) as err:
        step(session, world, app, S.approved, AreaLevel.county,
             evidence={"appraisal_grade": "B", "appraisal_report_no": "JD-9"})
    assert "004 四(五)3(1)" in err.value.message
    event = step(session, world, app, S.rejected, AreaLevel.county,
                 evidence={"appraisal_grade": "b", "appraisal_report_no": "JD-9"})
    assert app.state is S.rejected and app.appraisal_grade == "B"
    assert "不是C、D级危房" in event.reason and app.closing_reason == event.reason


@pytest.mark.parametrize("to", [S.rejected, S.withdrawn])
def test_side_exits_need_a_written_reason(session: Session, to: S) -> None:
    world = build_world(session)
    app = at_state(session, world, S.village_review)
    with pytest.raises(ValidationFailed) as err:
        step(session, world, app, to, AreaLevel.village, reason="  ")
    assert err.value.field == "reason"
    step(session, world, app, to, AreaLevel.village, reason="申请人书面申请撤回")
    assert app.closing_reason == "申请人书面申请撤回"


def test_the_whole_main_line_with_dates_in_order(session: Session) -> None:
    world = build_world(session)
    app = at_state(session, world, S.department_check)
    step(session, world, app, S.appraisal, AreaLevel.township, effective_on=dt.date(2025, 5, 20))
    step(session, world, app, S.approved, AreaLevel.county, effective_on=dt.date(2025, 5, 26),
         evidence={"appraisal_grade": "D", "appraisal_report_no": "JD-1"})
    assert app.approved_on == dt.date(2025, 5, 26)
    with pytest.raises(ValidationFailed) as err:  # agreement before approval
        step(session, world, app, S.agreement_signed, AreaLevel.township,
             evidence={"agreement_date": "2025-05-25"})
    assert err.value.field == "evidence.agreement_date"
    step(session, world, app, S.agreement_signed, AreaLevel.township,
         evidence={"agreement_date": "2025-05-28"})
    assert app.due_on == dt.date(2025, 6, 28)  # agreement_start: 1 month (004 四(五)4(7))
    with pytest.raises(ValidationFailed) as err:  # start before agreement
        step(session, world, app, S.under_construction, AreaLevel.village,
             evidence={"start_date": "2025-05-27"})
    assert err.value.field == "evidence.start_date" and "2025-05-28" in err.value.message
    step(session, world, app, S.under_construction, AreaLevel.village,
         evidence={"start_date": "2025-06-01"})
    assert app.due_on is None
    with pytest.raises(ValidationFailed) as err:  # completion before start
        step(session, world, app, S.completed, AreaLevel.village,
             evidence={"completion_date": "2025-05-31"})
    assert err.value.field == "evidence.completion_date"
    step(session, world, app, S.completed, AreaLevel.village,
         evidence={"completion_date": "2025-06-09"})
    step(session, world, app, S.rectification, AreaLevel.township, reason="圈梁缺失",
         evidence={"acceptance_result": "failed", "acceptance_date": "2025-06-10"})
    assert app.acceptance_passed is False
    with pytest.raises(ValidationFailed) as err:  # rectified before the failed acceptance
        step(session, world, app, S.completed, AreaLevel.village,
             evidence={"completion_date": "2025-06-09"})
    assert err.value.field == "evidence.completion_date"
    step(session, world, app, S.completed, AreaLevel.village,
         evidence={"completion_date": "2025-06-12"})
    with pytest.raises(ValidationFailed) as err:  # effective_on in the future
        step(session, world, app, S.accepted, AreaLevel.county, effective_on=dt.date(2025, 6, 17),
             evidence={"acceptance_result": "passed", "acceptance_date": "2025-06-13"})
    assert err.value.field == "effective_on"
    step(session, world, app, S.accepted, AreaLevel.county,
         evidence={"acceptance_result": "passed", "acceptance_date": "2025-06-13"})
    with pytest.raises(ValidationFailed) as err:  # payment before acceptance
        step(session, world, app, S.paid, AreaLevel.county,
             evidence={"payment_amount_yuan": 14000, "payment_date": "2025-06-12"})
    assert err.value.field == "evidence.payment_date"
    step(session, world, app, S.paid, AreaLevel.county,
         evidence={"payment_amount_yuan": 14000, "payment_date": "2025-06-15"})
    step(session, world, app, S.archived, AreaLevel.county)
    assert app.state is S.archived and app.paid_amount_yuan == 14000
    states = [e.to_state for e in app.events]
    assert states[-3:] == [S.accepted, S.paid, S.archived]


def test_effective_on_may_not_go_back_before_the_previous_step(session: Session) -> None:
    world = build_world(session)
    app = at_state(session, world, S.department_check)
    with pytest.raises(ValidationFailed) as err:
        step(session, world, app, S.appraisal, AreaLevel.township, effective_on=dt.date(2025, 5, 1))
    assert err.value.field == "effective_on"


def test_due_dates_come_from_the_county_profile(session: Session) -> None:
    world = build_world(session)
    app = at_state(session, world, S.department_check)
    step(session, world, app, S.rejected, AreaLevel.township, reason="部门核查：财政供养人员")
    assert app.due_on is None
    # 鹤岗 states no township review, department check or agreement period: no deadline is invented.
    hg = build_world(session, "230400")
    other = new_application(session, hg, FILED)
    other.state = S.approved
    other.approved_on = dt.date(2025, 5, 20)
    session.flush()
    step(session, hg, other, S.agreement_signed, AreaLevel.township,
         evidence={"agreement_date": "2025-05-28"})
    assert other.due_on is None and not other.due_provisional


# --- concurrency ----------------------------------------------------------------------------------------

def test_two_concurrent_transitions_one_wins_the_other_conflicts(engine: Engine) -> None:
    with transaction(engine) as s:
        world = build_world(s)
        start = at_state(s, world, S.appraisal)
        app_id, version = start.id, start.version
        county = staff(world.county, Role.reviewer)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(to: S, evidence: dict[str, Any]) -> None:
        try:
            with transaction(engine) as s:
                app = get_application(s, county, app_id)
                barrier.wait()
                transition(s, county, app, to, reason="结论", evidence=evidence, today=TODAY)
            outcomes.append("ok")
        except StaleDataError:
            outcomes.append("409")

    approve = {"appraisal_grade": "D", "appraisal_report_no": "J"}
    threads = [threading.Thread(target=act, args=(S.approved, approve)),
               threading.Thread(target=act, args=(S.rejected, {}))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "ok"]
    with transaction(engine) as s:
        app = s.get(Application, app_id)
        assert app is not None and app.state in (S.approved, S.rejected)
        assert app.version == version + 1
        assert s.scalar(select(func.count()).select_from(ApplicationEvent)
                        .where(ApplicationEvent.application_id == app_id)) == 2


def test_stale_session_loses(engine: Engine) -> None:
    """Deterministic interleaving: both load the same version; the second commits; the first's flush fails."""
    with transaction(engine) as s:
        world = build_world(s)
        app_id = at_state(s, world, S.village_review).id
        village = staff(world.village, Role.reviewer)
    with pytest.raises(StaleDataError), transaction(engine) as first:
        stale = get_application(first, village, app_id)
        with transaction(engine) as second:
            transition(second, village, get_application(second, village, app_id), S.rejected, reason="不符合",
                       today=TODAY)
        transition(first, village, stale, S.withdrawn, reason="撤回", today=TODAY)
