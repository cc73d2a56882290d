"""``POST /api/v1/me/token/rotate``: a token replaces itself before it expires (any role, own token only).

The answer carries the new token, shown this once; the presented one stops working in the same commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from api.auth import Unauthenticated, _bearer, current_actor
from api.deps import SessionDep
from api.services.scope import Actor
from api.services.users import MAX_TOKEN_DAYS, find_token, rotate_token

router = APIRouter(prefix="/api/v1", tags=["users"])
ActorDep = Annotated[Actor, Depends(current_actor)]


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: Annotated[int, Ge(1), Le(MAX_TOKEN_DAYS)] | None = None   # default: 90


class RotatedOut(BaseModel):
    token: str
    token_id: int
    expires_at: dt.datetime
    replaces: int


@router.post("/me/token/rotate", response_model=RotatedOut)
def rotate(request: Request, session: SessionDep, actor: ActorDep, body: RotateIn | None = None) -> RotatedOut:
    row = find_token(session, _bearer(request))
    if row is None:   # cannot happen after current_actor in the same transaction; kept for the type checker
        raise Unauthenticated("令牌无效 / unknown token", field="Authorization")
    token, new = rotate_token(session, row.id, by=actor.label, days=body.days if body else None)
    assert new.expires_at is not None
    return RotatedOut(token=token, token_id=new.id, expires_at=new.expires_at, replaces=row.id)
