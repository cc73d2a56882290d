"""Call-back requests: recorded by the dialog, listed for the staff whose area covers them, marked handled.

Scope follows leads: a request with a village is seen by that village, its township and its county; one whose
village is unknown waits for the township or county (a village committee cannot place it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.errors import Conflict, ValidationFailed
from api.domain.phone import validate_mobile
from api.models.callbacks import CallbackRequest, CallbackStatus
from api.services import audit
from api.services.scope import Actor, placed_row, placed_rows

NOTE_LIMIT = 200
MAX_OPEN_PER_SENDER = 3    # abuse control: open requests one sender may have at a time


def list_callbacks(session: Session, actor: Actor, status: CallbackStatus | None = None) -> Sequence[CallbackRequest]:
    return placed_rows(session, actor, CallbackRequest, status)


def get_callback(session: Session, actor: Actor, callback_id: int) -> CallbackRequest:
    return placed_row(session, actor, CallbackRequest, callback_id, field="callback_id",
                      missing=f"回电请求 {callback_id} 不存在或不在您的管辖范围 / call-back {callback_id} not found")


def mark_handled(session: Session, actor: Actor, callback_id: int, outcome: str | None,
                 now: dt.datetime) -> CallbackRequest:
    row = get_callback(session, actor, callback_id)
    if row.status is CallbackStatus.handled:
        raise Conflict(f"回电请求 {callback_id} 已处理 / call-back {callback_id} already handled",
                       field="callback_id")
    row.status, row.handled_at, row.handled_by = CallbackStatus.handled, now, actor.label
    row.outcome = (outcome or "").strip()[:NOTE_LIMIT] or None
    session.flush()
    audit.record(session, actor.label, "callback.handled", "callback_request", row.id,
                 {"status": "open"}, {"status": "handled", "outcome": row.outcome})
    return row


class CallbackPort:
    """The dialog's way to record a request (bot.channels.ports.PORTS); it commits with the turn."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def request_callback(self, *, county_code: str, village_id: int | None, phone: str, note: str, channel: str,
                         sender: str, language: str | None, now: dt.datetime) -> int | None:
        """The request's id; None when the phone is not a mobile number, 0 when the sender has too many open."""
        try:
            phone = validate_mobile(phone, field="phone")
        except ValidationFailed:    # the flow asks again
            return None
        open_count = len(self._session.scalars(select(CallbackRequest.id).where(
            CallbackRequest.channel == channel, CallbackRequest.sender == sender,
            CallbackRequest.status == CallbackStatus.open)).all())
        if open_count >= MAX_OPEN_PER_SENDER:
            return 0
        row = CallbackRequest(county_code=county_code, village_id=village_id, phone=phone,
                              note=note.strip()[:NOTE_LIMIT], channel=channel, sender=sender, language=language,
                              created_at=now)
        self._session.add(row)
        self._session.flush()
        audit.record(self._session, f"public:{channel}", "callback.request", "callback_request", row.id, None,
                     {"county_code": county_code, "village_id": village_id})
        return row.id
