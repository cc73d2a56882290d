"""Staff users and their bearer tokens.

A token is shown once, when issued; only its SHA-256 is stored, so a copy of the database cannot be used to
call the API.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.errors import NotFound, ValidationFailed
from api.models import ApiToken, Area, Role, User
from api.models._types import utcnow
from api.services import audit

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(session: Session, *, name: str, role: Role | str, area: Area, by: str = "system") -> User:
    """A new active user in ``area``; ``by`` is who created it, for the audit log."""
    name = name.strip()
    if not name:
        raise ValidationFailed("姓名不能为空 / name is required", field="name")
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(f"未知角色 {role} / unknown role; one of {', '.join(Role)}",
                               field="role") from None
    user = User(name=name, role=role, area_id=area.id, active=True)
    session.add(user)
    session.flush()
    audit.record(session, by, "user.create", "user", user.id, None, audit.snapshot(user))
    return user


def issue_token(session: Session, user: User, *, label: str = "", by: str = "system") -> str:
    """A fresh random token for ``user``; the plain token is returned here and nowhere else."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(user_id=user.id, token_hash=hash_token(token), label=label[:64])
    session.add(row)
    session.flush()
    audit.record(session, by, "token.issue", "api_token", row.id, None,
                 {"user_id": user.id, "label": row.label})
    return token


def revoke_token(session: Session, token_id: int, *, by: str = "system") -> ApiToken:
    """Revoke one token by its id; revoking twice is harmless."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"令牌 {token_id} 不存在 / token not found", field="token_id")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        audit.record(session, by, "token.revoke", "api_token", row.id, {"revoked_at": None},
                     {"revoked_at": row.revoked_at.isoformat()})
    return row


def find_token(session: Session, token: str) -> ApiToken | None:
    """The live token row for a presented token, or None when it is unknown or revoked."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    return row
