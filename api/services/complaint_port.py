"""The bot's way into complaints: file, look one up for its filer only, and the 回访 answers.

Bound to the message's session (bot.channels.ports.PORTS); returns plain values, never a row with the
complainant's identity in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.domain.errors import Conflict, ValidationFailed
from api.models.complaints import ComplaintCategory, ComplaintStatus, ComplaintSubject
from api.services import complaints


@dataclass(frozen=True)
class ComplaintReceipt:
    number: str | None
    merged: bool = False
    acknowledge_due: dt.date | None = None
    resolve_due: dt.date | None = None
    error: str | None = None        # "contact_phone", "text" or "rate_limited"


@dataclass(frozen=True)
class ComplaintView:
    number: str
    status: ComplaintStatus
    resolve_due: dt.date | None
    resolution: str | None


class ComplaintPort:
    def __init__(self, session: Session) -> None:
        self._session = session

    def file_complaint(self, *, county_code: str, category: str, village_id: int | None, subject: str,
                       text: str, channel: str, sender: str, contact_phone: str | None, anonymous: bool,
                       attachments: tuple[str, ...], now: dt.datetime) -> ComplaintReceipt:
        try:
            complaint, merged = complaints.file_complaint(
                self._session, county_code=county_code, category=ComplaintCategory(category),
                village_id=village_id, subject=ComplaintSubject(subject), text=text, channel=channel,
                sender=sender, contact_phone=contact_phone, anonymous=anonymous, now=now,
                attachments=attachments)
        except ValidationFailed as exc:
            return ComplaintReceipt(None, error="contact_phone" if "phone" in (exc.field or "phone") else "text")
        except Conflict:
            return ComplaintReceipt(None, error="rate_limited")
        return ComplaintReceipt(complaint.number, merged, complaint.acknowledge_due, complaint.resolve_due)

    def complaint_status(self, number: str, channel: str, sender: str,
                         phone: str | None) -> ComplaintView | None:
        found = complaints.for_sender(self._session, number, channel, sender, phone)
        if found is None:
            return None
        return ComplaintView(found.number, found.status, found.resolve_due, found.resolution)

    def awaiting_follow_up(self, channel: str, sender: str, phone: str | None = None) -> bool:
        """A reply of ours asked this sender for a 回访 answer (their last complaint is resolved)."""
        return complaints.last_resolved(self._session, channel, sender, phone) is not None

    def rate_complaint(self, channel: str, sender: str, score: int, now: dt.datetime,
                       phone: str | None = None) -> str | None:
        rated = complaints.rate(self._session, channel, sender, score, now, phone)
        return rated.number if rated else None

    def reopen_complaint(self, channel: str, sender: str, reason: str, now: dt.datetime,
                         phone: str | None = None) -> str | None:
        reopened = complaints.reopen(self._session, channel, sender, reason, now, phone)
        return reopened.number if reopened else None
