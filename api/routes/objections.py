"""Objections: taken down by staff (the bot files through the same service), and their decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.auth import current_actor
from api.deps import SessionDep
from api.models import ObjectionStatus
from api.models._types import utcnow
from api.schemas.objections import DecisionIn, ObjectionIn, ObjectionOut, ObjectionPage
from api.schemas.types import Id, Limit, Offset
from api.services import objections
from api.services.scope import Actor

router = APIRouter(prefix="/api/v1", tags=["objections"])
ActorDep = Annotated[Actor, Depends(current_actor)]


@router.post("/objections", status_code=201, response_model=ObjectionOut)
def file_objection(body: ObjectionIn, response: Response, session: SessionDep,
                   actor: ActorDep) -> ObjectionOut:
    objection = objections.file_for_actor(session, actor, body.notice_id, body.application_id, body.reason,
                                          body.contact_phone, utcnow())
    response.headers["Location"] = f"/api/v1/objections/{objection.id}"
    return ObjectionOut.model_validate(objection)


@router.get("/objections", response_model=ObjectionPage)
def list_objections(session: SessionDep, actor: ActorDep, status: ObjectionStatus | None = None,
                    notice_id: Id | None = None, limit: Limit = 50,
                    offset: Offset = 0) -> ObjectionPage:
    rows, total = objections.list_objections(session, actor, status=status, notice_id=notice_id,
                                             limit=limit, offset=offset)
    return ObjectionPage(total=total, limit=limit, offset=offset,
                         items=[ObjectionOut.model_validate(o) for o in rows])


@router.get("/objections/{objection_id}", response_model=ObjectionOut)
def get_objection(objection_id: Id, session: SessionDep, actor: ActorDep) -> ObjectionOut:
    return ObjectionOut.model_validate(objections.get_objection(session, actor, objection_id))


@router.post("/objections/{objection_id}/decision", response_model=ObjectionOut)
def decide(objection_id: Id, body: DecisionIn, session: SessionDep, actor: ActorDep) -> ObjectionOut:
    objection = objections.decide_objection(session, actor, objection_id, outcome=body.outcome,
                                            investigation=body.investigation, reason=body.reason,
                                            action=body.action, now=utcnow())
    return ObjectionOut.model_validate(objection)
