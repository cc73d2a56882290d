"""Complaints (举报 / 投诉): filing, routing above whoever is complained about, handling, the reply, 回访.

A complaint about a village committee goes to its township (and the county sees everything in the county); it
is never routed or assigned to a village, and a village that is assigned a complaint about someone else never
learns who filed it (api/schemas/complaints.py leaves the complainant out for village actors). Periods come
from the county profile; the reply to the complainant is an outbox row in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from api.clock import local_date
from api.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.domain.phone import validate_mobile
from api.domain.workdays import period_end
from api.models import Area, AreaLevel, Role
from api.models.complaints import (
    Complaint,
    ComplaintCategory,
    ComplaintNote,
    ComplaintStatus,
    ComplaintSubject,
)
from api.profiles import PeriodName, get_profile
from api.schemas.complaints import ComplaintOut, NoteOut
from api.services import audit
from api.services.notices.complaints import resolved
from api.services.numbering import insert_numbered, prefix
from api.services.pseudonyms import sender_key
from api.services.scope import Actor, covers, visible_area

MERGE_WINDOW = dt.timedelta(minutes=10)   # the same text again from the same sender is one complaint
MAX_PER_DAY = 5                           # per sender: abuse control, not policy
MAX_TEXT = 2000
OPEN = (ComplaintStatus.received, ComplaintStatus.in_progress, ComplaintStatus.reopened)


def _due(county_code: str, start: dt.date, name: PeriodName) -> dt.date | None:
    period = get_profile(county_code).period(name)
    return period_end(start, period.amount, period.unit).due if period else None


def route(session: Session, county_code: str, village: Area | None, subject: ComplaintSubject) -> Area:
    """The supervising area: the township for anything in a village, the county for township or county staff."""
    county = session.scalar(select(Area).where(Area.level == AreaLevel.county, Area.code == county_code))
    if county is None:
        raise NotFound(f"县 {county_code} 不存在 / county not found", field="county_code")
    if subject in (ComplaintSubject.township, ComplaintSubject.county) or village is None \
            or village.township_id is None:
        return county
    township = session.get(Area, village.township_id)
    return township or county


def file_complaint(session: Session, *, county_code: str, category: ComplaintCategory, village_id: int | None,
                   subject: ComplaintSubject, text: str, channel: str, sender: str,
                   contact_phone: str | None, anonymous: bool, now: dt.datetime, subject_detail: str = "",
                   attachments: tuple[str, ...] = ()) -> tuple[Complaint, bool]:
    """The complaint and whether it merged into the same one filed minutes before."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("text: 请说明发生了什么 / say what happened", field="text")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"text: 不能超过 {MAX_TEXT} 字 / too long", field="text")
    phone = None
    if contact_phone and not anonymous:
        phone = validate_mobile(contact_phone)
    village = session.get(Area, village_id) if village_id else None
    if village_id and (village is None or village.county_code != county_code
                       or village.level is not AreaLevel.village):
        raise NotFound(f"村 {village_id} 不存在 / village not found", field="village_id")
    key = sender_key(channel, sender)
    same = session.scalar(select(Complaint).where(
        Complaint.sender_key == key, Complaint.text == text, Complaint.filed_at >= now - MERGE_WINDOW,
        Complaint.status.in_(OPEN)).order_by(Complaint.id.desc()).limit(1))
    if same is not None:
        same.repeats += 1
        same.attachments = json.dumps(sorted({*json.loads(same.attachments), *attachments}))
        return same, True
    today_count = session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.sender_key == key, Complaint.filed_at >= now - dt.timedelta(days=1))) or 0
    if today_count >= MAX_PER_DAY:
        raise Conflict("今天提交的举报太多，请明天再试或拨打举报电话 / too many today", code="rate_limited")
    target = route(session, county_code, village, subject)
    today = local_date(now)

    def build(number: str) -> Complaint:
        return Complaint(
            number=number, county_code=county_code, category=category, village_id=village_id, subject=subject,
            subject_detail=subject_detail[:200], text=text, attachments=json.dumps(list(attachments)),
            channel=channel, sender=None if anonymous else sender, sender_key=key, contact_phone=phone,
            anonymous=anonymous, routed_to_id=target.id, status=ComplaintStatus.received, filed_at=now,
            acknowledge_due=_due(county_code, today, "complaint_acknowledge"),
            resolve_due=_due(county_code, today, "complaint_resolve"))

    complaint = insert_numbered(session, Complaint.number, prefix(county_code, today.year, "TS"), build)
    audit.record(session, f"public:{channel}", "complaint.file", "complaint", complaint.id, None,
                 {"number": complaint.number, "category": category.value, "routed_to": target.id})
    return complaint, False


