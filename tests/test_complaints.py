"""Complaints: routing above whoever is complained about, the complainant's privacy, merging, periods, 回访."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_households import World, build_world, staff
from test_publicity import local

from api.domain.errors import Conflict, Forbidden, NotFound
from api.models import OutboundMessage
from api.models.complaints import Complaint, ComplaintCategory, ComplaintStatus, ComplaintSubject
from api.services import complaints as svc

C, SUBJ = ComplaintCategory, ComplaintSubject
NOW = local(dt.date(2025, 3, 3), 10, 0)           # a Monday


def filed(session: Session, world: World, subject: ComplaintSubject = SUBJ.village_committee, *,
          sender: str = "13912345678", text: str = "村干部要了两千元好处费", anonymous: bool = False,
          now: dt.datetime = NOW, channel: str = "sms") -> Complaint:
    complaint, _ = svc.file_complaint(
        session, county_code="140621", category=C.bribe, village_id=world.village.id, subject=subject,
        text=text, channel=channel, sender=sender, contact_phone=None if anonymous else sender,
        anonymous=anonymous, now=now)
    return complaint


def test_number_periods_from_the_profile(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world)
    assert complaint.number == "TS-140621-2025-00001"
    assert complaint.acknowledge_due == dt.date(2025, 3, 4)     # 1 working day
    assert complaint.resolve_due == dt.date(2025, 3, 24)        # 15 working days


def test_about_a_committee_goes_to_the_township_never_the_committee(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world)
    assert complaint.routed_to_id == world.township.id
    village, township, county = staff(world.village), staff(world.township), staff(world.county)
    assert svc.list_complaints(session, village, now=NOW)[1] == 0
    assert svc.list_complaints(session, township, now=NOW)[1] == 1
    assert svc.list_complaints(session, county, now=NOW)[1] == 1
    assert svc.list_complaints(session, staff(world.township2), now=NOW)[1] == 0
    with pytest.raises(NotFound):
        svc.get_complaint(session, village, complaint.id)
    with pytest.raises(Forbidden):
        svc.assign(session, township, complaint.id, area_id=world.village.id, assignee="x", now=NOW)


def test_about_township_staff_goes_to_the_county(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world, SUBJ.township)
    assert complaint.routed_to_id == world.county.id
    assert svc.list_complaints(session, staff(world.township), now=NOW)[1] == 0


def test_builder_complaint_assigned_to_the_village_without_the_filer(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world, SUBJ.builder, text="墙体开裂，施工队偷工减料")
    svc.assign(session, staff(world.township), complaint.id, area_id=world.village.id, assignee="东村主任",
               now=NOW)
    assert complaint.status is ComplaintStatus.in_progress and complaint.acknowledged_at == NOW
    from api.services.complaints import complaint_out

    seen = complaint_out(complaint, staff(world.village), NOW).model_dump()
    assert seen["sender"] is None and seen["contact_phone"] is None and "13912345678" not in str(seen)
    assert complaint_out(complaint, staff(world.township), NOW).contact_phone == "13912345678"
    with pytest.raises(Forbidden):
        svc.resolve(session, staff(world.village), complaint.id, "已处理", NOW)


def test_repeat_within_minutes_merges_and_rate_limit(session: Session) -> None:
    world = build_world(session)
    first = filed(session, world)
    again = filed(session, world, now=NOW + dt.timedelta(minutes=3))
    assert again.id == first.id and first.repeats == 1
    later = filed(session, world, now=NOW + dt.timedelta(minutes=30))
    assert later.id != first.id
    for n in range(3):
        filed(session, world, text=f"另一件事{n}")
    with pytest.raises(Conflict):
        filed(session, world, text="第六件")


def test_overdue_flags(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world)
    county = staff(world.county)
    later = local(dt.date(2025, 3, 5), 9, 0)          # acknowledgement was due 03-04
    assert [c.id for c in svc.list_complaints(session, county, overdue=True, now=later)[0]] == [complaint.id]
    svc.add_note(session, staff(world.township), complaint.id, "已电话联系", later)
    assert svc.list_complaints(session, county, overdue=True, now=later)[1] == 0
    assert svc.is_overdue(complaint, dt.date(2025, 3, 25))


def test_resolve_queues_the_reply_and_follow_up_reopens(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world)
    svc.resolve(session, staff(world.township), complaint.id, "经查属实，已责令退还并处分", NOW)
    [message] = session.scalars(select(OutboundMessage)).all()
    assert message.recipient == "13912345678" and "已责令退还" in message.text and "评价" in message.text
    assert svc.rate(session, "sms", "13912345678", 4, NOW).satisfaction == 4   # type: ignore[union-attr]
    assert svc.satisfaction_by_area(session, staff(world.county)) == [(world.township.id, 1, 4.0)]
    reopened = svc.reopen(session, "sms", "13912345678", "钱还没退", NOW)
    assert reopened is complaint and complaint.status is ComplaintStatus.reopened
    assert "钱还没退" in complaint.notes[-1].text


def test_anonymous_gets_no_reply_and_keeps_no_identity(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world, anonymous=True)
    assert complaint.sender is None and complaint.contact_phone is None
    svc.resolve(session, staff(world.township), complaint.id, "已处理", NOW)
    assert session.scalars(select(OutboundMessage)).all() == []


def test_status_only_to_the_filer(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world)
    assert svc.for_sender(session, complaint.number, "sms", "13912345678") is complaint
    assert svc.for_sender(session, complaint.number, "sms", "13900000000") is None
    assert svc.for_sender(session, complaint.number, "telegram", "42", phone="13912345678") is complaint
    assert svc.for_sender(session, "TS-140621-2025-09999", "sms", "13912345678") is None


def test_overdue_reminded_once_a_day(session: Session) -> None:
    world = build_world(session)
    complaint = filed(session, world)
    assert svc.remind_overdue(session, NOW) == []
    later = local(dt.date(2025, 3, 5), 9, 0)
    assert svc.remind_overdue(session, later) == [complaint]
    assert svc.remind_overdue(session, later) == []
    assert "超期提醒" in complaint.notes[-1].text and complaint.reminded_on == dt.date(2025, 3, 5)


def from_chat(session: Session, world: World, chat: str) -> Complaint:
    complaint, _ = svc.file_complaint(
        session, county_code="140621", category=C.construction_safety, village_id=world.village.id,
        subject=SUBJ.builder, text=f"{chat}: 墙裂了", channel="telegram", sender=chat, contact_phone=None,
        anonymous=False, now=NOW)
    return complaint


def test_reply_in_the_complainants_language(session: Session) -> None:
    """The reply and the 回访 question go out in the language of the conversation it was filed from."""
    from api.models.conversations import Conversation
    from api.models.messages import ChannelUser

    world = build_world(session)
    session.add(Conversation(channel="telegram", sender="4242", state={"language": "ko"}))
    session.add(ChannelUser(channel="telegram", sender="4343", language="en-US"))
    korean = from_chat(session, world, "4242")
    english = from_chat(session, world, "4343")
    chinese = filed(session, world, text="又一件事")
    for complaint in (korean, english, chinese):
        svc.resolve(session, staff(world.township), complaint.id, "经查属实", NOW)
    texts = {m.recipient: m.text for m in session.scalars(select(OutboundMessage))}
    assert korean.number in texts["4242"] and "经查属实" in texts["4242"] and "평가5" in texts["4242"]
    assert "您的举报" not in texts["4242"]
    assert texts["4343"].startswith(f"Your complaint {english.number}") and "rate 5" in texts["4343"]
    assert texts["13912345678"].startswith(f"您的举报{chinese.number}已办结") and "评价5" in texts["13912345678"]


def test_web_complaint_reply_reaches_the_verified_chat_of_its_phone(session: Session) -> None:
    from api.models.messages import ChannelUser

    world = build_world(session)
    session.add(ChannelUser(channel="telegram", sender="777", verified_phone="13912345678", language="en"))
    complaint = filed(session, world, channel="open311")
    svc.resolve(session, staff(world.township), complaint.id, "已查处", NOW)
    [message] = session.scalars(select(OutboundMessage)).all()
    assert (message.channel, message.recipient) == ("telegram", "777") and "Your complaint" in message.text


def test_periods_over_a_holiday(session: Session) -> None:
    """Filed the day before National Day 2025: acknowledged by the first working day after the holiday."""
    world = build_world(session)
    complaint = filed(session, world, now=local(dt.date(2025, 9, 30), 16, 0))
    assert complaint.acknowledge_due == dt.date(2025, 10, 9)
    assert complaint.resolve_due > dt.date(2025, 10, 21)
