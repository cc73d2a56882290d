"""Per-channel senders behind one small interface: the SMS gateways (chosen by ``settings.sms_gateway``) and
Telegram's Bot API (``senders.telegram``)."""

from __future__ import annotations

from collections.abc import Callable

from api.delivery.senders.base import Outgoing, SendError, SmsSender
from api.delivery.senders.console import ConsoleSender
from api.delivery.senders.http import HttpSender
from api.delivery.senders.twilio import TwilioSender
from api.settings import Settings

SENDERS: dict[str, Callable[[Settings], SmsSender]] = {
    cls.name: cls.from_settings for cls in (ConsoleSender, HttpSender, TwilioSender)  # type: ignore[attr-defined]
}


def build_sender(settings: Settings) -> SmsSender:
    """The configured gateway; an unknown name is a configuration error, reported at start-up."""
    try:
        factory = SENDERS[settings.sms_gateway]
    except KeyError:
        known = sorted(SENDERS)
        raise ValueError(f"unknown ANJU_SMS_GATEWAY {settings.sms_gateway!r}; one of {known}") from None
    return factory(settings)


__all__ = ["SENDERS", "Outgoing", "SendError", "SmsSender", "build_sender"]
