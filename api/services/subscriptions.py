"""Village subscriptions: finding the village a resident means, and who follows a village.

Villages are matched loosely (with or without 村, a dropped or swapped character) inside the resident's county,
because a farmer types the name the way it is said, not the way the register spells it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Area, AreaLevel
from api.models.messages import ChannelUser
from api.models.subscriptions import Subscription

MIN_SCORE = 70.0


@dataclass(frozen=True)
class VillageMatch:
    id: int
    name: str
    township: str


def find_villages(session: Session, county_code: str, text: str, limit: int = 3) -> list[VillageMatch]:
    """The county's villages ``text`` most likely names; one exact match wins outright."""
    wanted = text.strip().removesuffix("村")
    if not wanted:
        return []
    villages = session.scalars(select(Area).where(Area.county_code == county_code,
                                                  Area.level == AreaLevel.village)).all()
    bare = {v.id: v.name.removesuffix("村") for v in villages}
    exact = [v for v in villages if bare[v.id] == wanted]
    chosen = exact or [v for v in villages if _contains(wanted, bare[v.id])]
    if not chosen:
        sound = _pinyin(wanted)
        chosen = [v for v in villages if _pinyin(bare[v.id]) == sound]
    if not chosen:
        scored = process.extract(wanted, bare, scorer=fuzz.ratio, limit=limit, score_cutoff=MIN_SCORE)
        ids = [key for _, _, key in scored]
        chosen = [v for v in villages if v.id in ids]
    townships = {a.id: a.name for a in session.scalars(select(Area).where(
        Area.id.in_({v.township_id for v in chosen if v.township_id})))}
    return [VillageMatch(v.id, v.name, townships.get(v.township_id or 0, "")) for v in chosen[:limit]]


def _contains(wanted: str, name: str) -> bool:
    return wanted in name or (len(name) > 1 and name in wanted)


def _pinyin(text: str) -> str:
    """Toneless pinyin: 东存 and 东村 sound the same, which is what a pinyin keyboard gets wrong."""
    from pypinyin import lazy_pinyin  # 600 ms to import; only a village name typed in pinyin needs it

    return " ".join(lazy_pinyin(text))


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

    def find_villages(self, county_code: str, text: str) -> list[VillageMatch]:
        return find_villages(self._session, county_code, text)

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
