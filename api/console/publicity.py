"""Publicity and the inboxes: opening a window, the printable notice, objections, complaints, screening leads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from pydantic import ValidationError

from api.clock import local_today
from api.console.filing import pydantic_error
from api.console.steps import parse_date
from api.console.web import ConsoleRoute, PostingStaff, Staff, StaffDep, form_error, redirect, render, unit
from api.deps import SessionDep
from api.domain.errors import DomainError, ValidationFailed
from api.domain.names import mask_name
from api.models import Application, Area, AreaLevel, NoticeLevel
from api.models._types import utcnow
from api.profiles import get_profile
from api.schemas.publicity import NoticeIn
from api.screening.records import list_leads
from api.services import applications, complaints, objections, publicity

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def report_phone_rule(county_code: str) -> str | None:
    """The clause requiring a report phone on each notice (山阴 004 四(二)、四(三): 并公示举报电话), or None."""
    return get_profile(county_code).report_phone_citation


def _candidates(session: SessionDep, staff: Staff) -> tuple[NoticeLevel | None, list[Application]]:
    """What the reader's level puts under publicity, and the applications waiting for it in their area."""
    level = {AreaLevel.village: NoticeLevel.village, AreaLevel.township: NoticeLevel.township}.get(
        staff.actor.level)
    if level is None:
        return None, []
    stage = publicity.STAGES[level]
    rows, _ = applications.list_scoped(session, staff.actor, state=stage.review, limit=500)
    return level, rows


def _notices_context(session: SessionDep, staff: Staff) -> dict[str, Any]:
    level, candidates = _candidates(session, staff)
    area = session.get(Area, staff.actor.area_id)
    return {"notices": publicity.list_notices(session, staff.actor, limit=100), "level": level,
            "candidates": candidates, "area": area, "phone_rule": report_phone_rule(staff.actor.county_code),
            "profile": get_profile(staff.actor.county_code)}


@router.get("/notices")
def notices(request: Request, session: SessionDep, staff: StaffDep) -> Response:
    return render(request, "notices.html", _notices_context(session, staff), staff=staff)


@router.post("/notices")
async def open_notice(request: Request, session: SessionDep, staff: PostingStaff) -> Response:
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items()}
    ids = [int(v) for v in raw.getlist("application_ids") if str(v).isdigit()]
    try:
        level, _ = _candidates(session, staff)
        if level is None:
            raise ValidationFailed("level: 村委会和乡镇发布公示 / villages and townships publish notices",
                                   field="level")
        if not ids:
            raise ValidationFailed("application_ids: 请选择要公示的申请 / choose the applications",
                                   field="application_ids")
        phone = (form.get("report_phone") or "").strip()
        try:
            data = NoticeIn(level=level, area_id=staff.actor.area_id, application_ids=ids,
                            title=form.get("title", ""), opened_on=parse_date(form.get("opened_on"), "opened_on"),
                            closes_on=parse_date(form.get("closes_on"), "closes_on"), report_phone=phone or None,
                            minutes_ref=form.get("minutes_ref") or None)
        except ValidationError as exc:
            raise pydantic_error(exc) from None
        with unit(request) as write:
            notice_id = publicity.open_notice(write, staff.actor, data).id
    except DomainError as exc:
        return form_error(request, "notices.html", exc, {**_notices_context(session, staff), "form": form,
                                                         "chosen": ids}, staff)
    return redirect(f"/notices/{notice_id}")


def _notice_context(session: SessionDep, staff: Staff, notice_id: int) -> dict[str, Any]:
    notice = publicity.get_notice(session, staff.actor, notice_id)
    rows, _ = objections.list_objections(session, staff.actor, notice_id=notice_id, limit=200)
    return {"notice": notice, "view": publicity.public_view(session, notice, utcnow()), "objections": rows,
            "area": session.get(Area, notice.area_id)}


@router.get("/notices/{notice_id}")
def notice_page(request: Request, notice_id: int, session: SessionDep, staff: StaffDep) -> Response:
    return render(request, "notice.html", _notice_context(session, staff, notice_id), staff=staff)


@router.get("/notices/{notice_id}/print")
def notice_print(request: Request, notice_id: int, session: SessionDep, staff: StaffDep) -> Response:
    """The A4 sheet for the notice board: masked names, the window, and how to object by SMS or Telegram."""
    context = _notice_context(session, staff, notice_id)
    numbers = {e.application_id: e.application.number for e in context["notice"].entries}
    return render(request, "notice_print.html", {**context, "numbers": numbers}, staff=staff)