# --- staff ---------------------------------------------------------------------------------------------------

def visible(query: Select[tuple[Complaint]], actor: Actor) -> Select[tuple[Complaint]]:
    """County: all of its county; township: routed to it; village: only what was assigned to it."""
    query = query.where(Complaint.county_code == actor.county_code)
    if actor.level is AreaLevel.township:
        return query.where(Complaint.routed_to_id == actor.area_id)
    if actor.level is AreaLevel.village:
        return query.where(Complaint.assigned_to_id == actor.area_id)
    return query


def overdue_clause(today: dt.date):  # type: ignore[no-untyped-def]
    return and_(Complaint.status != ComplaintStatus.resolved,
                or_(and_(Complaint.acknowledged_at.is_(None), Complaint.acknowledge_due < today),
                    Complaint.resolve_due < today))


def is_overdue(complaint: Complaint, today: dt.date) -> bool:
    if complaint.status is ComplaintStatus.resolved:
        return False
    late_ack = complaint.acknowledged_at is None and complaint.acknowledge_due is not None \
        and today > complaint.acknowledge_due
    return late_ack or (complaint.resolve_due is not None and today > complaint.resolve_due)


def remind_overdue(session: Session, now: dt.datetime) -> list[Complaint]:
    """The daily job: each overdue complaint gets one reminder note a day, seen by whoever handles it."""
    today = local_date(now)
    due = session.scalars(select(Complaint).where(
        overdue_clause(today), or_(Complaint.reminded_on.is_(None), Complaint.reminded_on < today))
        .order_by(Complaint.id)).all()
    for complaint in due:
        what = "受理" if complaint.acknowledged_at is None else "办结"
        session.add(ComplaintNote(complaint_id=complaint.id, author="system", created_at=now,
                                  text=f"超期提醒：{complaint.number} 已超过{what}期限，请尽快处理。"))
        complaint.reminded_on = today
        audit.record(session, "system", "complaint.remind", "complaint", complaint.id, None,
                     {"overdue": what})
    return list(due)


def list_complaints(session: Session, actor: Actor, *, area_id: int | None = None,
                    category: ComplaintCategory | None = None, status: ComplaintStatus | None = None,
                    overdue: bool | None = None, now: dt.datetime, limit: int = 50,
                    offset: int = 0) -> tuple[list[Complaint], int]:
    query = visible(select(Complaint), actor)
    if area_id is not None:
        area = visible_area(session, actor, area_id)
        query = query.join(Area, Area.id == Complaint.village_id, isouter=True).where(
            or_(Complaint.village_id == area.id, Area.township_id == area.id, Complaint.routed_to_id == area.id)
            if area.level is not AreaLevel.county else Complaint.county_code == area.county_code)
    if category is not None:
        query = query.where(Complaint.category == category)
    if status is not None:
        query = query.where(Complaint.status == status)
    if overdue is not None:
        clause = overdue_clause(local_date(now))
        query = query.where(clause if overdue else ~clause)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Complaint.id).limit(limit).offset(offset)).all()
    return list(rows), total


def get_complaint(session: Session, actor: Actor, complaint_id: int) -> Complaint:
    complaint = session.scalar(visible(select(Complaint).where(Complaint.id == complaint_id), actor))
    if complaint is None:
        raise NotFound(f"举报 {complaint_id} 不存在 / complaint not found", field="complaint_id")
    return complaint


