"""Staff users and their API tokens, each scoped to one area."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.models._types import UTCDateTime, str_enum, utcnow
from api.models.areas import Area


class Role(enum.StrEnum):
    """What a user may do; the level of the user's area decides which transitions that means."""

    viewer = "viewer"
    clerk = "clerk"
    reviewer = "reviewer"
    admin = "admin"


class User(Base):
    """A staff member; the contact fields are where reminders about their area's deadlines go."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Reminders go to the Telegram chat when there is one, else to the phone by SMS (api/services/notices/staff.py).
    phone: Mapped[str | None] = mapped_column(String(11))
    telegram_chat_id: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))   # None: the service's default language
    notifications_on: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    # The web console's sign-in (api/services/accounts.py): an argon2 hash, never the password itself; failed
    # attempts in a row and the lock they earn slow down guessing.
    login: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    area: Mapped[Area] = relationship(lazy="joined")


class ConsoleSession(Base):
    """A signed-in browser: only the SHA-256 of the cookie is stored; ``csrf`` is echoed by every form."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Base):
    """Only a SHA-256 of the token is stored, so a database leak does not leak credentials.

    A token stops working at ``expires_at`` (rotate it before: ``anju token rotate`` or
    ``POST /api/v1/me/token/rotate``); ``last_used_at`` is kept to the nearest few minutes.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)   # None only for rows older than expiry
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))   # set when rotated

    user: Mapped[User] = relationship(lazy="joined")
