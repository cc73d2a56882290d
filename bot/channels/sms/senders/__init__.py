"""SMS gateways; importing this package registers each of them in ``SENDERS``."""

from bot.channels.sms.senders import console, http, twilio
from bot.channels.sms.senders.base import SENDERS, Outgoing, SendError, SmsSender, build_sender

__all__ = ["SENDERS", "Outgoing", "SendError", "SmsSender", "build_sender", "console", "http", "twilio"]
