"""Call-back requests farmers left in the dialog, for the staff whose area covers them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.auth import current_actor
from api.deps import SessionDep
from api.models.callbacks import CallbackRequest, CallbackStatus
from api.schemas.disclosure import Phone
from api.schemas.types import Id
from api.services import callbacks
from api.services.scope import Actor

router = APIRouter(prefix="/api/v1", tags=["callbacks"])
ActorDep = Annotated[Actor, Depends(current_actor)]


class CallbackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    county_code: str
    village_id: int | None
    phone: Phone
    note: str
    channel: str
    language: str | None
    status: CallbackStatus
    created_at: dt.datetime
    handled_at: dt.datetime | None
    handled_by: str | None
    outcome: str | None


class CallbackPage(BaseModel):
    items: list[CallbackOut]


class HandledIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str | None = Field(default=None, max_length=200)


def _out(row: CallbackRequest) -> CallbackOut:
    return CallbackOut.model_validate(row)


@router.get("/callbacks", response_model=CallbackPage)
def list_callbacks(session: SessionDep, actor: ActorDep, status: CallbackStatus | None = None) -> CallbackPage:
    """Requests in the caller's area, oldest first; ``status=open`` for those still to ring."""
    return CallbackPage(items=[_out(row) for row in callbacks.list_callbacks(session, actor, status)])


@router.post("/callbacks/{callback_id}/handled", response_model=CallbackOut)
def mark_handled(callback_id: Id, session: SessionDep, actor: ActorDep,
                 body: HandledIn | None = None) -> CallbackOut:
    row = callbacks.mark_handled(session, actor, callback_id, body.outcome if body else None,
                                 dt.datetime.now(dt.UTC))
    return _out(row)
