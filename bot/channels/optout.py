"""退订/TD and 订阅: a channel-level preference for notifications, confirmed to the sender.

Opting out stops notifications (status changes, publicity) only; replies to the farmer's own messages
still go, so they can always ask a question or opt back in. The dialog engine never sees a wish to stop
(bot/channels/optout_words.py says which messages are one), nor a wish to receive again from someone who
opted out; from anyone else 订阅 may mean its subscription flow.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from api.delivery.channel_users import channel_user, find_user
from bot.channels.optout_words import wants_start, wants_stop
from bot.engine.types import Reply


def requested_change(session: Session, channel: str, sender: str, text: str) -> bool | None:
    """The ``opted_out`` value this message asks for, or None when the engine should take it.

    ``text`` is the normalised message (bot.engine.normalize.normalize).
    """
    if wants_stop(text):
        return True
    if wants_start(text):
        user = find_user(session, channel, sender)
        return False if user is not None and user.opted_out else None
    return None


def apply_change(session: Session, channel: str, sender: str, opted_out: bool,
                 gettext: Callable[[str], str]) -> list[Reply]:
    """Record the preference and confirm it in the sender's language."""
    _ = gettext
    channel_user(session, channel, sender).opted_out = opted_out
    if opted_out:
        return [Reply(_("已退订通知：我们不再主动给您发送通知。您发来的消息仍会回复。"
                        "回复“订阅”可重新接收。"))]
    return [Reply(_("已重新订阅：申请进度有变化时会通知您。回复“退订”可随时停止。"))]
