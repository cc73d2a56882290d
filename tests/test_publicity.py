"""Publicity notices: windows from each county's profile, across holidays and 调休; closing moves on."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from test_households import World, build_world, new_application, staff

from api.domain.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from api.models import Application, ApplicationState, NoticeLevel, NoticeStatus, PublicityNotice, Role
from api.schemas.publicity import NoticeIn
from api.services.publicity import close_due_notices, close_notice, open_notice, public_view, window_open
from api.services.workflow import transition

S = ApplicationState


def reviewed(session: Session, world: World, day: dt.date, n: int = 2, village=None) -> list[Application]:  # type: ignore[no-untyped-def]
    """``n`` applications of the village, surveyed and under village review on ``day``."""
    village = village or world.village
    apps = []
    for _ in range(n):
        app = new_application(session, world, day, village=village)
        transition(session, staff(village), app, S.village_review, evidence={"survey_date": day.isoformat()},
                   today=day)
        apps.append(app)
    return apps


def village_notice(session: Session, world: World, apps: list[Application], day: dt.date,
                   **over: object) -> PublicityNotice:
    data = NoticeIn.model_validate({"level": "village", "area_id": world.village.id,
                                    "application_ids": [a.id for a in apps], "minutes_ref": "纪要〔2025〕1号",
                                    "report_phone": "0349-5021234",
                                    **over})
    return open_notice(session, staff(world.village), data, today=day)


def local(day: dt.date, hh: int, mm: int, ss: int = 0) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=ZoneInfo("Asia/Shanghai"))


# --- windows ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "opened", "closes", "why"), [
    ("140621", dt.date(2025, 1, 24), dt.date(2025, 1, 31), "山阴: not less than 7 days, holidays count"),
    ("140621", dt.date(2025, 9, 28), dt.date(2025, 10, 5), "山阴: 7 days over National Day"),
    ("230400", dt.date(2025, 1, 24), dt.date(2025, 2, 7), "鹤岗: 5 working days, 调休 Jan 26 counts"),
    ("230400", dt.date(2025, 9, 25), dt.date(2025, 10, 9), "鹤岗: Sep 28 调休 counts, Oct 1-8 do not"),
    ("230400", dt.date(2025, 9, 30), dt.date(2025, 10, 14), "鹤岗: Oct 11 (Saturday) is a 调休 working day"),
])
def test_window_from_the_county_profile(session: Session, code: str, opened: dt.date, closes: dt.date,
                                        why: str) -> None:
    world = build_world(session, code)
    apps = reviewed(session, world, opened)
    notice = village_notice(session, world, apps, opened)
    assert (notice.opened_on, notice.closes_on, notice.closes_provisional) == (opened, closes, False), why
    assert notice.period_citation == ("004 四(二)" if code == "140621" else "003 六(四)")
    for app in apps:
        assert app.state is S.village_publicity and app.due_on == closes
        assert app.minutes_ref == "纪要〔2025〕1号"
        assert app.events[-1].evidence == {"minutes_ref": "纪要〔2025〕1号"}


def test_window_into_a_year_the_calendar_does_not_know_is_provisional(session: Session) -> None:
    world = build_world(session, "230400")
    opened = dt.date(2026, 12, 28)
    notice = village_notice(session, world, reviewed(session, world, opened), opened)
    assert notice.closes_on == dt.date(2027, 1, 4) and notice.closes_provisional
    assert "暂定" in public_view(session, notice, local(opened, 9, 0)).window


def test_minimum_period_may_be_longer_never_shorter(session: Session) -> None:
    world = build_world(session)
    day = dt.date(2025, 3, 3)
    apps = reviewed(session, world, day, n=1)
    with pytest.raises(ValidationFailed) as err:
        village_notice(session, world, apps, day, closes_on="2025-03-09")
    assert err.value.field == "closes_on" and "2025-03-10" in err.value.message
    notice = village_notice(session, world, apps, day, closes_on="2025-03-12")
    assert notice.closes_on == dt.date(2025, 3, 12)


def test_fixed_period_may_not_be_changed(session: Session) -> None:
    world = build_world(session, "230400")
    day = dt.date(2025, 3, 3)
    apps = reviewed(session, world, day, n=1)
    with pytest.raises(ValidationFailed) as err:
        village_notice(session, world, apps, day, closes_on="2025-03-20")
    assert err.value.field == "closes_on" and "003 六(四)" in err.value.message


def test_county_without_a_stated_period_needs_closes_on(session: Session) -> None:
    world = build_world(session, "140429")  # 武乡: doc 001 states no publicity period
    day = dt.date(2025, 3, 3)
    apps = reviewed(session, world, day, n=1)
    with pytest.raises(ValidationFailed) as err:
        village_notice(session, world, apps, day)
    assert err.value.field == "closes_on"
    assert apps[0].state is S.village_review
    notice = village_notice(session, world, apps, day, closes_on="2025-03-08")
    assert notice.closes_on == dt.date(2025, 3, 8) and notice.period_citation == ""


def test_window_edges_in_local_time(session: Session) -> None:
    world = build_world(session)
    day = dt.date(2025, 3, 3)
    notice = village_notice(session, world, reviewed(session, world, day, n=1), day)
    assert notice.closes_on == dt.date(2025, 3, 10)
    assert window_open(notice, local(day, 0, 0))
    assert not window_open(notice, local(day - dt.timedelta(days=1), 23, 59, 59))
    assert window_open(notice, local(dt.date(2025, 3, 10), 23, 59, 59))
    assert not window_open(notice, local(dt.date(2025, 3, 11), 0, 0))
    # 2025-03-10 23:30 in Shanghai is 15:30 UTC the same day: still open
    assert window_open(notice, dt.datetime(2025, 3, 10, 15, 30, tzinfo=dt.UTC))
    assert not window_open(notice, dt.datetime(2025, 3, 10, 16, 0, tzinfo=dt.UTC))


# --- who may open what --------------------------------------------------------------------------------------

def test_opening_checks(session: Session) -> None:
    world = build_world(session)
    day = dt.date(2025, 3, 3)
    apps = reviewed(session, world, day, n=1)
    other = reviewed(session, world, day, n=1, village=world.village2)
    submitted = new_application(session, world, day)
    with pytest.raises(ValidationFailed) as err:
        village_notice(session, world, apps, day, minutes_ref=None)
    assert err.value.field == "minutes_ref"
    with pytest.raises(InvalidTransition) as err2:
        village_notice(session, world, [submitted], day)
    assert submitted.number in err2.value.message
    def notice_of(ids: list[int]) -> NoticeIn:
        return NoticeIn(level=NoticeLevel.village, area_id=world.village.id, application_ids=ids,
                        minutes_ref="m", report_phone="0349-5021234")

    with pytest.raises(ValidationFailed):  # another village's application
        open_notice(session, staff(world.township), notice_of([a.id for a in other]), today=day)
    with pytest.raises(Forbidden):  # the township may not post a village notice
        open_notice(session, staff(world.township), notice_of([apps[0].id]), today=day)
    with pytest.raises(Forbidden):
        open_notice(session, staff(world.village, Role.viewer), notice_of([apps[0].id]), today=day)
    with pytest.raises(ValidationFailed) as err:
        village_notice(session, world, apps + apps, day)
    assert err.value.field == "application_ids"
    with pytest.raises(ValidationFailed) as err:
        village_notice(session, world, apps, day, opened_on="2025-03-04")
    assert err.value.field == "opened_on"
    assert all(a.state is S.village_review for a in apps)


# --- closing ------------------------------------------------------------------------------------------------

def test_scheduler_closes_after_the_last_day_and_entries_move_on(session: Session) -> None:
    world = build_world(session)
    day = dt.date(2025, 9, 26)
    apps = reviewed(session, world, day)
    notice = village_notice(session, world, apps, day)
    assert notice.closes_on == dt.date(2025, 10, 3)
    assert close_due_notices(session, dt.date(2025, 10, 3)) == []
    assert notice.status is NoticeStatus.open
    assert close_due_notices(session, dt.date(2025, 10, 4)) == [notice.id]
    assert notice.status is NoticeStatus.closed
    for app in apps:
        assert app.state is S.township_review and app.events[-1].automatic
        assert app.events[-1].effective_on == dt.date(2025, 10, 4)
        # township review: 7 working days (004 四(三)): Oct 9, 10, 11 (调休 Saturday), 13, 14, 15, 16
        assert app.due_on == dt.date(2025, 10, 16)
    assert close_due_notices(session, dt.date(2025, 10, 5)) == []


def test_explicit_close_only_after_the_window(session: Session) -> None:
    world = build_world(session)
    day = dt.date(2025, 3, 3)
    apps = reviewed(session, world, day, n=1)
    notice = village_notice(session, world, apps, day)
    with pytest.raises(Conflict):
        close_notice(session, staff(world.village), notice.id, today=dt.date(2025, 3, 10))
    with pytest.raises(InvalidTransition):
        close_notice(session, staff(world.township), notice.id, today=dt.date(2025, 3, 11))
    assert close_notice(session, staff(world.village), notice.id, today=dt.date(2025, 3, 11)) == [apps[0].id]
    assert not apps[0].events[-1].automatic
    with pytest.raises(Conflict):
        close_notice(session, staff(world.village), notice.id, today=dt.date(2025, 3, 12))


def test_township_notice_leads_to_the_department_check(session: Session) -> None:
    world = build_world(session)
    day = dt.date(2025, 3, 3)
    apps = reviewed(session, world, day)
    notice = village_notice(session, world, apps, day)
    close_due_notices(session, dt.date(2025, 3, 11))
    data = NoticeIn(level=NoticeLevel.township, area_id=world.township.id,
                    application_ids=[a.id for a in apps], report_phone="0349-1234567")
    with pytest.raises(NotFound):  # a village cannot even see its township's records
        open_notice(session, staff(world.village), data, today=dt.date(2025, 3, 12))
    with pytest.raises(Forbidden):  # the county does not post the township's notice
        open_notice(session, staff(world.county), data, today=dt.date(2025, 3, 12))
    tnotice = open_notice(session, staff(world.township), data, today=dt.date(2025, 3, 12))
    assert tnotice.closes_on == dt.date(2025, 3, 19) and tnotice.period_citation == "004 四(三)"
    assert all(a.state is S.township_publicity for a in apps)
    assert close_due_notices(session, dt.date(2025, 3, 20)) == [tnotice.id]
    for app in apps:
        assert app.state is S.department_check
        assert app.due_on == dt.date(2025, 4, 3)  # 10 working days (004 四(四)); 清明 (Apr 4) not reached
    assert notice.status is NoticeStatus.closed


def test_public_view_masks_names_and_id_numbers(session: Session) -> None:
    world = build_world(session)
    day = dt.date(2025, 3, 3)
    apps = reviewed(session, world, day, n=1)
    notice = village_notice(session, world, apps, day, report_phone="0349-7654321")
    view = public_view(session, notice, local(day, 10, 0))
    household = apps[0].household
    entry = view.entries[0]
    assert entry.name == "张*三" and household.head_name not in entry.name
    assert entry.id_number == household.head_id_number[:6] + "********" + household.head_id_number[-4:]
    assert view.report_phone == "0349-7654321" and "0349-7654321" in view.how_to_object
    assert view.open and "2025-03-10" in view.window and entry.village == "东村"
    assert household.head_id_number not in view.model_dump_json()


def test_shanyin_notice_needs_a_report_phone(session: Session) -> None:
    """004 四(二): 张榜公示……并公示举报电话 — refused without one, where the county states no hotline."""
    world = build_world(session)
    day = dt.date(2025, 3, 3)
    apps = reviewed(session, world, day)
    with pytest.raises(ValidationFailed) as err:
        village_notice(session, world, apps, day, report_phone=None)
    assert err.value.field == "report_phone" and "004 四(二)" in err.value.message
    assert village_notice(session, world, apps, day).report_phone == "0349-5021234"
