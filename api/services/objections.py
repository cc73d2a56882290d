"""Objections (异议) against an entry of an open notice, and the committee's investigation (004 四(二)(三)).

``file_objection`` knows nothing of channels: the API and the bot call it the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clock import local_date
from api.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed, WindowClosed
from api.domain.phone import validate_mobile
from api.models import ApplicationState as S
from api.models import Area, NoticeEntry, NoticeStatus, Objection, ObjectionStatus, PublicityNotice
from api.services import audit, events
from api.services.households import require_writer, scoped
from api.services.numbering import insert_numbered, prefix
from api.services.publicity import PENDING, get_notice, move_on, stage_of, window_open, window_text
from api.services.scope import Actor, visible_record
from api.services.workflow import apply_transition, check_permission, rule_for

Outcome = Literal["upheld", "dismissed"]
Action = Literal["send_back", "reject"]
MAX_REASON = 2000


def file_objection(session: Session, notice_id: int, application_id: int, reason: str,
                   contact_phone: str | None, channel: str, sender: str | None,
                   now: dt.datetime) -> Objection:
    """Record an objection while the window is open; returns it with its tracking number."""
    notice = session.get(PublicityNotice, notice_id)
    if notice is None:
        raise NotFound(f"公示 {notice_id} 不存在 / notice not found", field="notice_id")
    entry = session.scalar(select(NoticeEntry).where(NoticeEntry.notice_id == notice_id,
                                                     NoticeEntry.application_id == application_id))
    if entry is None:
        raise NotFound(f"申请 {application_id} 不在公示 {notice_id} 中 / not on this notice",
                       field="application_id")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason: 请写明异议理由 / give the reason of the objection", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"reason: 不能超过 {MAX_REASON} 字 / too long", field="reason")
    phone = None
    if contact_phone:
        try:
            phone = validate_mobile(contact_phone)
        except ValidationFailed as exc:
            raise ValidationFailed(f"contact_phone: {exc.message}", field="contact_phone",
                                   code=exc.code) from None
    if notice.status is NoticeStatus.closed or not window_open(notice, now):
        when = "尚未开始 / has not started" if local_date(now) < notice.opened_on else "已结束 / is over"
        raise WindowClosed(f"公示 {notice.id} 的异议期{when}。{window_text(notice)}", field="notice_id")
    year = local_date(now).year

    def build(number: str) -> Objection:
        return Objection(number=number, notice_id=notice.id, application_id=application_id, reason=reason,
                         contact_phone=phone, channel=channel, sender=sender, filed_at=now,
                         status=ObjectionStatus.received)

    objection = insert_numbered(session, Objection.number, prefix(notice.county_code, year, "YY"), build)
    audit.record(session, f"public:{channel}", "objection.file", "objection", objection.id, None,
                 {"number": objection.number, "notice_id": notice.id, "application_id": application_id})
    events.objection_filed(session, objection)
    return objection


def get_objection(session: Session, actor: Actor, objection_id: int) -> Objection:
    return visible_record(session, actor, Objection, objection_id, area_of=lambda o: o.notice.area_id,
                          missing=f"异议 {objection_id} 不存在 / objection not found", field="objection_id")


def list_objections(session: Session, actor: Actor, *, status: ObjectionStatus | None = None,
                    notice_id: int | None = None, limit: int = 50,
                    offset: int = 0) -> tuple[list[Objection], int]:
    query = scoped(select(Objection).join(PublicityNotice, PublicityNotice.id == Objection.notice_id)
                   .join(Area, Area.id == PublicityNotice.area_id), actor,
                   Area.id, Area.township_id, Area.county_code)
    if status is not None:
        query = query.where(Objection.status == status)
    if notice_id is not None:
        get_notice(session, actor, notice_id)  # a foreign notice is 404, not an empty page
        query = query.where(Objection.notice_id == notice_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Objection.id).limit(limit).offset(offset)).all()
    return list(rows), total


def file_for_actor(session: Session, actor: Actor, notice_id: int, application_id: int, reason: str,
                   contact_phone: str | None, now: dt.datetime) -> Objection:
    """An objection a committee clerk takes down (a resident came in or phoned the report line)."""
    require_writer(actor)
    get_notice(session, actor, notice_id)
    return file_objection(session, notice_id, application_id, reason, contact_phone, channel="api",
                          sender=actor.label, now=now)


def decide_objection(session: Session, actor: Actor, objection_id: int, *, outcome: Outcome,
                     investigation: str, reason: str, action: Action = "send_back",
                     now: dt.datetime) -> Objection:
    """Record the investigation. Upheld: the application goes back (or is rejected) with the written reason
    for the family; dismissed: the written reply to the objector, and the entry may move on."""
    require_writer(actor)
    objection = get_objection(session, actor, objection_id)
    notice = objection.notice
    stage = stage_of(notice)
    if objection.status not in PENDING:
        raise Conflict(f"异议 {objection.number} 已有结论（{objection.status.value}） / already decided",
                       field="objection_id")
    if actor.level is not stage.area_level:
        raise Forbidden(f"此异议由{'村委会' if stage.area_level.value == 'village' else '乡镇'}调查处理 / "
                        f"investigated by the {stage.area_level.value}", field="objection_id")
    investigation, reason = investigation.strip(), reason.strip()
    if not investigation:
        raise ValidationFailed("investigation: 请记录调查情况 / record the investigation",
                               field="investigation")
    if not reason:
        raise ValidationFailed("reason: 须书面说明 / a written reason is required", field="reason")
    before = {"status": objection.status.value}
    today = local_date(now)
    app = objection.application
    if outcome == "upheld" and app.state is stage.publicity:
        target = stage.review if action == "send_back" else S.rejected
        check_permission(actor, rule_for(app, target), app, target)
        apply_transition(session, app, target, actor=actor.label, reason=reason, today=today,
                         evidence={"note": f"异议 {objection.number} 成立"})
    objection.status = ObjectionStatus.upheld if outcome == "upheld" else ObjectionStatus.dismissed
    objection.investigation = investigation
    objection.outcome_reason = reason
    objection.decided_by = actor.label
    objection.decided_at = now
    session.flush()
    if outcome == "dismissed":
        move_on(session, notice, app, actor.label, today)
    audit.record(session, actor.label, f"objection.{outcome}", "objection", objection.id, before,
                 {"status": objection.status.value, "action": action if outcome == "upheld" else None})
    events.objection_decided(session, objection)
    return objection


def for_objector(session: Session, number: str, channel: str, sender: str,
                 phone: str | None = None) -> Objection | None:
    """The objection only for whoever filed it (the same chat or phone, or the contact they left); None reads
    as "not found", so a guessed number tells a stranger nothing, not even that it exists."""
    objection = session.scalar(select(Objection).where(Objection.number == number.strip().upper()))
    if objection is None:
        return None
    if objection.channel == channel and objection.sender == sender:
        return objection
    filer_phone = objection.sender if objection.channel == "sms" else None
    if phone and phone in (objection.contact_phone, filer_phone):
        return objection
    return None
