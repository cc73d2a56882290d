"""Console accounts: passwords (argon2), the lock after failed sign-ins, and browser sessions.

Only hashes are stored: an argon2 hash of the password, a SHA-256 of the session cookie. A wrong password and an
unknown login get the same answer and cost the same time, so the form tells a guesser nothing about who exists.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.domain.errors import Conflict, DomainError, ValidationFailed
from api.models import ConsoleSession, User
from api.models._types import utcnow
from api.services import audit
from api.services.users import hash_token

MIN_PASSWORD = 10
FREE_FAILURES = 3                        # wrong passwords in a row before any wait
FIRST_LOCK = dt.timedelta(seconds=30)    # then 30 s, doubling with each further failure …
MAX_LOCK = dt.timedelta(minutes=15)      # … up to this
SESSION_TTL = dt.timedelta(hours=12)
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class Locked(DomainError):
    """429: too many wrong passwords in a row; ``seconds`` until the next try is accepted."""

    http_status = 429
    default_code = "locked"

    def __init__(self, seconds: int) -> None:
        minutes = max(1, (seconds + 59) // 60)
        super().__init__(f"登录失败次数过多，请 {minutes} 分钟后再试 / too many failed sign-ins: try again in "
                         f"{minutes} min", field="password")
        self.seconds = seconds


class BadCredentials(DomainError):
    http_status = 401
    default_code = "bad_credentials"


def use_hasher(hasher: PasswordHasher) -> None:
    """Tests swap in cheap parameters (argon2's defaults cost most of a second per hash on a busy machine)."""
    global _hasher, _DUMMY_HASH
    _hasher, _DUMMY_HASH = hasher, hasher.hash("not a password of anyone")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(f"password: 密码至少 {MIN_PASSWORD} 位 / at least {MIN_PASSWORD} characters",
                               field="password")
    if len(password) > 256:
        raise ValidationFailed("password: 密码过长 / too long", field="password")


def normal_login(login: str) -> str:
    value = (login or "").strip().casefold()
    if not LOGIN_PATTERN.match(value):
        raise ValidationFailed("login: 登录名为 2–64 位小写字母、数字或 . _ - / 2–64 letters, digits, . _ -",
                               field="login")
    return value


def set_login(session: Session, user: User, login: str, *, by: str) -> None:
    value = normal_login(login)
    other = session.scalar(select(User.id).where(User.login == value, User.id != user.id))
    if other is not None:
        raise Conflict(f"login: 登录名 {value} 已被使用 / login already taken", field="login")
    before = user.login
    user.login = value
    session.flush()
    audit.record(session, by, "user.login", "user", user.id, {"login": before}, {"login": value})


def set_password(session: Session, user: User, password: str, *, by: str) -> None:
    """A new password; clears the lock and ends the user's open sessions (a reset locks a thief out)."""
    check_password_rules(password)
    user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until = 0, None
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
    session.flush()
    audit.record(session, by, "user.password", "user", user.id, None, {"password": "set"})


def new_password() -> str:
    """A one-time password an admin hands over; easy to type on a phone (no look-alike characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))


def lock_for(failures: int) -> dt.timedelta:
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    return min(MAX_LOCK, FIRST_LOCK * 2 ** min(failures - FREE_FAILURES, 16))  # 2**16 × 30 s ≫ MAX_LOCK


def authenticate(session: Session, login: str, password: str, now: dt.datetime) -> User:
    """The active user with this login and password; BadCredentials or Locked otherwise.

    The failure count is written even though the caller's request fails: callers commit it (see
    ``record_failure``), so guessing costs time across requests.
    """
    user = session.scalar(select(User).where(User.login == (login or "").strip().casefold()))
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise Locked(int((user.locked_until - now).total_seconds()) + 1)
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password or "")
        ok = user is not None and user.password_hash is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise BadCredentials("登录名或密码不正确 / wrong login or password", field="password")
    assert user is not None
    if _hasher.check_needs_rehash(user.password_hash or ""):
        user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until = 0, None
    return user


def record_failure(session: Session, login: str, now: dt.datetime) -> None:
    """Count a wrong password against the login (if it exists) and lock it for the back-off period."""
    user = session.scalar(select(User).where(User.login == (login or "").strip().casefold()))
    if user is None:
        return
    user.failed_logins += 1
    wait = lock_for(user.failed_logins)
    if wait:
        user.locked_until = now + wait
        audit.record(session, "console", "user.locked", "user", user.id, None,
                     {"failed_logins": user.failed_logins, "seconds": int(wait.total_seconds())})
    session.flush()


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf: str


def open_session(session: Session, user: User, now: dt.datetime) -> NewSession:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
    session.add(ConsoleSession(token_hash=hash_token(token), user_id=user.id, csrf=csrf, created_at=now,
                               expires_at=now + SESSION_TTL))
    session.flush()
    audit.record(session, f"user:{user.id}:{user.name}", "user.sign_in", "user", user.id, None, None)
    return NewSession(token, csrf)


def find_session(session: Session, token: str, now: dt.datetime) -> ConsoleSession | None:
    """The live session of an active user for a cookie, or None (unknown, expired, user deactivated)."""
    if not token:
        return None
    row = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == hash_token(token)))
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    return row


def close_session(session: Session, token: str) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == hash_token(token)))


def now() -> dt.datetime:
    return utcnow()
