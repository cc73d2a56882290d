"""Reminders to staff: the documents' dated duties and the review deadlines, to the right people, once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from factories import bearer, make_application, make_area_tree, make_household, make_token, make_user
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api.db import transaction
from api.delivery.worker import WorkerConfig, run_once
from api.jobs import remind_staff_job
from api.models import ApplicationState, Area, AreaLevel, AuditEntry, Role, User
from api.models.messages import OutboundMessage, OutboundStatus
from api.services.notices import staff
from api.services.notices.staff import (
    DUTY_TEXTS,
    Duty,
    load_duties,
    remind_duties,
    remind_review_deadlines,
)
from api.services.user_contacts import set_contact

SOURCES = Path(__file__).resolve().parents[1] / "content" / "sources"
DOC_COUNTY = {"000": "222400", "001": "140429", "002": "140405", "003": "230400", "004": "140621"}
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def duty(kind: str) -> Duty:
    return next(d for d in load_duties() if d.kind == kind)


def test_every_duty_quotes_its_own_countys_document() -> None:
    kinds = set()
    for d in load_duties():
        doc = d.citation.split()[0]
        assert DOC_COUNTY[doc] == d.county, f"{d.kind}: document {doc} speaks for another county"
        [source] = SOURCES.glob(f"{doc}_*.txt")
        assert d.quote in source.read_text(encoding="utf-8"), f"{d.kind}: quote not in {source.name}"
        assert d.kind in DUTY_TEXTS
        kinds.add(d.kind)
    # 002 五 and 六(二): the 5th and the 20th; 003 六(一): end of April and October.
    assert {"list_report", "progress_report", "inspection_round"} <= kinds
    assert (duty("list_report").day, duty("progress_report").day) == (5, 20)
    assert (duty("inspection_round").months, duty("inspection_round").day) == ([4, 10], "last")


@pytest.mark.parametrize(("kind", "today", "due"), [
    ("list_report", dt.date(2026, 12, 1), None),
    ("list_report", dt.date(2026, 12, 2), dt.date(2026, 12, 5)),
    ("list_report", dt.date(2026, 12, 5), dt.date(2026, 12, 5)),
    ("list_report", dt.date(2026, 12, 6), None),
    ("list_report", dt.date(2026, 12, 31), None),
    ("progress_report", dt.date(2027, 2, 17), dt.date(2027, 2, 20)),
    ("inspection_round", dt.date(2026, 4, 15), None),
    ("inspection_round", dt.date(2026, 4, 16), dt.date(2026, 4, 30)),
    ("inspection_round", dt.date(2026, 10, 31), dt.date(2026, 10, 31)),
    ("inspection_round", dt.date(2026, 11, 1), None),
    ("township_acceptance", dt.date(2026, 10, 8), dt.date(2026, 10, 15)),
])
def test_reminder_window_before_each_due_date(kind: str, today: dt.date, due: dt.date | None) -> None:
    assert duty(kind).due_within_window(today) == due


def _area(session: Session, level: AreaLevel, name: str, parent: Area) -> Area:
    area = Area(level=level, name=name, parent_id=parent.id, county_code=parent.county_code,
                township_id=parent.id if level is AreaLevel.village else None)
    session.add(area)
    session.flush()
    return area


def _county(session: Session, code: str) -> Area:
    return session.scalars(select(Area).where(Area.code == code)).one()


def _staff(session: Session, area: Area, name: str, role: Role = Role.clerk, **contact: object) -> User:
    user = make_user(session, area, role, name)
    set_contact(session, user, **contact, by="test")  # type: ignore[arg-type]
    return user


def rows(session: Session, prefix: str = "staff:") -> list[OutboundMessage]:
    return list(session.scalars(select(OutboundMessage).where(OutboundMessage.idempotency_key.startswith(prefix))
                                .order_by(OutboundMessage.id)))


def test_monthly_list_report_reaches_village_and_township_staff_of_tunliu_once(session: Session) -> None:
    county = _county(session, "140405")
    township = _area(session, AreaLevel.township, "渔泽镇", county)
    village = _area(session, AreaLevel.village, "东村", township)
    clerk = _staff(session, township, "乡镇干部", phone="13900000001")
    committee = _staff(session, village, "村干部", telegram_chat_id="4242", language="ko")
    _staff(session, township, "只读", Role.viewer, phone="13900000002")
    _staff(session, township, "关了提醒", phone="13900000003", notifications_on=False)
    _staff(session, township, "没留联系方式")
    _staff(session, county, "区里", phone="13900000004")            # the county level is not addressed
    gone = _staff(session, township, "已离职", phone="13900000005")
    gone.active = False
    other = _area(session, AreaLevel.township, "丰州镇", _county(session, "140429"))
    _staff(session, other, "别的县", phone="13900000006")

    today = dt.date(2026, 12, 2)
    assert remind_duties(session, today, [duty("list_report")]) == 2
    by_user = {r.idempotency_key.rsplit(":", 1)[1]: r for r in rows(session)}
    assert set(by_user) == {str(clerk.id), str(committee.id)}
    sms, telegram = by_user[str(clerk.id)], by_user[str(committee.id)]
    assert (sms.channel, sms.recipient, telegram.channel, telegram.recipient) == ("sms", "13900000001",
                                                                                  "telegram", "4242")
    assert sms.idempotency_key == f"staff:list_report:area:{township.id}:2026-12:user:{clerk.id}"
    assert "名单须于2026年12月5日前逐级上报" in sms.text and "屯建发〔2023〕86号 五" in sms.text
    assert "2026년 12월 5일" in telegram.text and "屯建发〔2023〕86号 五" in telegram.text   # in their language
    # the next days of the window, or a restart, add nothing; nor does the other duty's day for this one
    assert remind_duties(session, today + dt.timedelta(days=1), [duty("list_report")]) == 0
    assert len(rows(session)) == 2


def test_inspection_rounds_go_to_hegang_county_and_township_staff(session: Session) -> None:
    county = _county(session, "230400")
    township = _area(session, AreaLevel.township, "新华镇", county)
    village = _area(session, AreaLevel.village, "红旗村", township)
    _staff(session, county, "住建局", phone="13900000011")
    _staff(session, township, "镇干部", phone="13900000012")
    _staff(session, village, "村干部", phone="13900000013")         # the villages are not addressed by 六(一)
    assert remind_duties(session, dt.date(2026, 10, 20), [duty("inspection_round")]) == 2
    texts = [r.text for r in rows(session)]
    assert all("全面排查须于2026年10月31日前完成" in t and "鹤住建发〔2021〕32号 六(一)" in t for t in texts)
    assert {r.recipient for r in rows(session)} == {"13900000011", "13900000012"}
    assert remind_duties(session, dt.date(2026, 4, 1), [duty("inspection_round")]) == 0   # not yet in April's window


def test_review_deadlines_remind_the_townships_staff_per_application_once(session: Session) -> None:
    tree = make_area_tree(session)
    today = dt.date(2026, 11, 23)
    reviewer = _staff(session, tree["t1"], "审核员", Role.reviewer, phone="13900000021")
    _staff(session, tree["v1"], "村里", phone="13900000022")         # the village does not review
    _staff(session, tree["t2"], "别的镇", phone="13900000023")
    review = make_application(session, make_household(session, tree["v1"]), ApplicationState.township_review,
                              due_on=today + dt.timedelta(days=2))
    check = make_application(session, make_household(session, tree["v2"]), ApplicationState.department_check,
                             due_on=today)
    make_application(session, make_household(session, tree["v1"]), ApplicationState.township_review,
                     due_on=today + dt.timedelta(days=3))                  # not yet
    make_application(session, make_household(session, tree["v1"]), ApplicationState.township_review,
                     due_on=today - dt.timedelta(days=1))                  # already past: list_overdue's job
    assert remind_review_deadlines(session, today, days=2) == 2
    [first, second] = rows(session)
    assert {first.recipient, second.recipient} == {"13900000021"}
    assert first.idempotency_key == (f"staff:township_review_due:area:{tree['t1'].id}:{review.due_on}"
                                     f":app:{review.id}:user:{reviewer.id}")
    assert review.number in first.text and "东村" in first.text and "乡镇审核期限为2026年11月25日" in first.text
    assert "山危扶办〔2021〕1号 四(三)" in first.text
    assert check.number in second.text and "视为审查合格" in second.text and "四(四)" in second.text
    assert remind_review_deadlines(session, today + dt.timedelta(days=1), days=2) == 1   # its window opens now
    assert remind_review_deadlines(session, today + dt.timedelta(days=1), days=2) == 0


def test_the_job_reruns_and_restarts_without_a_second_row(engine: Engine) -> None:
    with transaction(engine) as s:
        township = _area(s, AreaLevel.township, "渔泽镇", _county(s, "140405"))
        _staff(s, township, "乡镇干部", phone="13900000031")
    today = dt.date(2026, 12, 18)             # within the 20th's window only
    assert remind_staff_job(engine, today) == 1
    assert remind_staff_job(engine, today) == 0
    assert remind_staff_job(engine, today + dt.timedelta(days=2)) == 0
    with transaction(engine) as s:
        [row] = rows(s)
        assert "年度任务进展情况须于2026年12月20日前上报" in row.text and "六(二)" in row.text


class Recorder:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def send(self, message: object) -> str:
        self.texts.append(message.text)  # type: ignore[attr-defined]
        return f"gw-{len(self.texts)}"

    def close(self) -> None:
        pass


def test_reminders_wait_out_quiet_hours_and_merge_into_one_digest(engine: Engine) -> None:
    today = dt.date(2026, 11, 23)
    night = dt.datetime(2026, 11, 23, 22, 0, tzinfo=SHANGHAI)
    with time_machine.travel(night - dt.timedelta(hours=1), tick=False), transaction(engine) as s:
        tree = make_area_tree(s)
        _staff(s, tree["t1"], "审核员", phone="13900000041")
        for village in ("v1", "v2"):
            make_application(s, make_household(s, tree[village]), ApplicationState.township_review,
                             due_on=today + dt.timedelta(days=1))
        assert remind_review_deadlines(s, today, days=2) == 2
    sender, config = Recorder(), WorkerConfig(rate_per_second={})
    assert run_once(engine, {"sms": sender}, config=config, now=night) == 0
    assert run_once(engine, {"sms": sender}, config=config, now=night + dt.timedelta(hours=10)) == 1
    [digest] = sender.texts
    assert digest.count("乡镇审核期限") == 2
    with transaction(engine) as s:
        assert {r.status for r in rows(s)} == {OutboundStatus.sent}


def test_turning_reminders_off_cancels_the_queued_ones(session: Session) -> None:
    township = _area(session, AreaLevel.township, "渔泽镇", _county(session, "140405"))
    user = _staff(session, township, "乡镇干部", phone="13900000051")
    assert remind_duties(session, dt.date(2026, 12, 3), [duty("list_report")]) == 1
    set_contact(session, user, notifications_on=False, by="test")
    [row] = rows(session)
    assert (row.status, row.error) == (OutboundStatus.failed, "reminders turned off by the user")
    assert remind_duties(session, dt.date(2026, 12, 18), [duty("progress_report")]) == 0


def test_the_telegram_chat_is_used_when_telegram_is_configured_else_the_phone(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import get_settings

    township = _area(session, AreaLevel.township, "渔泽镇", _county(session, "140405"))
    user = _staff(session, township, "乡镇干部", phone="13900000061", telegram_chat_id="77")
    recipient = staff.recipient_of(session, user)
    assert recipient is not None and (recipient.channel, recipient.address) == ("sms", "13900000061")
    monkeypatch.setenv("ANJU_TELEGRAM_TOKEN", "123:T")
    get_settings.cache_clear()
    recipient = staff.recipient_of(session, user)
    assert recipient is not None and (recipient.channel, recipient.address) == ("telegram", "77")


def test_a_user_sets_their_own_contact_through_the_api(engine: Engine) -> None:
    from factories import make_client

    with transaction(engine) as s:
        token = make_token(s, make_area_tree(s)["t1"], Role.viewer)
    client = make_client(engine)
    assert client.get("/api/v1/me/contact", headers=bearer(token)).json() == {
        "phone": None, "telegram_chat_id": None, "language": None, "notifications_on": True}
    answer = client.put("/api/v1/me/contact", headers=bearer(token),
                        json={"phone": "+86 139-0000-0071", "language": "ko"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"phone": "139****0071", "telegram_chat_id": None, "language": "ko",
                             "notifications_on": True}
    assert client.put("/api/v1/me/contact", headers=bearer(token), json={"phone": "12345"}).status_code == 422
    assert client.put("/api/v1/me/contact", headers=bearer(token), json={"language": "fr"}).status_code == 422
    assert client.put("/api/v1/me/contact", json={"phone": "13900000071"}).status_code == 401
    off = client.put("/api/v1/me/contact", headers=bearer(token), json={"notifications_on": False})
    assert off.json()["notifications_on"] is False and off.json()["phone"] == "139****0071"
    with transaction(engine) as s:
        user = s.scalars(select(User).where(User.name == "测试员")).one()
        assert (user.phone, user.language, user.notifications_on) == ("13900000071", "ko", False)
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.contact")).all()
        assert len(audits) == 2 and "13900000071" not in str([a.after for a in audits])   # masked


def test_an_admin_sets_a_contact_with_the_cli(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main as anju

    with transaction(engine) as s:
        user_id = make_user(s, make_area_tree(s)["t1"], Role.clerk, "张三").id
    monkeypatch.setattr("api.db.get_engine", lambda: engine)
    monkeypatch.setattr("api.bootstrap.prepare_database", lambda _engine: None)  # the fixture has the schema
    assert anju(["user", "contact", str(user_id), "--phone", "13900000081", "--telegram", "12345", "--off"]) == 0
    assert anju(["user", "list", "--area", "山阴县/古城镇"]) == 0
    assert "139****0081" in capsys.readouterr().out
    assert anju(["user", "contact", str(user_id), "--phone", "110"]) == 2
    assert anju(["user", "contact", "999999", "--on"]) == 2
    with transaction(engine) as s:
        user = s.get(User, user_id)
        assert user is not None
        assert (user.phone, user.telegram_chat_id, user.notifications_on) == ("13900000081", "12345", False)
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "user.contact")) == 1
