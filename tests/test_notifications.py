"""Notifications as outbox rows: written in the session of the change, committed or rolled back with it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from test_households import build_world, new_application, staff
from test_publicity import local, reviewed, village_notice

from api.db import transaction
from api.models import Application, ApplicationEvent, ApplicationState, Role
from api.models.conversations import Conversation
from api.models.messages import ChannelUser, OutboundMessage
from api.services.notices import notifications
from api.services.objections import decide_objection, file_for_actor, file_objection
from api.services.workflow import transition

S = ApplicationState
DAY = dt.date(2025, 3, 3)


def rows(session: Session) -> list[OutboundMessage]:
    return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def phone_of(app: Application) -> str:
    return app.contacts[0].phone


def test_a_step_queues_one_message_per_contact_with_a_stable_key(session: Session) -> None:
    world = build_world(session)
    app = new_application(session, world, DAY)
    assert rows(session) == []   # filing is no step: the farmer was there
    event = transition(session, staff(world.village), app, S.village_review,
                       evidence={"survey_date": DAY.isoformat()}, today=DAY)
    [row] = rows(session)
    assert (row.channel, row.recipient, row.in_reply_to) == ("sms", phone_of(app), None)
    assert row.idempotency_key == f"app:{app.id}:event:{event.id}:sms:{phone_of(app)}"
    assert "有新进展" in row.text and app.number in row.text and "村委会正在调查和评议" in row.text
    assert row.parts >= 1 and row.status.value == "queued"
    assert notifications.application_moved(session, app, event) == []   # written twice: still one row
    assert len(rows(session)) == 1


def test_transition_and_rows_commit_together_and_roll_back_together(engine: Engine) -> None:
    with transaction(engine) as s:
        world = build_world(s)
        app_id, village = new_application(s, world, DAY).id, world.village
    with pytest.raises(RuntimeError), transaction(engine) as s:
        app = s.get(Application, app_id)
        assert app is not None
        transition(s, staff(village), app, S.village_review, evidence={"survey_date": DAY.isoformat()},
                   today=DAY)
        assert len(rows(s)) == 1
        raise RuntimeError("the request fails after the step")
    with transaction(engine) as s:
        app = s.get(Application, app_id)
        assert app is not None and app.state is S.submitted and rows(s) == []
        assert s.scalar(select(ApplicationEvent).where(ApplicationEvent.to_state == S.village_review)) is None
        transition(s, staff(village), app, S.village_review, evidence={"survey_date": DAY.isoformat()},
                   today=DAY)
    with transaction(engine) as s:
        app = s.get(Application, app_id)
        assert app is not None and app.state is S.village_review and len(rows(s)) == 1


def test_language_and_channel_of_the_recipient(session: Session) -> None:
    world = build_world(session)
    korean, english = new_application(session, world, DAY), new_application(session, world, DAY)
    session.add(Conversation(channel="sms", sender=phone_of(korean), state={"language": "ko"}))
    session.add(ChannelUser(channel="telegram", sender="4242", verified_phone=phone_of(english), language="en",
                            opted_out=False, stopped=False))
    session.flush()
    for app in (korean, english):
        transition(session, staff(world.village), app, S.village_review,
                   evidence={"survey_date": DAY.isoformat()}, today=DAY)
    ko, en = rows(session)
    assert ko.channel == "sms" and "촌민위원회" in ko.text and korean.number in ko.text
    assert (en.channel, en.recipient) == ("telegram", "4242") and "village committee" in en.text


def test_publicity_tells_the_family_the_window_end(session: Session) -> None:
    world = build_world(session)
    apps = reviewed(session, world, DAY, n=2)
    before = len(rows(session))
    village_notice(session, world, apps, DAY)
    new = rows(session)[before:]
    assert len(new) == 2
    assert all("正在村里公示" in r.text and "公示截止：2025年3月10日" in r.text for r in new)


def test_objection_filed_and_decided(session: Session) -> None:
    world = build_world(session)
    apps = reviewed(session, world, DAY, n=1)
    notice = village_notice(session, world, apps, DAY)
    family = phone_of(apps[0])
    before = len(rows(session))
    objection = file_objection(session, notice.id, apps[0].id, "他家在县城有房", "13912345678", channel="sms",
                               sender="13912345678", now=local(DAY, 12, 0))
    [to_family] = rows(session)[before:]
    assert to_family.recipient == family and "有人提出了异议" in to_family.text
    assert "13912345678" not in to_family.text and "县城" not in to_family.text
    before = len(rows(session))
    decide_objection(session, staff(world.village, user_id=2), objection.id, outcome="dismissed",
                     investigation="核实无房", reason="经核实，该户在县城无房产", now=local(DAY, 15, 0))
    outcome = [r for r in rows(session)[before:] if r.recipient == "13912345678"]
    assert len(outcome) == 1 and "异议不成立" in outcome[0].text and "无房产" in outcome[0].text
    assert any(r.recipient == family and "不成立" in r.text for r in rows(session)[before:])


def test_a_paper_objection_gets_a_receipt(session: Session) -> None:
    world = build_world(session)
    apps = reviewed(session, world, DAY, n=1)
    notice = village_notice(session, world, apps, DAY)
    objection = file_for_actor(session, staff(world.village), notice.id, apps[0].id, "有车", "13700000001",
                               now=local(DAY, 12, 0))
    receipt = [r for r in rows(session) if r.recipient == "13700000001"]
    assert len(receipt) == 1 and objection.number in receipt[0].text


def test_rejection_carries_the_written_reason(session: Session) -> None:
    world = build_world(session)
    app = new_application(session, world, DAY)
    transition(session, staff(world.village, role=Role.reviewer),
               app, S.rejected, reason="家庭收入超过标准", today=DAY)
    [row] = rows(session)
    assert "没有通过" in row.text and "理由：家庭收入超过标准" in row.text


def test_start_deadline_reminder_once_per_deadline(session: Session) -> None:
    from factories import make_application, make_area_tree, make_household

    from api.models import ApplicationContact
    from api.services.notices.reminders import remind_start_deadlines

    tree = make_area_tree(session)
    app = make_application(session, make_household(session, tree["v1"]), S.agreement_signed,
                           due_on=dt.date(2026, 12, 20))
    session.add(ApplicationContact(application_id=app.id, phone="13900000005"))
    session.flush()
    session.refresh(app)
    assert remind_start_deadlines(session, dt.date(2026, 12, 1)) == 0     # not yet near
    assert remind_start_deadlines(session, dt.date(2026, 12, 14)) == 1
    assert remind_start_deadlines(session, dt.date(2026, 12, 15)) == 0    # once per deadline
    [row] = rows(session)
    assert "开工期限快到了" in row.text and "开工期限：2026年12月20日" in row.text
