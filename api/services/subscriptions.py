"""Village subscriptions: who follows a village, and the bot's side of following one (the village a resident
means is found by api.services.village_names)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models.messages import ChannelUser
from api.models.subscriptions import Subscription
from api.services.village_names import Village, match_villages


def subscribe(session: Session, channel: str, sender: str, village_id: int) -> bool:
    """True when new; subscribing twice is harmless."""
    exists = session.scalar(select(Subscription.id).where(
        Subscription.channel == channel, Subscription.sender == sender, Subscription.village_id == village_id))
    if exists is not None:
        return False
    session.add(Subscription(channel=channel, sender=sender, village_id=village_id))
    session.flush()
    return True


def subscribers(session: Session, village_ids: list[int]) -> list[tuple[str, str]]:
    """(channel, sender) following any of the villages, each once."""
    rows = session.execute(select(Subscription.channel, Subscription.sender)
                           .where(Subscription.village_id.in_(village_ids)).distinct()).all()
    return [(channel, sender) for channel, sender in rows]


class SubscriptionPort:
    """The bot's side, bound to the message's session (bot.channels.ports)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def find_villages(self, county_code: str, text: str) -> list[Village]:
        return match_villages(self._session, county_code, text, limit=3)

    def subscribe_village(self, channel: str, sender: str, village_id: int) -> bool:
        return subscribe(self._session, channel, sender, village_id)

    def resume_notifications(self, channel: str, sender: str) -> bool:
        """A sender who opted out (退订) and now subscribes to a village wants notices again: True if they had
        opted out."""
        user = self._session.scalar(select(ChannelUser).where(ChannelUser.channel == channel,
                                                              ChannelUser.sender == sender))
        if user is None or not user.opted_out:
            return False
        user.opted_out = False
        return True
