"""A staff member's own contact for reminders: ``GET``/``PUT /api/v1/me/contact`` (any role, own record only).

Admins set anyone's with ``anju user contact``; through the API a token can only change its own user, so no
scope rules are needed here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.auth import current_actor
from api.deps import SessionDep
from api.domain.errors import NotFound
from api.models import User
from api.services.scope import Actor
from api.services.user_contacts import contact_of, set_contact

router = APIRouter(prefix="/api/v1", tags=["users"])
ActorDep = Annotated[Actor, Depends(current_actor)]


class ContactIn(BaseModel):
    """Only the fields sent are changed; ``null`` or "" clears a phone, chat or language."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phone: str | None = Field(default=None, max_length=32, description="手机号，提醒以短信发送")
    telegram_chat_id: str | None = Field(default=None, max_length=64, description="有则提醒发到 Telegram")
    language: str | None = Field(default=None, max_length=16, description="zh_Hans、ko 或 en")
    notifications_on: bool | None = Field(default=None, description="false：不再接收提醒")


class ContactOut(BaseModel):
    phone: str | None = Field(description="masked: 138****5678")
    telegram_chat_id: str | None
    language: str | None
    notifications_on: bool


def _me(session: SessionDep, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("用户不存在 / user not found", field="user")
    return user


@router.get("/me/contact", response_model=ContactOut)
def get_contact(session: SessionDep, actor: ActorDep) -> ContactOut:
    return ContactOut(**contact_of(_me(session, actor)))


@router.put("/me/contact", response_model=ContactOut)
def put_contact(body: ContactIn, session: SessionDep, actor: ActorDep) -> ContactOut:
    changes: dict[str, Any] = {k: v for k, v in body.model_dump(exclude_unset=True).items()
                               if not (k == "notifications_on" and v is None)}
    user = set_contact(session, _me(session, actor), **changes, by=actor.label)
    return ContactOut(**contact_of(user))