@router.post("/notices/{notice_id}/close")
def close_notice(request: Request, notice_id: int, session: SessionDep, staff: PostingStaff) -> Response:
    try:
        with unit(request) as write:
            publicity.close_notice(write, staff.actor, notice_id)
    except DomainError as exc:
        return form_error(request, "notice.html", exc, _notice_context(session, staff, notice_id), staff)
    return redirect(f"/notices/{notice_id}")


@router.post("/notices/{notice_id}/objections")
def take_down_objection(request: Request, notice_id: int, session: SessionDep, staff: PostingStaff,
                        application_id: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
                        contact_phone: Annotated[str, Form()] = "") -> Response:
    """A resident came in or phoned the report line: the clerk records the objection for them."""
    form = {"application_id": application_id, "reason": reason, "contact_phone": contact_phone}
    try:
        with unit(request) as write:
            objections.file_for_actor(write, staff.actor, notice_id,
                                      int(application_id) if application_id.isdigit() else 0, reason,
                                      contact_phone or None, utcnow())
    except DomainError as exc:
        return form_error(request, "notice.html", exc, {**_notice_context(session, staff, notice_id),
                                                        "form": form}, staff)
    return redirect(f"/notices/{notice_id}")


def _objections_context(session: SessionDep, staff: Staff) -> dict[str, Any]:
    rows, total = objections.list_objections(session, staff.actor, limit=200)
    return {"objections": rows, "total": total, "mask": mask_name}


@router.get("/objections")
def objection_inbox(request: Request, session: SessionDep, staff: StaffDep) -> Response:
    return render(request, "objections.html", _objections_context(session, staff), staff=staff)


@router.post("/objections/{objection_id}/decide")
def decide(request: Request, objection_id: int, session: SessionDep, staff: PostingStaff,
           outcome: Annotated[str, Form()] = "", investigation: Annotated[str, Form()] = "",
           reason: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "send_back") -> Response:
    form = {"outcome": outcome, "investigation": investigation, "reason": reason, "action": action,
            "objection_id": str(objection_id)}
    try:
        if outcome not in ("upheld", "dismissed"):
            raise ValidationFailed("outcome: 请选择调查结论 / choose the outcome", field="outcome")
        if action not in ("send_back", "reject"):
            raise ValidationFailed("action: 请选择处理方式 / choose the action", field="action")
        with unit(request) as write:
            objections.decide_objection(write, staff.actor, objection_id, outcome=outcome,  # type: ignore[arg-type]
                                        investigation=investigation, reason=reason, action=action,  # type: ignore[arg-type]
                                        now=utcnow())
    except DomainError as exc:
        return form_error(request, "objections.html", exc, {**_objections_context(session, staff), "form": form},
                          staff)
    return redirect("/objections")


def _complaints_context(session: SessionDep, staff: Staff) -> dict[str, Any]:
    rows, total = complaints.list_complaints(session, staff.actor, now=utcnow(), limit=200)
    today = local_today()
    return {"complaints": rows, "total": total, "overdue": lambda c: complaints.is_overdue(c, today)}


@router.get("/complaints")
def complaint_inbox(request: Request, session: SessionDep, staff: StaffDep) -> Response:
    return render(request, "complaints.html", _complaints_context(session, staff), staff=staff)


@router.post("/complaints/{complaint_id}/{action}")
def handle_complaint(request: Request, complaint_id: int, action: str, session: SessionDep, staff: PostingStaff,
                     text: Annotated[str, Form()] = "") -> Response:
    form = {"text": text, "complaint_id": str(complaint_id), "action": action}
    try:
        with unit(request) as write:
            if action == "note":
                complaints.add_note(write, staff.actor, complaint_id, text, utcnow())
            elif action == "resolve":
                complaints.resolve(write, staff.actor, complaint_id, text, utcnow())
            else:
                raise ValidationFailed("action: 未知操作 / unknown action", field="action")
    except DomainError as exc:
        if exc.field == "reply":
            exc.field = "text"
        return form_error(request, "complaints.html", exc, {**_complaints_context(session, staff), "form": form},
                          staff)
    return redirect("/complaints")


@router.get("/leads")
def leads(request: Request, session: SessionDep, staff: StaffDep) -> Response:
    return render(request, "leads.html", {"leads": list(list_leads(session, staff.actor))}, staff=staff)
