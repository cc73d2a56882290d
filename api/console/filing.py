"""Filing: household lookup and registration, and an application by the household or by the committee for a
person who is 失能失智 (003 四), entered the day it happens or later from the paper record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from sqlalchemy import select

from api.clock import local_today
from api.console.steps import parse_date
from api.console.web import ConsoleRoute, PostingStaff, Staff, StaffDep, form_error, redirect, render, unit
from api.deps import SessionDep
from api.domain.errors import DomainError, ValidationFailed
from api.models import Area, AreaLevel, FiledBy, TargetCategory
from api.schemas.applications import ApplicationIn
from api.schemas.households import HouseholdIn
from api.services import applications
from api.services.households import create_household, find_households, get_household, scoped

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
CONTACT_ROWS = 2


def villages(session: SessionDep, staff: Staff) -> list[Area]:
    query = scoped(select(Area).where(Area.level == AreaLevel.village), staff.actor, Area.id, Area.township_id,
                   Area.county_code)
    return list(session.scalars(query.order_by(Area.name, Area.id)))


def pydantic_error(exc: ValidationError) -> ValidationFailed:
    """The first problem of a form, as the domain error the page shows next to its field."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ()))
    return ValidationFailed(f"{field}: {first.get('msg', '')}", field=field)


@router.get("/households")
def households(request: Request, session: SessionDep, staff: StaffDep, q: str = "") -> Response:
    found = find_households(session, staff.actor, q)
    return render(request, "households.html" if request.headers.get("HX-Request") != "true"
                  else "_household_rows.html",
                  {"q": q, "found": found, "villages": villages(session, staff),
                   "categories": [c for c in TargetCategory if c is not TargetCategory.none]}, staff=staff)


@router.post("/households")
async def new_household(request: Request, session: SessionDep, staff: PostingStaff) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        data = HouseholdIn(
            village_id=int(form.get("village_id") or 0), head_name=form.get("head_name", ""),
            head_id_number=form.get("head_id_number", ""), phone=form.get("phone") or None,
            address=form.get("address", ""), category=form.get("category") or "none")  # type: ignore[arg-type]
    except ValidationError as exc:
        error: DomainError = pydantic_error(exc)
    else:
        try:
            with unit(request) as write:
                household_id = create_household(write, staff.actor, data).id
            return redirect(f"/file?household_id={household_id}")
        except DomainError as exc:
            error = exc
    return form_error(request, "households.html", error, {
        "q": "", "found": [], "villages": villages(session, staff), "form": form,
        "categories": [c for c in TargetCategory if c is not TargetCategory.none]}, staff)


def _file_context(session: SessionDep, staff: Staff, household_id: int) -> dict[str, Any]:
    return {"household": get_household(session, staff.actor, household_id), "rows": range(CONTACT_ROWS)}


@router.get("/file")
def file_form(request: Request, session: SessionDep, staff: StaffDep, household_id: int) -> Response:
    context = _file_context(session, staff, household_id)
    return render(request, "file.html", {**context, "form": {"filed_by": "applicant"}}, staff=staff)


def application_in(household_id: int, form: dict[str, str]) -> ApplicationIn:
    committee = form.get("filed_by") == FiledBy.committee.value
    contacts = []
    for i in range(CONTACT_ROWS):
        row = {k: form.get(f"contacts.{i}.{k}", "").strip() for k in ("name", "phone", "relation")}
        if any(row.values()):
            contacts.append(row)
    try:
        return ApplicationIn(
            household_id=household_id, reason=form.get("reason", ""), method=form.get("method") or None,
            filed_by=FiledBy.committee if committee else FiledBy.applicant,
            phone=None if committee else (form.get("phone") or None),
            incapacity_reason=(form.get("incapacity_reason") or None) if committee else None,
            contacts=contacts if committee else [])  # type: ignore[arg-type]
    except ValidationError as exc:
        raise pydantic_error(exc) from None


@router.post("/file")
async def file_application(request: Request, session: SessionDep, staff: PostingStaff) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    household_id = int(form["household_id"]) if form.get("household_id", "").isdigit() else 0
    try:
        data = application_in(household_id, form)
        filed_on = parse_date(form.get("filed_on"), "filed_on")
        if filed_on is not None and filed_on > local_today():
            raise ValidationFailed("filed_on: 不能晚于今天 / must not be in the future", field="filed_on")
        paper_ref = (form.get("paper_ref") or "").strip()[:128] or None
        if filed_on is not None and filed_on < local_today() and not paper_ref:
            raise ValidationFailed("paper_ref: 补录纸质申请须填写纸质记录编号 / give the paper record's reference",
                                   field="paper_ref")
        with unit(request) as write:
            app = applications.create_application(write, staff.actor, data, today=filed_on, paper_ref=paper_ref)
            app_id = app.id
    except DomainError as exc:
        context = _file_context(session, staff, household_id)
        return form_error(request, "file.html", exc, {**context, "form": form}, staff)
    return redirect(f"/applications/{app_id}?done=filed")

