"""Which of a county's registered villages a resident's words name.

One matcher for every place that asks (objection, complaint, subscription, the Open311 route), because a
farmer types a village the way it is said, not the way the register spells it: with or without 村 or 村委会, a
character dropped, a homophone from a pinyin keyboard. Two questions are answered: what a reply that should BE
a village's name names (``match_villages``), and which villages a longer message names INSIDE it
(``villages_in``), where loose spelling would find villages in ordinary words and is therefore not tried.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from api.models import Area, AreaLevel

VILLAGE_SUFFIXES = ("村民委员会", "村委会", "村")
MIN_SCORE = 70.0    # rapidfuzz ratio of the bare names: 东庄 ~ 东庄子, not 东村 ~ 西村


@dataclass(frozen=True)
class Village:
    id: int
    name: str
    township: str
    county_code: str


def core(name: str) -> str:
    """The name without its village suffix: 东村委会, 东村 and 东 are the same place."""
    for suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def county_villages(session: Session, county_code: str) -> list[Village]:
    """The county's villages with their township's name, in one query."""
    township = aliased(Area)
    rows = session.execute(
        select(Area.id, Area.name, township.name, Area.county_code)
        .outerjoin(township, township.id == Area.township_id)
        .where(Area.county_code == county_code, Area.level == AreaLevel.village)
        .order_by(Area.id)).all()
    return [Village(id_, name, town or "", county) for id_, name, town, county in rows]


def match_villages(session: Session, county_code: str, text: str, limit: int = 5) -> list[Village]:
    """The villages a reply naming one village most likely means: the same name, then a name containing or
    contained in it, then the same sound (a pinyin keyboard's wrong character), then a close spelling."""
    wanted = core("".join(text.split()))
    if not wanted:
        return []
    villages = county_villages(session, county_code)
    bare = {v.id: core(v.name) for v in villages}
    found = [v for v in villages if bare[v.id] == wanted or v.name == wanted]
    found = found or [v for v in villages if wanted in v.name or (len(bare[v.id]) >= 2 and bare[v.id] in wanted)]
    if not found:
        sound = _pinyin(wanted)
        found = [v for v in villages if _pinyin(bare[v.id]) == sound]
    if not found:
        close = {key for _, _, key in process.extract(wanted, bare, scorer=fuzz.ratio, limit=limit,
                                                       score_cutoff=MIN_SCORE)}
        found = [v for v in villages if v.id in close]
    return found[:limit]


def villages_in(session: Session, county_code: str, text: str) -> list[Village]:
    """The villages a free-text message names inside it ("俺要对东村的公示提异议", "俺是古城镇东村的"): by full
    name or by a core of two characters or more. A township named with its village narrows a name several
    townships share; the longest name wins, since 东村 inside 小东村 is not 东村."""
    compact = "".join(text.split())
    if not compact:
        return []
    villages = county_villages(session, county_code)
    named = [v for v in villages if v.name in compact or (len(core(v.name)) >= 2 and core(v.name) in compact)]
    named = named or _spelled_in(villages, text)
    with_township = [v for v in named if v.township and v.township in compact]
    found = with_township or named
    longest = max((len(v.name) for v in found), default=0)
    return [v for v in found if len(v.name) == longest]


def _pinyin(text: str) -> str:
    """Toneless pinyin: 东存 and 东村 sound the same, which is what a pinyin keyboard gets wrong."""
    from pypinyin import lazy_pinyin  # 600 ms to import; only a name matched neither exactly nor by containment

    return " ".join(lazy_pinyin(text))


MIN_SPELLED = 5     # letters: "Dongcun" names 东村; a shorter spelling is too often an English word


def _spelled_in(villages: list[Village], text: str) -> list[Village]:
    """The villages an English or pinyin message spells ("Gucheng town, Dongcun village"), by the pinyin of the
    whole name, written as one word or as its syllables."""
    words = re.findall(r"[a-z]+", text.casefold())
    if not words:
        return []
    spoken = set(words) | {a + b for a, b in itertools.pairwise(words)}
    spelled = {v.id: _pinyin(v.name).replace(" ", "") for v in villages}
    return [v for v in villages if len(spelled[v.id]) >= MIN_SPELLED and spelled[v.id] in spoken]
