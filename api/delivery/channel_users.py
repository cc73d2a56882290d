"""What a channel remembers about a sender beyond the dialog: verified phone, language, opt-out, blocked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.models.messages import ChannelUser


def find_user(session: Session, channel: str, sender: str) -> ChannelUser | None:
    return session.scalar(select(ChannelUser).where(ChannelUser.channel == channel,
                                                    ChannelUser.sender == sender))


def channel_user(session: Session, channel: str, sender: str) -> ChannelUser:
    """Get or create; two first messages at once from one sender both end up with the same row."""
    user = find_user(session, channel, sender)
    if user is not None:
        return user
    try:
        with session.begin_nested():
            user = ChannelUser(channel=channel, sender=sender, opted_out=False, stopped=False)
            session.add(user)
    except IntegrityError:
        user = find_user(session, channel, sender)
        assert user is not None
    return user


def may_notify(session: Session, channel: str, sender: str) -> bool:
    """Notifications (not replies) go only to senders who neither opted out nor blocked the bot."""
    user = find_user(session, channel, sender)
    return user is None or not (user.opted_out or user.stopped)
