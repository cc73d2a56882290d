"""One interface for every SMS gateway, chosen by ``settings.sms_gateway``; each gateway registers itself."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Outgoing:
    """What a gateway needs to send one message; ``idempotency_key`` lets the gateway drop our retries."""

    recipient: str
    text: str
    idempotency_key: str


class SendError(Exception):
    """A gateway refused or failed; ``permanent`` says a retry cannot help (bad number, blocked)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsSender(ABC):
    name: ClassVar[str]
    # The console gateway sends nothing, so delivery can mark its rows in bulk without a network round trip.
    records_only: ClassVar[bool] = False
    # Whether the gateway drops a repeat of a key it has seen. If so, rows are sent in locked batches and simply
    # retried after a crash; if not (the safe assumption), each row is marked in flight in its own commit
    # before the call and recorded after it, so a crash repeats at most the one row in flight.
    idempotent: bool = False
    # What to do with a row whose worker died mid-call: send it again (at most one duplicate per crash, none
    # lost). Telegram's sender says otherwise (api/delivery/unkeyed.py).
    resend_cut_off: ClassVar[bool] = True

    @abstractmethod
    def send(self, message: Outgoing) -> str | None:
        """Send; return the gateway's message id (for delivery receipts), raise ``SendError`` on failure."""

    def close(self) -> None:  # noqa: B027  (optional hook)
        """Release connections; most gateways hold none."""


def register(name: str) -> Callable[[type[SmsSender]], type[SmsSender]]:
    """Name a gateway class after its ``ANJU_SMS_GATEWAY`` value (the table is ``api.delivery.senders.SENDERS``)."""
    def wrap(cls: type[SmsSender]) -> type[SmsSender]:
        cls.name = name
        return cls

    return wrap