def _handler(actor: Actor) -> None:
    if actor.role is Role.viewer:
        raise Forbidden("只读账号不能处理举报 / read-only", field="role")


def _acknowledge(complaint: Complaint, now: dt.datetime) -> None:
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
    if complaint.status is ComplaintStatus.received:
        complaint.status = ComplaintStatus.in_progress


def assign(session: Session, actor: Actor, complaint_id: int, *, area_id: int | None, assignee: str,
           now: dt.datetime) -> Complaint:
    """Hand to a person (and optionally an area below); never to the village committee complained about."""
    _handler(actor)
    complaint = get_complaint(session, actor, complaint_id)
    if actor.level is AreaLevel.village:
        raise Forbidden("村委会不能转办举报 / villages cannot assign", field="area_id")
    if area_id is not None:
        area = visible_area(session, actor, area_id)
        if area.level is AreaLevel.village and complaint.subject is ComplaintSubject.village_committee:
            raise Forbidden("反映村委会的举报不能交给村委会办理 / a complaint about a committee never goes to "
                            "a committee", field="area_id")
        if area.level is AreaLevel.village and not covers(actor, area):
            raise NotFound("区域不存在 / area not found", field="area_id")
    before = {"assigned_to_id": complaint.assigned_to_id, "assignee": complaint.assignee}
    complaint.assigned_to_id = area_id
    complaint.assignee = assignee.strip()[:128] or actor.label
    _acknowledge(complaint, now)
    audit.record(session, actor.label, "complaint.assign", "complaint", complaint.id, before,
                 {"assigned_to_id": area_id, "assignee": complaint.assignee})
    return complaint


def add_note(session: Session, actor: Actor, complaint_id: int, text: str, now: dt.datetime) -> ComplaintNote:
    _handler(actor)
    complaint = get_complaint(session, actor, complaint_id)
    if not text.strip():
        raise ValidationFailed("text: 备注不能为空 / empty note", field="text")
    note = ComplaintNote(complaint_id=complaint.id, author=actor.label, text=text.strip(), created_at=now)
    session.add(note)
    _acknowledge(complaint, now)
    session.flush()
    audit.record(session, actor.label, "complaint.note", "complaint", complaint.id, None, {"note_id": note.id})
    return note


def resolve(session: Session, actor: Actor, complaint_id: int, reply: str, now: dt.datetime) -> Complaint:
    """Close with the written reply, queued to the complainant (unless anonymous) with the 回访 question."""
    _handler(actor)
    complaint = get_complaint(session, actor, complaint_id)
    if actor.level is AreaLevel.village:
        raise Forbidden("由乡镇或县里答复 / the township or county replies", field="complaint_id")
    if complaint.status is ComplaintStatus.resolved:
        raise Conflict(f"举报 {complaint.number} 已办结 / already resolved", field="complaint_id")
    reply = reply.strip()
    if not reply:
        raise ValidationFailed("reply: 须书面答复 / a written reply is required", field="reply")
    before = {"status": complaint.status.value}
    _acknowledge(complaint, now)
    complaint.status = ComplaintStatus.resolved
    complaint.resolution, complaint.resolved_by, complaint.resolved_at = reply, actor.label, now
    complaint.satisfaction = None
    _queue_reply(session, complaint, now)
    audit.record(session, actor.label, "complaint.resolve", "complaint", complaint.id, before,
                 {"status": "resolved"})
    return complaint


def _queue_reply(session: Session, complaint: Complaint, now: dt.datetime) -> None:
    """The written reply and the 回访 question, in the complainant's language (api.services.notices.complaints)."""
    resolved(session, complaint, now)


# --- the complainant ----------------------------------------------------------------------------------------

def for_sender(session: Session, number: str, channel: str, sender: str,
               phone: str | None = None) -> Complaint | None:
    """The complaint only if this sender (or their verified phone) filed it; None reads as "not found"."""
    complaint = session.scalar(select(Complaint).where(Complaint.number == number.strip().upper()))
    if complaint is None:
        return None
    if complaint.sender_key == sender_key(channel, sender):
        return complaint
    if phone and not complaint.anonymous and phone in (complaint.contact_phone, complaint.sender):
        return complaint
    return None


