"""Staff users and their bearer tokens.

A token is shown once, when issued; only its SHA-256 is stored, so a copy of the database cannot be used to
call the API. Every token expires (``DEFAULT_TOKEN_DAYS`` unless told otherwise); rotating one issues its
successor and revokes it in one step. Issue, rotation and revocation are audited; use is kept as
``last_used_at``, written at most every ``LAST_USED_GRANULARITY`` so reads stay reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass, replace

from sqlalchemy import Engine, event, or_, select, update
from sqlalchemy.orm import Session

from api.db import transaction
from api.domain.errors import NotFound, ValidationFailed
from api.models import ApiToken, Area, AreaLevel, Role, User
from api.models._types import utcnow
from api.services import audit

TOKEN_BYTES = 32
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
LAST_USED_GRANULARITY = dt.timedelta(minutes=5)
# How long a process trusts what it last read about a token (its user, role, area, revocation) without asking
# the database again: revoking, rotating or deactivating here forgets at once; done by another process (the
# CLI, another worker), it takes effect there within this many seconds. Expiry is checked on every request.
TOKEN_CACHE_SECONDS = 5.0
TOKEN_CACHE_SIZE = 10_000


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


def _lifetime(days: int | None) -> dt.timedelta:
    days = DEFAULT_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationFailed(f"有效期须为 1–{MAX_TOKEN_DAYS} 天 / days must be 1 to {MAX_TOKEN_DAYS}", field="days")
    return dt.timedelta(days=days)


def issue_token(session: Session, user: User, *, label: str = "", by: str = "system",
                days: int | None = None) -> str:
    """A fresh random token for ``user``, valid ``days`` (default 90); the plain token is returned here only."""
    token, _row = _issue(session, user, label=label, by=by, days=days)
    return token


def _issue(session: Session, user: User, *, label: str, by: str, days: int | None,
           action: str = "token.issue", extra: dict[str, object] | None = None) -> tuple[str, ApiToken]:
    lifetime = _lifetime(days)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    row = ApiToken(user_id=user.id, token_hash=hash_token(token), label=label[:64], created_at=now,
                   expires_at=now + lifetime)
    session.add(row)
    session.flush()
    audit.record(session, by, action, "api_token", row.id, None,
                 {"user_id": user.id, "label": row.label, "expires_at": row.expires_at, **(extra or {})})
    return token, row


def rotate_token(session: Session, token_id: int, *, by: str = "system",
                 days: int | None = None) -> tuple[str, ApiToken]:
    """The successor of a live token (same user and label), which is revoked in the same unit of work."""
    old = session.get(ApiToken, token_id)
    if old is None:
        raise NotFound(f"令牌 {token_id} 不存在 / token not found", field="token_id")
    if old.revoked_at is not None:
        raise ValidationFailed(f"令牌 {token_id} 已吊销，不能轮换 / a revoked token cannot be rotated",
                               field="token_id")
    token, new = _issue(session, old.user, label=old.label, by=by, days=days, action="token.rotate",
                        extra={"replaces": old.id})
    old.revoked_at = new.created_at
    old.replaced_by_id = new.id
    session.flush()
    forget_tokens(session)
    return token, new


def revoke_token(session: Session, token_id: int, *, by: str = "system") -> ApiToken:
    """Revoke one token by its id; revoking twice is harmless."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"令牌 {token_id} 不存在 / token not found", field="token_id")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        forget_tokens(session)
        audit.record(session, by, "token.revoke", "api_token", row.id, {"revoked_at": None},
                     {"revoked_at": row.revoked_at.isoformat()})
    return row


def find_token(session: Session, token: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The live token row for a presented token, or None when it is unknown, revoked or expired."""
    now = now or utcnow()
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return row


@dataclass(frozen=True)
class LiveToken:
    """What a request needs of its token and the token's user, as last read from the database."""

    id: int
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    user_id: int
    name: str
    role: Role
    active: bool
    area_id: int
    level: AreaLevel
    county_code: str


_live: dict[str, tuple[float, LiveToken]] = {}


def live_token(session: Session, token: str, now: dt.datetime | None = None) -> LiveToken | None:
    """``find_token`` with a short in-process memory (``TOKEN_CACHE_SECONDS``): None when the token is unknown,
    revoked or expired. Saves the token's query on nearly every request; an unknown token is never remembered."""
    now = now or utcnow()
    digest = hash_token(token)
    hit = _live.get(digest)
    if hit is not None and time.monotonic() - hit[0] < TOKEN_CACHE_SECONDS:
        live = hit[1]
    else:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if row is None or row.revoked_at is not None:
            _live.pop(digest, None)
            return None
        user, area = row.user, row.user.area
        live = LiveToken(id=row.id, expires_at=row.expires_at, last_used_at=row.last_used_at, user_id=user.id,
                         name=user.name, role=user.role, active=user.active, area_id=area.id, level=area.level,
                         county_code=area.county_code)
        if len(_live) >= TOKEN_CACHE_SIZE:
            _live.clear()
        _live[digest] = (time.monotonic(), live)
    if live.expires_at is not None and live.expires_at <= now:
        return None
    return live


def note_use(token: str, now: dt.datetime) -> None:
    """The remembered token was used at ``now`` (its ``last_used_at`` is being written)."""
    digest = hash_token(token)
    hit = _live.get(digest)
    if hit is not None:
        _live[digest] = (hit[0], replace(hit[1], last_used_at=now))


def forget_tokens(session: Session | None = None) -> None:
    """Forget every remembered token, now and again when ``session`` commits (so a request that read the
    token in between does not keep the old row): call it wherever a token or a user's access changes."""
    _live.clear()
    if session is not None:
        event.listen(session, "after_commit", lambda _s: _live.clear(), once=True)


def last_use_is_stale(row: ApiToken | LiveToken, now: dt.datetime) -> bool:
    return row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY


def record_use(engine: Engine, token_id: int, now: dt.datetime) -> None:
    """Set ``last_used_at`` in its own short transaction, after the response: a request's own transaction
    never writes for it (a read stays a read, and two requests with one token do not queue on its row)."""
    with transaction(engine) as session:
        session.execute(update(ApiToken).where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - LAST_USED_GRANULARITY))
            .values(last_used_at=now))
