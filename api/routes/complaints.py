"""Complaints for staff: list (by area, category, status, overdue), read, assign, note, resolve with a reply."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from api.auth import current_actor
from api.deps import SessionDep
from api.models import Area
from api.models._types import utcnow
from api.models.complaints import ComplaintCategory, ComplaintStatus
from api.schemas.complaints import (
    AssignIn,
    ComplaintOut,
    ComplaintPage,
    NoteIn,
    ResolveIn,
    SatisfactionOut,
)
from api.schemas.types import Id, Limit, Offset
from api.services import complaints
from api.services.complaints import complaint_out
from api.services.scope import Actor

router = APIRouter(prefix="/api/v1", tags=["complaints"])
ActorDep = Annotated[Actor, Depends(current_actor)]


@router.get("/complaints", response_model=ComplaintPage)
def list_complaints(session: SessionDep, actor: ActorDep, area_id: Id | None = None,
                    category: ComplaintCategory | None = None, status: ComplaintStatus | None = None,
                    overdue: bool | None = None, limit: Limit = 50,
                    offset: Offset = 0) -> ComplaintPage:
    now = utcnow()
    rows, total = complaints.list_complaints(session, actor, area_id=area_id, category=category, status=status,
                                             overdue=overdue, now=now, limit=limit, offset=offset)
    return ComplaintPage(total=total, limit=limit, offset=offset,
                         items=[complaint_out(c, actor, now) for c in rows])


@router.get("/complaints/satisfaction", response_model=list[SatisfactionOut])
def satisfaction(session: SessionDep, actor: ActorDep) -> list[SatisfactionOut]:
    """回访 scores per handling area, within the actor's scope."""
    rows = complaints.satisfaction_by_area(session, actor)
    names = {a.id: a.name for a in session.scalars(select(Area).where(Area.id.in_([r[0] for r in rows])))}
    return [SatisfactionOut(area_id=area_id, area=names.get(area_id, ""), rated=rated, mean=mean)
            for area_id, rated, mean in rows]


@router.get("/complaints/{complaint_id}", response_model=ComplaintOut)
def get_complaint(complaint_id: Id, session: SessionDep, actor: ActorDep) -> ComplaintOut:
    return complaint_out(complaints.get_complaint(session, actor, complaint_id), actor, utcnow())


@router.post("/complaints/{complaint_id}/assign", response_model=ComplaintOut)
def assign(complaint_id: Id, body: AssignIn, session: SessionDep, actor: ActorDep) -> ComplaintOut:
    now = utcnow()
    complaint = complaints.assign(session, actor, complaint_id, area_id=body.area_id, assignee=body.assignee,
                                  now=now)
    return complaint_out(complaint, actor, now)


@router.post("/complaints/{complaint_id}/notes", status_code=201, response_model=ComplaintOut)
def add_note(complaint_id: Id, body: NoteIn, session: SessionDep, actor: ActorDep) -> ComplaintOut:
    now = utcnow()
    complaints.add_note(session, actor, complaint_id, body.text, now)
    return complaint_out(complaints.get_complaint(session, actor, complaint_id), actor, now)


@router.post("/complaints/{complaint_id}/resolve", response_model=ComplaintOut)
def resolve(complaint_id: Id, body: ResolveIn, session: SessionDep, actor: ActorDep) -> ComplaintOut:
    now = utcnow()
    return complaint_out(complaints.resolve(session, actor, complaint_id, body.reply, now), actor, now)
