"""Call-back requests: a farmer asked, in the dialog, for a person to ring them back.

The committee of the village (or, when the village is unknown, the township or county) sees them in the API and
marks them handled. Only the phone the farmer gave and a short note are kept.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base
from api.models._types import UTCDateTime, str_enum, utcnow


class CallbackStatus(enum.StrEnum):
    open = "open"
    handled = "handled"


class CallbackRequest(Base):
    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[CallbackStatus] = mapped_column(str_enum(CallbackStatus), default=CallbackStatus.open,
                                                   index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[str | None] = mapped_column(String(128))
    outcome: Mapped[str | None] = mapped_column(String(200))
