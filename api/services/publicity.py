"""Publicity notices (公示): opening one for a batch of applications, its window, closing it, the public view.

The window's length comes from the county profile (004 四(二)(三): not less than 7 days; 003 六(四): 5 working
days). Where a county states none, the clerk gives the closing day; no other county's figure is borrowed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clock import local_date
from api.domain.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from api.domain.idcard import mask_id_number
from api.domain.names import mask_name
from api.domain.workdays import period_end
from api.models import (
    Application,
    ApplicationState,
    Area,
    AreaLevel,
    NoticeEntry,
    NoticeLevel,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PublicityNotice,
)
from api.profiles import get_profile
from api.schemas.publicity import NoticeIn, PublicEntry, PublicNotice
from api.services import audit, events
from api.services.applications import get_application
from api.services.households import require_writer, scoped
from api.services.scope import Actor, visible_area, visible_record
from api.services.workflow import (
    SYSTEM,
    apply_transition,
    check_permission,
    local_today,
    rule_for,
)

S = ApplicationState


@dataclass(frozen=True)
class Stage:
    """What a notice of one level does: which state it takes, puts under publicity, and moves on to."""

    area_level: AreaLevel
    review: S
    publicity: S
    after: S


STAGES = {
    NoticeLevel.village: Stage(AreaLevel.village, S.village_review, S.village_publicity,
                               S.township_review),
    NoticeLevel.township: Stage(AreaLevel.township, S.township_review, S.township_publicity,
                                S.department_check),
}
PENDING = (ObjectionStatus.received, ObjectionStatus.investigating)


def stage_of(notice: PublicityNotice) -> Stage:
    return STAGES[notice.level]


def window_open(notice: PublicityNotice, now: dt.datetime) -> bool:
    """Open from the first moment of ``opened_on`` through the last of ``closes_on``, local time."""
    return notice.opened_on <= local_date(now) <= notice.closes_on


def window_text(notice: PublicityNotice) -> str:
    note = "（节假日安排未公布，截止日期暂定） / provisional" if notice.closes_provisional else ""
    return (f"公示期：{notice.opened_on.isoformat()} 至 {notice.closes_on.isoformat()} 24时"
            f"（北京时间）{note} / open {notice.opened_on.isoformat()} through the end of "
            f"{notice.closes_on.isoformat()}")


def _closing_day(data: NoticeIn, county_code: str, opened_on: dt.date) -> tuple[dt.date, bool, str]:
    """The last day of the window, whether it is provisional, and the citation of the period used."""
    period = get_profile(county_code).period(f"{data.level.value}_publicity")  # type: ignore[arg-type]
    if period is None:
        if data.closes_on is None:
            raise ValidationFailed("closes_on: 本县政策文件未规定公示天数，请填写公示截止日期 / the county's "
                                   "documents state no publicity period: give closes_on", field="closes_on")
        if data.closes_on < opened_on:
            raise ValidationFailed("closes_on: 截止日期早于公示开始日期 / before opened_on",
                                   field="closes_on")
        return data.closes_on, False, ""
    deadline = period_end(opened_on, period.amount, period.unit)
    unit = {"days": "日", "working_days": "个工作日", "months": "个月"}[period.unit]
    if data.closes_on is not None and data.closes_on < deadline.due:
        raise ValidationFailed(f"closes_on: 公示期不得短于{period.amount}{unit}（{period.citation}），"
                               f"最早截止于 {deadline.due.isoformat()} / shorter than the county's period",
                               field="closes_on")
    if data.closes_on is not None and data.closes_on > deadline.due and not period.minimum:
        raise ValidationFailed(f"closes_on: 本县公示期为{period.amount}{unit}（{period.citation}），应截止于 "
                               f"{deadline.due.isoformat()} / the county fixes the period",
                               field="closes_on")
    closes_on = data.closes_on or deadline.due
    return closes_on, deadline.provisional and closes_on == deadline.due, period.citation


def _batch(session: Session, actor: Actor, data: NoticeIn, area: Area, stage: Stage) -> list[Application]:
    if len(set(data.application_ids)) != len(data.application_ids):
        raise ValidationFailed("application_ids: 有重复的申请 / duplicate application ids",
                               field="application_ids")
    apps = []
    for app_id in data.application_ids:
        app = get_application(session, actor, app_id)
        home = app.village_id if stage.area_level is AreaLevel.village else app.township_id
        if home != area.id:
            raise ValidationFailed(f"application_ids: 申请 {app.number} 不属于 {area.name} / other area",
                                   field="application_ids")
        if app.state is not stage.review:
            raise InvalidTransition(f"申请 {app.number} 当前状态为 {app.state.value}，须为 "
                                    f"{stage.review.value} 才能公示 / must be in {stage.review.value}",
                                    field="application_ids")
        check_permission(actor, rule_for(app, stage.publicity), app, stage.publicity)
        apps.append(app)
    return apps


def open_notice(session: Session, actor: Actor, data: NoticeIn,
                today: dt.date | None = None) -> PublicityNotice:
    """Post a batch of applications; each moves into publicity with the window as its deadline."""
    require_writer(actor)
    if data.level not in STAGES:
        raise ValidationFailed("level: 只支持村级和乡镇公示 / only village and township notices",
                               field="level")
    stage = STAGES[data.level]
    area = visible_area(session, actor, data.area_id)
    if area.level is not stage.area_level:
        raise ValidationFailed(f"area_id: {area.name} 不是{stage.area_level.value}级区域 / not a "
                               f"{stage.area_level.value}", field="area_id")
    today = today or local_today()
    opened_on = data.opened_on or today
    if opened_on > today:
        raise ValidationFailed("opened_on: 不能晚于今天 / must not be in the future", field="opened_on")
    apps = _batch(session, actor, data, area, stage)
    evidence: dict[str, str] = {}
    if data.level is NoticeLevel.village:
        if not data.minutes_ref:
            raise ValidationFailed("minutes_ref: 村级公示须提供“四议两公开”会议纪要编号（004 四(二)） / the "
                                   "minutes of the evaluation are required", field="minutes_ref")
        evidence["minutes_ref"] = data.minutes_ref
    closes_on, provisional, citation = _closing_day(data, area.county_code, opened_on)
    report_phone = data.report_phone or get_profile(area.county_code).hotline
    required_by = get_profile(area.county_code).report_phone_citation
    if required_by and not (report_phone or "").strip():
        raise ValidationFailed(f"report_phone: 本县要求公示时同时公布举报电话（{required_by}） / the county's "
                               "document requires a report phone on the notice", field="report_phone")
    notice = PublicityNotice(
        level=data.level, area_id=area.id, county_code=area.county_code,
        title=data.title or f"{area.name}农村危房改造对象公示", opened_on=opened_on, closes_on=closes_on,
        closes_provisional=provisional, period_citation=citation, report_phone=report_phone,
        status=NoticeStatus.open, opened_by=actor.label,
        entries=[NoticeEntry(application_id=app.id) for app in apps])
    session.add(notice)
    session.flush()
    for app in apps:
        apply_transition(session, app, stage.publicity, actor=actor.label, evidence=evidence,
                         reason=f"公示 #{notice.id}", effective_on=opened_on, today=today)
        app.due_on, app.due_provisional = closes_on, provisional
    session.flush()
    audit.record(session, actor.label, "notice.open", "publicity_notice", notice.id, None,
                 {"level": data.level.value, "area_id": area.id, "opened_on": opened_on.isoformat(),
                  "closes_on": closes_on.isoformat(), "applications": [a.id for a in apps]})
    events.notice_opened(session, notice)
    return notice


def get_notice(session: Session, actor: Actor, notice_id: int) -> PublicityNotice:
    return visible_record(session, actor, PublicityNotice, notice_id, area_of=lambda n: n.area_id,
                          missing=f"公示 {notice_id} 不存在 / notice not found", field="notice_id")


def list_notices(session: Session, actor: Actor, *, status: NoticeStatus | None = None, limit: int = 50,
                 offset: int = 0) -> list[PublicityNotice]:
    query = scoped(select(PublicityNotice).join(Area, Area.id == PublicityNotice.area_id), actor,
                   Area.id, Area.township_id, Area.county_code)
    if status is not None:
        query = query.where(PublicityNotice.status == status)
    return list(session.scalars(query.order_by(PublicityNotice.id.desc()).limit(limit).offset(offset)))


def has_pending_objection(session: Session, notice_id: int, application_id: int) -> bool:
    return session.scalar(select(Objection.id).where(
        Objection.notice_id == notice_id, Objection.application_id == application_id,
        Objection.status.in_(PENDING)).limit(1)) is not None


def move_on(session: Session, notice: PublicityNotice, app: Application, actor: str, today: dt.date) -> bool:
    """Pass one entry up once the window is over and no objection is undecided (004 四(二)(三))."""
    stage = stage_of(notice)
    if notice.status is not NoticeStatus.closed or app.state is not stage.publicity:
        return False
    if has_pending_objection(session, notice.id, app.id):
        return False
    apply_transition(session, app, stage.after, actor=actor, automatic=actor == SYSTEM, today=today,
                     effective_on=max(today, app.events[-1].effective_on) if app.events else today,
                     reason=f"公示 #{notice.id} 期满无异议或异议不成立 / publicity over, no upheld objection")
    return True


def _close(session: Session, notice: PublicityNotice, actor: str, today: dt.date) -> list[int]:
    notice.status = NoticeStatus.closed
    moved = [entry.application_id for entry in notice.entries
             if move_on(session, notice, entry.application, actor, today)]
    session.flush()
    audit.record(session, actor, "notice.close", "publicity_notice", notice.id, {"status": "open"},
                 {"status": "closed", "moved_on": moved})
    return moved


def close_notice(session: Session, actor: Actor, notice_id: int, today: dt.date | None = None) -> list[int]:
    """Close by hand after the last day; returns the applications that moved on."""
    require_writer(actor)
    notice = get_notice(session, actor, notice_id)
    today = today or local_today()
    if notice.status is NoticeStatus.closed:
        raise Conflict(f"公示 {notice.id} 已结束 / notice already closed", field="notice_id")
    if today <= notice.closes_on:
        raise Conflict(f"公示 {notice.id} 仍在公示期内（至 {notice.closes_on.isoformat()}） / "
                       "the window is still open", field="notice_id")
    if actor.level is not stage_of(notice).area_level:
        raise InvalidTransition(f"{notice.level.value} 级公示应由发布单位结束 / closed by its own level",
                                field="notice_id")
    return _close(session, notice, actor.label, today)


def close_due_notices(session: Session, today: dt.date) -> list[int]:
    """For the scheduler: close every open notice whose last day has passed; returns their ids."""
    due = session.scalars(select(PublicityNotice).where(
        PublicityNotice.status == NoticeStatus.open, PublicityNotice.closes_on < today)
        .order_by(PublicityNotice.id)).all()
    for notice in due:
        _close(session, notice, SYSTEM, today)
    return [n.id for n in due]


# --- the public view: no token, names and ID numbers masked (DESIGN.md, Identity and privacy) ----------

def how_to_object(notice: PublicityNotice) -> str:
    phone = f"拨打举报电话 {notice.report_phone}、" if notice.report_phone else ""
    return (f"对公示对象有异议的，请在公示期内（{notice.closes_on.isoformat()} 24时前）{phone}向"
            f"{'村委会' if notice.level is NoticeLevel.village else '乡镇人民政府'}书面反映，或通过短信、"
            f"Telegram 发送“异议 {notice.id} 申请编号 理由”。我们会组织调查并书面答复；"
            "反映人信息不会告知被反映的家庭。 / To object, contact the committee or send "
            f"'异议 {notice.id} <application> <reason>' before the end of {notice.closes_on.isoformat()}.")


def public_notices(session: Session, village_id: int) -> list[PublicityNotice]:
    """Open notices a resident of the village can see: the village's own and its township's."""
    village = session.get(Area, village_id)
    if village is None or village.level is not AreaLevel.village:
        raise NotFound(f"村 {village_id} 不存在 / village not found", field="village_id")
    areas = [village.id] + ([village.township_id] if village.township_id else [])
    return list(session.scalars(select(PublicityNotice).where(
        PublicityNotice.area_id.in_(areas), PublicityNotice.status == NoticeStatus.open)
        .order_by(PublicityNotice.id.desc())))


def public_notice(session: Session, notice_id: int) -> PublicityNotice:
    notice = session.get(PublicityNotice, notice_id)
    if notice is None:
        raise NotFound(f"公示 {notice_id} 不存在 / notice not found", field="notice_id")
    return notice


def public_view(session: Session, notice: PublicityNotice, now: dt.datetime) -> PublicNotice:
    """What a resident sees: the window, the report phone, how to object; names and ID numbers masked."""
    area = session.get(Area, notice.area_id)
    villages: dict[int, str] = {}
    entries = []
    for entry in notice.entries:
        app = entry.application
        if app.village_id not in villages:
            village = session.get(Area, app.village_id)
            villages[app.village_id] = village.name if village else ""
        household = app.household
        entries.append(PublicEntry(application_id=app.id, name=mask_name(household.head_name),
                                   id_number=mask_id_number(household.head_id_number),
                                   village=villages[app.village_id], category=household.category.value))
    return PublicNotice(
        id=notice.id, level=notice.level, area=area.name if area else "", title=notice.title,
        opened_on=notice.opened_on, closes_on=notice.closes_on, closes_provisional=notice.closes_provisional,
        open=notice.status is NoticeStatus.open and window_open(notice, now), window=window_text(notice),
        report_phone=notice.report_phone, how_to_object=how_to_object(notice), entries=entries)