def last_resolved(session: Session, channel: str, sender: str, phone: str | None) -> Complaint | None:
    """The sender's last resolved complaint: filed from this chat or phone, or naming ``phone`` (a verified
    one) as its contact — the reply to a complaint filed on the web went to that phone by SMS."""
    mine = Complaint.sender_key == sender_key(channel, sender)
    if phone:
        mine = or_(mine, and_(Complaint.contact_phone == phone, Complaint.anonymous.is_(False)))
    return session.scalar(select(Complaint).where(mine, Complaint.status == ComplaintStatus.resolved)
                          .order_by(Complaint.resolved_at.desc(), Complaint.id.desc()).limit(1))


def rate(session: Session, channel: str, sender: str, score: int, now: dt.datetime,
         phone: str | None = None) -> Complaint | None:
    """回访: the score (1–5) of the sender's last resolved complaint."""
    if not 1 <= score <= 5:
        raise ValidationFailed("score: 1–5", field="score")
    complaint = last_resolved(session, channel, sender, phone)
    if complaint is not None:
        complaint.satisfaction = score
        audit.record(session, f"public:{channel}", "complaint.rate", "complaint", complaint.id, None,
                     {"satisfaction": score})
    return complaint


def reopen(session: Session, channel: str, sender: str, reason: str, now: dt.datetime,
           phone: str | None = None) -> Complaint | None:
    """不满意: the last resolved complaint opens again with the reason as a note and a new resolve period."""
    complaint = last_resolved(session, channel, sender, phone)
    if complaint is None:
        return None
    complaint.status = ComplaintStatus.reopened
    complaint.satisfaction = 1
    complaint.resolve_due = _due(complaint.county_code, local_date(now), "complaint_resolve")
    session.add(ComplaintNote(complaint_id=complaint.id, author=f"public:{channel}",
                              text=f"回访不满意：{reason.strip() or '（未说明原因）'}", created_at=now))
    audit.record(session, f"public:{channel}", "complaint.reopen", "complaint", complaint.id,
                 {"status": "resolved"}, {"status": "reopened"})
    return complaint


def satisfaction_by_area(session: Session, actor: Actor) -> list[tuple[int, int, float]]:
    """(handling area id, rated complaints, mean 回访 score) for the statistics."""
    query = select(Complaint.routed_to_id, func.count(), func.avg(Complaint.satisfaction))
    query = visible(query, actor)  # type: ignore[arg-type]
    rows = session.execute(query.where(Complaint.satisfaction.is_not(None)).group_by(Complaint.routed_to_id)
                           .order_by(Complaint.routed_to_id)).all()
    return [(area_id, count, round(float(mean), 2)) for area_id, count, mean in rows]


def complaint_out(complaint: Complaint, actor: Actor, now: dt.datetime) -> ComplaintOut:
    """The complaint as ``actor`` may see it: a village gets neither the sender nor the contact."""
    hide = actor.level is AreaLevel.village
    return ComplaintOut(
        id=complaint.id, number=complaint.number, category=complaint.category, subject=complaint.subject,
        subject_detail=complaint.subject_detail, village_id=complaint.village_id, text=complaint.text,
        attachments=json.loads(complaint.attachments or "[]"), channel=complaint.channel,
        anonymous=complaint.anonymous, sender=None if hide else complaint.sender,
        contact_phone=None if hide else complaint.contact_phone, routed_to_id=complaint.routed_to_id,
        assigned_to_id=complaint.assigned_to_id, assignee=complaint.assignee, status=complaint.status,
        overdue=is_overdue(complaint, local_date(now)), acknowledge_due=complaint.acknowledge_due,
        resolve_due=complaint.resolve_due, filed_at=complaint.filed_at, resolution=complaint.resolution,
        resolved_at=complaint.resolved_at, satisfaction=complaint.satisfaction,
        notes=[NoteOut.model_validate(n) for n in complaint.notes])
