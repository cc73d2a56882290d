"""The audit log for supervisors and the bot's call-back requests, as console pages over the API's services."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from api.console.web import ConsoleRoute, PostingStaff, StaffDep, form_error, redirect, render, unit
from api.deps import SessionDep
from api.domain.errors import DomainError, Forbidden
from api.models import Role
from api.models._types import utcnow
from api.models.callbacks import CallbackStatus
from api.services import audit_scope, callbacks

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
SUPERVISORS = frozenset({Role.reviewer, Role.admin})   # as GET /api/v1/audit
PAGE = 50


@router.get("/audit")
def audit_page(request: Request, session: SessionDep, staff: StaffDep,
               entity: Annotated[str, Query(max_length=32)] = "",
               entity_id: Annotated[str, Query(max_length=64)] = "",
               actor: Annotated[str, Query(max_length=128)] = "",
               day: Annotated[dt.date | None, Query()] = None,
               page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    """Entries in the reader's area, newest first, filtered by record, actor and day."""
    if staff.actor.role not in SUPERVISORS:
        raise Forbidden("审计日志仅供审核员和管理员查看 / the audit log is for reviewers and admins", field="role")
    since = dt.datetime.combine(day, dt.time(), dt.UTC) if day else None
    rows, total = audit_scope.list_entries(
        session, staff.actor, entity=entity or None, entity_id=entity_id or None, actor_label=actor or None,
        since=since, until=since + dt.timedelta(days=1) if since else None, limit=PAGE, offset=(page - 1) * PAGE)
    filters = {"entity": entity, "entity_id": entity_id, "actor": actor, "day": day.isoformat() if day else ""}
    return render(request, "audit.html", {"rows": rows, "total": total, "page": page, "pages": -(-total // PAGE),
                                          "filters": filters}, staff=staff)


@router.get("/callbacks")
def callbacks_page(request: Request, session: SessionDep, staff: StaffDep) -> Response:
    rows = callbacks.list_callbacks(session, staff.actor)
    return render(request, "callbacks.html", {"rows": rows, "open": CallbackStatus.open}, staff=staff)


@router.post("/callbacks/{callback_id}/handled")
def callback_handled(request: Request, callback_id: int, session: SessionDep, staff: PostingStaff,
                     outcome: Annotated[str, Form(max_length=200)] = "") -> Response:
    try:
        with unit(request) as write:
            callbacks.mark_handled(write, staff.actor, callback_id, outcome.strip() or None, utcnow())
    except DomainError as exc:
        rows = callbacks.list_callbacks(session, staff.actor)
        return form_error(request, "callbacks.html", exc, {"rows": rows, "open": CallbackStatus.open}, staff)
    return redirect("/callbacks")
