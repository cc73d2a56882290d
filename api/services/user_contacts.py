"""Where a staff member's reminders go: phone (SMS), Telegram chat, language, and whether they want them.

Set by an admin (``anju user contact``) or by the user themself (``PUT /api/v1/me/contact``). Turning reminders
off also cancels the staff reminders still queued for them, so "off" takes effect before the next send.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.domain.errors import ValidationFailed
from api.domain.phone import mask_phone, validate_mobile
from api.i18n import LANGUAGES
from api.models import User
from api.models.messages import OutboundMessage, OutboundStatus
from api.services import audit

STAFF_KEY_PREFIX: Final = "staff:"               # idempotency keys of staff reminders (api/services/notices/staff.py)
_CHAT_ID = re.compile(r"-?[0-9]{1,20}")


class _Keep:
    """Leave this field as it is."""


KEEP: Final = _Keep()


def set_contact(session: Session, user: User, *, phone: str | _Keep | None = KEEP,
                telegram_chat_id: str | _Keep | None = KEEP, language: str | _Keep | None = KEEP,
                notifications_on: bool | _Keep = KEEP, by: str) -> User:
    """Change the given fields (None or "" clears one); audited with the phone masked."""
    before = contact_of(user)
    if not isinstance(phone, _Keep):
        user.phone = validate_mobile(phone) if phone else None
    if not isinstance(telegram_chat_id, _Keep):
        chat = (telegram_chat_id or "").strip()
        if chat and not _CHAT_ID.fullmatch(chat):
            raise ValidationFailed("Telegram 聊天编号应为数字 / a Telegram chat id is a number",
                                   field="telegram_chat_id")
        user.telegram_chat_id = chat or None
    if not isinstance(language, _Keep):
        if language and language not in LANGUAGES:
            raise ValidationFailed(f"语言须为 {'/'.join(LANGUAGES)} / unknown language {language!r}",
                                   field="language")
        user.language = language or None
    if not isinstance(notifications_on, _Keep):
        user.notifications_on = notifications_on
        if not notifications_on:
            cancel_queued_reminders(session, user.id)
    session.flush()
    after = contact_of(user)
    if after != before:
        audit.record(session, by, "user.contact", "user", user.id, before, after)
    return user


def contact_of(user: User) -> dict[str, Any]:
    """The contact as the API shows it and the audit log keeps it: the phone masked."""
    return {"phone": mask_phone(user.phone) if user.phone else None, "telegram_chat_id": user.telegram_chat_id,
            "language": user.language, "notifications_on": user.notifications_on}


def cancel_queued_reminders(session: Session, user_id: int) -> int:
    """Staff reminders for ``user_id`` not yet sent become failed ("turned off"); others are untouched."""
    result = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.status == OutboundStatus.queued,
               OutboundMessage.idempotency_key.startswith(STAFF_KEY_PREFIX),
               OutboundMessage.idempotency_key.endswith(f":user:{user_id}"))
        .values(status=OutboundStatus.failed, error="reminders turned off by the user")
        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
