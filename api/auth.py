"""Bearer-token authentication for the committee API.

``current_actor`` turns ``Authorization: Bearer <token>`` into an :class:`Actor`; ``require_role`` is the
dependency for writes, since a viewer may only read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from fastapi import BackgroundTasks, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SessionDep
from api.domain.errors import DomainError, Forbidden
from api.models import Role
from api.models._types import utcnow
from api.schemas import disclosure
from api.services import audit  # noqa: F401  (installs the append-only guard on every session)
from api.services.scope import Actor
from api.services.users import last_use_is_stale, live_token, note_use, record_use
from api.throttle import AuthThrottle


class Unauthenticated(DomainError):
    """401: the request carries no usable token. ``headers`` tell the client which scheme to use."""

    http_status = 401
    default_code = "unauthenticated"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class Throttled(DomainError):
    """429: too many failed attempts from this address; ``Retry-After`` says for how long."""

    http_status = 429
    default_code = "too_many_attempts"

    def __init__(self, seconds: int) -> None:
        super().__init__(f"尝试次数过多，请 {seconds} 秒后再试 / too many failed attempts, retry in {seconds} s",
                         field="Authorization")
        self.headers = {"Retry-After": str(seconds)}


WRITER_ROLES: tuple[Role, ...] = (Role.clerk, Role.reviewer, Role.admin)

# Declares the scheme in the OpenAPI document; we raise our own 401 so the body has the usual error shape.
_scheme = HTTPBearer(auto_error=False, description="访问令牌 / token from `anju token create`")


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthenticated("缺少访问令牌 / missing bearer token (Authorization: Bearer <token>)",
                              field="Authorization")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("令牌格式错误 / expected 'Authorization: Bearer <token>'",
                              field="Authorization")
    return token.strip()


def throttle(request: Request) -> AuthThrottle:
    """One per app (so per worker process and per test app)."""
    found = getattr(request.app.state, "auth_throttle", None)
    if found is None:
        found = request.app.state.auth_throttle = AuthThrottle()
    return found


def _authenticate(request: Request, session: SessionDep, background: BackgroundTasks,
                  _credentials: HTTPAuthorizationCredentials | None = Depends(_scheme)) -> Actor:  # noqa: B008
    """The staff member behind the request; 401 for a missing, unknown, expired or revoked token, or an
    inactive user; 429 while the client's address is blocked after too many wrong tokens (api/throttle.py)."""
    presented = _bearer(request)
    address = request.client.host if request.client else "unknown"
    guard = throttle(request)
    wait = guard.retry_after(address)
    if wait:
        raise Throttled(wait)
    now = utcnow()
    live = live_token(session, presented, now)   # remembered for a few seconds (api/services/users.py)
    if live is None:
        guard.failed(address)
        raise Unauthenticated("令牌无效、已过期或已吊销 / unknown, expired or revoked token", field="Authorization")
    if last_use_is_stale(live, now):
        background.add_task(record_use, request.app.state.engine, live.id, now)
        note_use(presented, now)
    if not live.active:
        raise Unauthenticated("用户已停用 / user is inactive", field="Authorization")
    return Actor(user_id=live.user_id, name=live.name, role=live.role, area_id=live.area_id, level=live.level,
                 county_code=live.county_code)


async def current_actor(actor: Actor = Depends(_authenticate)) -> Actor:  # noqa: B008
    """The authenticated actor, with their role's personal-data policy bound to this request's answer.

    Async on purpose: it runs in the request's own task, so the policy it binds (a context variable) is the one
    the response is serialised with (api/schemas/disclosure.py); a sync dependency runs in a worker thread.
    """
    disclosure.bind(actor.role)
    return actor


def require_role(*roles: Role) -> Callable[..., Actor]:
    """A dependency that passes the actor through when its role is one of ``roles`` (default: any writer)."""
    allowed = frozenset(roles or WRITER_ROLES)

    def _dependency(actor: Actor = Depends(current_actor)) -> Actor:  # noqa: B008
        if actor.role not in allowed:
            names = "/".join(sorted(r.value for r in allowed))
            raise Forbidden(f"角色 {actor.role.value} 无权执行此操作 / role {actor.role.value} may not do "
                            f"this (needs {names})", field="role")
        return actor

    return _dependency


require_writer = require_role(*WRITER_ROLES)
