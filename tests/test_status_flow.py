"""查询 as a farmer meets it: through store.process on a real database, SMS and Telegram."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from factories import make_application, make_area_tree, make_household
from sqlalchemy import Engine

from api.db import transaction
from api.models import ApplicationContact, ApplicationState
from api.models.publicity import NoticeEntry, NoticeLevel, PublicityNotice
from bot.channels.store import process
from bot.engine.types import Inbound, Reply

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
FARMER, NEIGHBOUR, GUARDIAN = "13900000001", "13900000002", "13900000003"
_ids = itertools.count(1)


def send(engine: Engine, text: str, *, channel: str = "sms", sender: str = FARMER,
         verified: str | None = None) -> str:
    verified = verified if channel != "sms" else sender
    inbound = Inbound(channel, sender, text, message_id=f"m{next(_ids)}", verified_phone=verified)
    return "\n".join(r.text for r in process(engine, inbound, NOW))


def replies(engine: Engine, text: str, **kw: str | None) -> list[Reply]:
    inbound = Inbound(kw.get("channel") or "telegram", kw.get("sender") or "555", text, message_id=f"m{next(_ids)}",
                      verified_phone=kw.get("verified"))
    return process(engine, inbound, NOW)


@pytest.fixture
def records(engine: Engine) -> dict[str, int]:
    """The farmer has two applications (one under publicity, one rejected); the neighbour has one of their own;
    the guardian is the named contact of an incapacitated applicant."""
    with transaction(engine) as s:
        tree = make_area_tree(s)
        household = make_household(s, tree["v1"])
        open_app = make_application(s, household, ApplicationState.village_publicity, number="SY-2026-0001")
        rejected = make_application(s, household, ApplicationState.rejected, number="SY-2025-0009",
                                    closing_reason="鉴定为B级，不是C、D级危房")
        other = make_application(s, make_household(s, tree["v1"]), ApplicationState.agreement_signed,
                                 number="SY-2026-0002", due_on=dt.date(2026, 12, 20))
        ward = make_application(s, make_household(s, tree["v2"]), ApplicationState.paid, number="SY-2026-0003",
                                paid_amount_yuan=14000, paid_on=dt.date(2026, 11, 2))
        s.add_all([ApplicationContact(application_id=open_app.id, phone=FARMER),
                   ApplicationContact(application_id=rejected.id, phone=FARMER),
                   ApplicationContact(application_id=other.id, phone=NEIGHBOUR),
                   ApplicationContact(application_id=ward.id, phone=GUARDIAN, relation="监护人")])
        notice = PublicityNotice(level=NoticeLevel.village, area_id=tree["v1"].id, county_code="140621",
                                 opened_on=dt.date(2026, 11, 20), closes_on=dt.date(2026, 11, 26),
                                 opened_by="test")
        notice.entries.append(NoticeEntry(application_id=open_app.id))
        s.add(notice)
        s.flush()
        return {"open": open_app.id, "rejected": rejected.id, "other": other.id}


def test_two_applications_each_with_step_dates_and_reason(engine: Engine, records: dict[str, int]) -> None:
    text = send(engine, "查询")
    assert "2份申请" in text
    assert "SY-2026-0001" in text and "正在村里公示" in text and "公示截止：2026年11月26日" in text
    assert "下一步：公示结束后报乡镇审核" in text
    assert "SY-2025-0009" in text and "没有通过" in text and "理由：鉴定为B级" in text
    assert "SY-2026-0002" not in text


def test_only_the_senders_own_application(engine: Engine, records: dict[str, int]) -> None:
    text = send(engine, "进度", sender=NEIGHBOUR)
    assert "SY-2026-0002" in text and "开工期限：2026年12月20日" in text and "请在开工期限前开工" in text
    assert "SY-2026-0001" not in text and "SY-2025-0009" not in text and "2份" not in text


def test_guardian_contact_sees_the_ward_with_payment(engine: Engine, records: dict[str, int]) -> None:
    text = send(engine, "查询", sender=GUARDIAN)
    assert "SY-2026-0003" in text and "补助资金已拨付" in text and "2026年11月2日" in text
    assert "14,000" in text


def test_no_application_on_this_phone(engine: Engine, records: dict[str, int]) -> None:
    text = send(engine, "查询", sender="13700000000")
    assert "没有找到登记这个手机号的申请" in text


def test_menu_entry_starts_it(engine: Engine, records: dict[str, int]) -> None:
    menu = replies(engine, "菜单", channel="sms", sender=FARMER, verified=FARMER)
    key = next(o.key for o in menu[-1].options if o.label == "查询申请进度")
    assert "SY-2026-0001" in send(engine, key)


def test_korean_and_english(engine: Engine, records: dict[str, int]) -> None:
    send(engine, "한국어", sender=NEIGHBOUR)
    text = send(engine, "조회", sender=NEIGHBOUR)
    assert "SY-2026-0002" in text and "2026년 12월 20일" in text
    send(engine, "English", sender=GUARDIAN)
    text = send(engine, "status", sender=GUARDIAN)
    assert "SY-2026-0003" in text and "November 2, 2026" in text and "paid" in text.lower()


def test_telegram_asks_for_the_contact_and_refuses_a_typed_number(engine: Engine,
                                                                   records: dict[str, int]) -> None:
    first = replies(engine, "查询")
    assert first[0].request_contact and "SY-" not in first[0].text
    typed = replies(engine, FARMER)
    assert typed[0].request_contact and "SY-" not in typed[0].text
    shared = "\n".join(r.text for r in replies(engine, FARMER, verified=FARMER))
    assert "SY-2026-0001" in shared and "SY-2025-0009" in shared


def test_telegram_with_a_verified_phone_answers_at_once(engine: Engine, records: dict[str, int]) -> None:
    text = "\n".join(r.text for r in replies(engine, "查询", sender="777", verified=NEIGHBOUR))
    assert "SY-2026-0002" in text and "SY-2026-0001" not in text
