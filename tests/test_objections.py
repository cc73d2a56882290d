"""Objections (异议): filed inside the window only, investigated by the notice's level (004 四(二)(三))."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from test_households import World, build_world, staff
from test_publicity import local, reviewed, village_notice

from api.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed, WindowClosed
from api.models import Application, ApplicationState, NoticeLevel, ObjectionStatus, PublicityNotice, Role
from api.schemas.publicity import NoticeIn
from api.services.objections import decide_objection, file_for_actor, file_objection, list_objections
from api.services.publicity import close_due_notices, open_notice, public_view

S = ApplicationState
DAY = dt.date(2025, 3, 3)       # notices opened that day close at the end of 2025-03-10 (山阴, 7 days)
LAST = dt.date(2025, 3, 10)


def posted(session: Session, n: int = 2) -> tuple[World, PublicityNotice, list[Application]]:
    world = build_world(session)
    apps = reviewed(session, world, DAY, n=n)
    return world, village_notice(session, world, apps, DAY), apps


def test_objection_in_the_last_minute_is_taken(session: Session) -> None:
    _, notice, apps = posted(session)
    objection = file_objection(session, notice.id, apps[0].id, "他家在县城有房", "13912345678", channel="sms",
                               sender="13912345678", now=local(LAST, 23, 59, 59))
    assert objection.number == "YY-140621-2025-00001" and objection.status is ObjectionStatus.received
    second = file_objection(session, notice.id, apps[1].id, "有车", None, channel="telegram", sender="42",
                            now=local(DAY, 0, 0))
    assert second.number == "YY-140621-2025-00002"


@pytest.mark.parametrize(("moment", "word"), [
    (local(LAST + dt.timedelta(days=1), 0, 0), "已结束"),
    (local(DAY - dt.timedelta(days=1), 23, 59), "尚未开始"),
])
def test_objection_outside_the_window_says_when_it_was_open(session: Session, moment: dt.datetime,
                                                            word: str) -> None:
    _, notice, apps = posted(session)
    with pytest.raises(WindowClosed) as err:
        file_objection(session, notice.id, apps[0].id, "理由", None, channel="sms", sender="x", now=moment)
    message = err.value.message
    assert word in message and "2025-03-03" in message and "2025-03-10" in message
    assert err.value.http_status == 409


def test_objection_input_errors(session: Session) -> None:
    world, notice, apps = posted(session)
    now = local(DAY, 12, 0)
    with pytest.raises(NotFound):
        file_objection(session, 999, apps[0].id, "x", None, channel="sms", sender=None, now=now)
    stranger = reviewed(session, world, DAY, n=1)[0]
    with pytest.raises(NotFound) as err:
        file_objection(session, notice.id, stranger.id, "x", None, channel="sms", sender=None, now=now)
    assert err.value.field == "application_id"
    with pytest.raises(ValidationFailed) as err2:
        file_objection(session, notice.id, apps[0].id, "  ", None, channel="sms", sender=None, now=now)
    assert err2.value.field == "reason"
    with pytest.raises(ValidationFailed) as err2:
        file_objection(session, notice.id, apps[0].id, "x", "12345", channel="sms", sender=None, now=now)
    assert err2.value.field == "contact_phone"


def test_upheld_sends_the_application_back_with_the_written_reason(session: Session) -> None:
    world, notice, apps = posted(session)
    objection = file_objection(session, notice.id, apps[0].id, "家中有财政供养人员", None, channel="sms",
                               sender="x", now=local(DAY, 9, 0))
    decided = decide_objection(session, staff(world.village), objection.id, outcome="upheld",
                               investigation="入户核实：其子为在编人员", reason="经调查异议成立，材料退回",
                               now=local(DAY + dt.timedelta(days=2), 10, 0))
    assert decided.status is ObjectionStatus.upheld and decided.decided_by == staff(world.village).label
    assert apps[0].state is S.village_review
    assert apps[0].events[-1].reason == "经调查异议成立，材料退回"
    assert close_due_notices(session, LAST + dt.timedelta(days=1)) == [notice.id]
    assert apps[0].state is S.village_review  # not moved on by the close
    assert apps[1].state is S.township_review
    with pytest.raises(Conflict):
        decide_objection(session, staff(world.village), objection.id, outcome="dismissed", investigation="x",
                         reason="y", now=local(DAY, 11, 0))


def test_upheld_may_reject(session: Session) -> None:
    world, notice, apps = posted(session, n=1)
    objection = file_objection(session, notice.id, apps[0].id, "有两处住房", None, channel="api", sender=None,
                               now=local(DAY, 9, 0))
    with pytest.raises(Forbidden):  # rejecting is a decision for the committee's head, not the clerk
        decide_objection(session, staff(world.village), objection.id, outcome="upheld", investigation="核实",
                         reason="有安全住房", action="reject", now=local(DAY, 10, 0))
    decide_objection(session, staff(world.village, Role.reviewer), objection.id, outcome="upheld",
                     investigation="核实", reason="有安全住房，不符合条件", action="reject",
                     now=local(DAY, 10, 0))
    assert apps[0].state is S.rejected and apps[0].closing_reason == "有安全住房，不符合条件"


def test_undecided_objection_holds_the_entry_until_dismissed(session: Session) -> None:
    world, notice, apps = posted(session)
    objection = file_objection(session, notice.id, apps[0].id, "收入不实", "13800001111", channel="sms",
                               sender="13800001111", now=local(LAST, 20, 0))
    close_due_notices(session, LAST + dt.timedelta(days=1))
    assert apps[0].state is S.village_publicity and apps[1].state is S.township_review
    decide_objection(session, staff(world.village), objection.id, outcome="dismissed",
                     investigation="查阅低保档案，收入属实", reason="经调查异议不成立，特此书面告知",
                     now=local(LAST + dt.timedelta(days=3), 9, 0))
    assert objection.status is ObjectionStatus.dismissed and objection.outcome_reason.startswith("经调查")
    assert apps[0].state is S.township_review
    assert apps[0].events[-1].effective_on == LAST + dt.timedelta(days=3)


def test_dismissed_while_open_moves_on_at_the_close(session: Session) -> None:
    world, notice, apps = posted(session, n=1)
    objection = file_objection(session, notice.id, apps[0].id, "x", None, channel="sms", sender="s",
                               now=local(DAY, 9, 0))
    decide_objection(session, staff(world.village), objection.id, outcome="dismissed", investigation="核实",
                     reason="不成立", now=local(DAY, 15, 0))
    assert apps[0].state is S.village_publicity
    close_due_notices(session, LAST + dt.timedelta(days=1))
    assert apps[0].state is S.township_review


def test_township_notice_objection_goes_back_to_township_review(session: Session) -> None:
    world, _, apps = posted(session, n=1)
    close_due_notices(session, LAST + dt.timedelta(days=1))
    day = LAST + dt.timedelta(days=2)
    tnotice = open_notice(session, staff(world.township), NoticeIn(level=NoticeLevel.township,
                                                                   area_id=world.township.id,
                                                                   application_ids=[apps[0].id],
                                                                   report_phone="0349-5021234"), today=day)
    objection = file_objection(session, tnotice.id, apps[0].id, "重复改造", None, channel="sms", sender="s",
                               now=local(day, 9, 0))
    with pytest.raises(NotFound):  # the township's notice is out of the village's sight
        decide_objection(session, staff(world.village), objection.id, outcome="upheld", investigation="x",
                         reason="y", now=local(day, 10, 0))
    with pytest.raises(Forbidden):  # the county sees it, but the township investigates (004 四(三))
        decide_objection(session, staff(world.county), objection.id, outcome="upheld", investigation="x",
                         reason="y", now=local(day, 10, 0))
    decide_objection(session, staff(world.township), objection.id, outcome="upheld",
                     investigation="2019年已享受危改", reason="重复改造，材料退回村委会",
                     now=local(day, 10, 0))
    assert apps[0].state is S.township_review


def test_staff_filing_and_listing_are_scoped(session: Session) -> None:
    world, notice, apps = posted(session, n=1)
    objection = file_for_actor(session, staff(world.village), notice.id, apps[0].id, "来电反映", None,
                               now=local(DAY, 9, 0))
    assert objection.channel == "api"
    with pytest.raises(NotFound):
        file_for_actor(session, staff(world.village2), notice.id, apps[0].id, "x", None, now=local(DAY, 9, 0))
    rows, total = list_objections(session, staff(world.township))
    assert total == 1 and rows[0].id == objection.id
    assert list_objections(session, staff(world.village2)) == ([], 0)
    assert list_objections(session, staff(world.county), status=ObjectionStatus.upheld)[1] == 0


def test_objector_is_never_shown_publicly(session: Session) -> None:
    _, notice, apps = posted(session, n=1)
    file_objection(session, notice.id, apps[0].id, "有车", "13977778888", channel="sms", sender="13977778888",
                   now=local(DAY, 9, 0))
    assert "13977778888" not in public_view(session, notice, local(DAY, 10, 0)).model_dump_json()
