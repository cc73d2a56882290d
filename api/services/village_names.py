"""Which of a county's registered villages a resident's words name.

One matcher for every place that asks (objection, complaint, subscription, the Open311 route), because a
farmer types a village the way it is said, not the way the register spells it: with or without 村 or 村委会, a
character dropped, a homophone from a pinyin keyboard. Two questions are answered: what a reply that should BE
a village's name names (``match_villages``), and which villages a longer message names INSIDE it
(``villages_in``), where loose spelling would find villages in ordinary words and is therefore not tried.
A Korean-speaking farmer names a village by its Korean reading (东村: 동촌), an English one by its pinyin
(Dongcun); both are found both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from api.models import Area, AreaLevel
from api.services.village_hangul import readings

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
    found = found or [v for v in villages if wanted in readings(v.name) or wanted in readings(bare[v.id])]
    found = found or [v for v in villages if wanted in v.name or (len(bare[v.id]) >= 2 and bare[v.id] in wanted)]
    if not found:
        sound = _pinyin(wanted)
        found = [v for v in villages if sound in (_pinyin(bare[v.id]), _pinyin(v.name))]
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
    latin = "".join(re.findall(r"[a-z]+", compact.casefold()))     # "Dongcun village": 东村 in pinyin
    named = [v for v in county_villages(session, county_code)
             if v.name in compact or (len(core(v.name)) >= 2 and core(v.name) in compact) or _read_in(v.name, compact)
             or (latin and _pinyin(v.name).replace(" ", "") in latin)]
    with_township = [v for v in named if v.township and (v.township in compact or _read_in(v.township, compact))]
    found = with_township or named
    longest = max((len(v.name) for v in found), default=0)
    return [v for v in found if len(v.name) == longest]


def _read_in(name: str, compact: str) -> bool:
    """A Korean message names the place by its Korean reading ("동촌 공시 나오면 알려주세요": 东村)."""
    return any(reading in compact for reading in readings(name))


def _pinyin(text: str) -> str:
    """Toneless pinyin: 东存 and 东村 sound the same, which is what a pinyin keyboard gets wrong."""
    from pypinyin import lazy_pinyin  # 600 ms to import; only a name matched neither exactly nor by containment

    return " ".join(lazy_pinyin(text))
