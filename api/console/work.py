"""Work lists and the application page: what is due, what is late, and the next step with its evidence."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from sqlalchemy import func, select

from api.clock import local_today
from api.console.steps import FIELD_LABELS, PERIOD_NAMES, UNITS, guide, parse_date
from api.console.steps import evidence_from_form as evidence_of
from api.console.web import ConsoleRoute, PostingStaff, Staff, StaffDep, form_error, redirect, render, unit
from api.deps import SessionDep
from api.domain.errors import DomainError, ValidationFailed
from api.models import Application, ApplicationState, Area
from api.profiles import get_profile
from api.services import applications, corrections, deadlines, workflow
from api.services.households import scoped
from api.services.workflow import ACTIVE

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
PAGE = 100


def is_overdue(app: Application, today: dt.date) -> bool:
    """Past the step's deadline, or an agreement flagged for a late start (the rule of deadlines.list_overdue)."""
    if app.state not in ACTIVE:
        return False
    late_start = app.start_overdue and app.state is ApplicationState.agreement_signed
    return bool(app.due_on and app.due_on < today) or late_start


def _village_names(session: SessionDep, apps: list[Application]) -> dict[int, str]:
    ids = {a.village_id for a in apps}
    if not ids:
        return {}
    return {i: name for i, name in session.execute(select(Area.id, Area.name).where(Area.id.in_(ids))).all()}


def _counts(session: SessionDep, staff: Staff) -> Counter[str]:
    query = scoped(select(Application.state, func.count()).group_by(Application.state), staff.actor,
                   Application.village_id, Application.township_id, Application.county_code)
    return Counter({state.value: int(n) for state, n in session.execute(query).all()})


def my_states(staff: Staff) -> list[ApplicationState]:
    """The states from which the reader's level may take a move (their desk), in workflow order."""
    out: list[ApplicationState] = []
    for (frm, _to), rule in workflow.TRANSITIONS.items():
        if staff.actor.level in rule.levels and rule.via is None and staff.actor.role in rule.roles \
                and frm not in out and _to is not ApplicationState.withdrawn:
            out.append(frm)
    return out


@router.get("/")
def home(request: Request, session: SessionDep, staff: StaffDep) -> Response:
    today = local_today()
    overdue, total_overdue = deadlines.list_overdue(session, staff.actor, today, limit=PAGE)
    desk = my_states(staff)
    waiting, _ = applications.list_scoped(session, staff.actor, Application.state.in_(desk), limit=PAGE)
    rows = overdue + [a for a in waiting if a not in overdue]
    return render(request, "home.html", {
        "counts": _counts(session, staff), "overdue": overdue, "total_overdue": total_overdue,
        "waiting": waiting, "villages": _village_names(session, rows), "states": list(ApplicationState),
        "is_overdue": lambda a: is_overdue(a, today), "profile": get_profile(staff.actor.county_code),
    }, staff=staff)


@router.get("/applications")
def application_list(request: Request, session: SessionDep, staff: StaffDep, state: str = "",
                     overdue: Annotated[int, Query(ge=0, le=1)] = 0,
                     offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    today = local_today()
    chosen = ApplicationState(state) if state in ApplicationState.__members__ else None
    if overdue:
        rows, total = deadlines.list_overdue(session, staff.actor, today, state=chosen, limit=PAGE,
                                             offset=offset)
    else:
        rows, total = applications.list_applications(session, staff.actor, state=chosen, limit=PAGE,
                                                     offset=offset)
    return render(request, "applications.html", {
        "rows": rows, "total": total, "offset": offset, "page": PAGE, "chosen": chosen, "overdue": overdue,
        "counts": _counts(session, staff), "states": list(ApplicationState),
        "villages": _village_names(session, rows), "is_overdue": lambda a: is_overdue(a, today),
    }, staff=staff)


def detail_context(session: SessionDep, staff: Staff, application_id: int) -> dict[str, Any]:
    app = applications.get_application(session, staff.actor, application_id)
    today = local_today()
    village = session.get(Area, app.village_id)
    return {"app": app, "village": village, "steps": guide(app, staff.actor), "labels": FIELD_LABELS,
            "period_names": PERIOD_NAMES, "units": UNITS, "open_step": "",
            "overdue": is_overdue(app, today), "profile": get_profile(app.county_code),
            "correctable": [f for f in corrections.CORRECTABLE if getattr(app, corrections.CORRECTABLE[f]) is not None]}


@router.get("/applications/{application_id}")
def application_page(request: Request, application_id: int, session: SessionDep, staff: StaffDep) -> Response:
    return render(request, "application.html", detail_context(session, staff, application_id), staff=staff)


@router.post("/applications/{application_id}/step")
async def take_step(request: Request, application_id: int, session: SessionDep, staff: PostingStaff) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    to_value = form.get("to", "")
    try:
        with unit(request) as write:
            app = applications.get_application(write, staff.actor, application_id)
            if to_value not in ApplicationState.__members__:
                raise ValidationFailed("to: 请选择下一步 / choose the next step", field="to")
            to = ApplicationState(to_value)
            step = next((s for s in guide(app, staff.actor) if s.to is to), None)
            if step is None:
                workflow.rule_for(app, to)  # raises the precise message
                raise ValidationFailed("to: 无此步骤 / no such step", field="to")
            effective_on = parse_date(form.get("effective_on"), "effective_on")
            workflow.transition(write, staff.actor, app, to, reason=form.get("reason", ""),
                                evidence=evidence_of(step, form), effective_on=effective_on)
    except DomainError as exc:
        if exc.field in (None, "to", "application_id"):
            exc.field = None   # not a field of the form: shown at the top of the page
        context = detail_context(session, staff, application_id)
        return form_error(request, "application.html", exc, {**context, "form": form, "open_step": to_value},
                          staff)
    return redirect(f"/applications/{application_id}?done={to_value}")


@router.post("/applications/{application_id}/correct")
def correct(request: Request, application_id: int, session: SessionDep, staff: PostingStaff,
            field: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
            reason: Annotated[str, Form()] = "") -> Response:
    try:
        with unit(request) as write:
            app = applications.get_application(write, staff.actor, application_id)
            raw: Any = int(value) if field == "payment_amount_yuan" and value.strip().isdigit() else value
            corrections.correct(write, staff.actor, app, field, raw, reason)
    except DomainError as exc:
        if exc.field == field:
            exc.field = "correct.value"
        context = detail_context(session, staff, application_id)
        form = {"correct.field": field, "correct.value": value, "correct.reason": reason}
        return form_error(request, "application.html", exc, {**context, "form": form}, staff)
    return redirect(f"/applications/{application_id}?done=correction")
