"""Applications: filing, reading, the overdue list and workflow transitions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.auth import current_actor
from api.deps import SessionDep, commit_now
from api.models import ApplicationState
from api.schemas.applications import (
    ApplicationDetail,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    EventOut,
    TransitionIn,
)
from api.schemas.types import Id, Limit, Offset
from api.services import applications, deadlines, workflow
from api.services.scope import Actor

router = APIRouter(prefix="/api/v1", tags=["applications"])
ActorDep = Annotated[Actor, Depends(current_actor)]


@router.post("/applications", status_code=201, response_model=ApplicationDetail)
def create_application(body: ApplicationIn, response: Response, session: SessionDep,
                       actor: ActorDep) -> ApplicationDetail:
    app = applications.create_application(session, actor, body, number_at_commit=True)
    commit_now(session)   # the number is taken at the commit: commit before answering with it
    response.headers["Location"] = f"/api/v1/applications/{app.id}"
    return ApplicationDetail.model_validate(app)


@router.get("/applications", response_model=ApplicationPage)
def list_applications(session: SessionDep, actor: ActorDep, state: ApplicationState | None = None,
                      village_id: Id | None = None, limit: Limit = 50,
                      offset: Offset = 0) -> ApplicationPage:
    rows, total = applications.list_applications(session, actor, state=state, village_id=village_id,
                                                 limit=limit, offset=offset)
    return ApplicationPage(total=total, limit=limit, offset=offset,
                           items=[ApplicationOut.model_validate(a) for a in rows])


@router.get("/applications/overdue", response_model=ApplicationPage)
def list_overdue(session: SessionDep, actor: ActorDep, state: ApplicationState | None = None,
                 limit: Limit = 50, offset: Offset = 0) -> ApplicationPage:
    """Past their step's deadline (review, department check, agreement start) or flagged for a late start."""
    rows, total = deadlines.list_overdue(session, actor, workflow.local_today(), state=state, limit=limit,
                                         offset=offset)
    return ApplicationPage(total=total, limit=limit, offset=offset,
                           items=[ApplicationOut.model_validate(a) for a in rows])


@router.get("/applications/{application_id}", response_model=ApplicationDetail)
def get_application(application_id: Id, session: SessionDep, actor: ActorDep) -> ApplicationDetail:
    return ApplicationDetail.model_validate(applications.get_application(session, actor, application_id))


@router.post("/applications/{application_id}/transitions", status_code=201, response_model=EventOut)
def transition(application_id: Id, body: TransitionIn, session: SessionDep, actor: ActorDep) -> EventOut:
    app = applications.get_application(session, actor, application_id)
    event = workflow.transition(session, actor, app, body.to, reason=body.reason, evidence=body.evidence,
                                effective_on=body.effective_on)
    commit_now(session)
    return EventOut.model_validate(event)
