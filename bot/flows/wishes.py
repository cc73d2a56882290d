"""Wishes said outside a flow that no FAQ entry answers by its words: that the village not learn of an
application ("能不公示不", "별로 알리고 싶지 않아요", "can my application be kept private"), and that help come
quickly to a house about to fall ("能不能快点 房子快塌了").

A wish is not a question about a rule, so retrieval by words misses it (申请 outweighs 公示). The answer to the
first is the county's publicity rule, said as what happens, only where its own document states one; to the
second, to get out of danger and tell the village committee or township now, with the county's contact points —
no period is promised.
"""

from __future__ import annotations

import re

from bot.engine.types import Reply, Turn
from bot.flows import complaint_cues

PUBLICITY_TOPIC = "publicity_period"
# "俺申请了能不能别让村里知道", "能不公示不", "신청하면 마을 사람들이 알게 되나요", "keep my application private".
_HIDE = re.compile(
    r"(?:不|别|不要|不想|不让|能不能不|能不)(?:要|用)?公示|"
    r"(?:不想|不愿|别|不要|不让|能不能不?让|能不让|怕|丢人).{0,4}(?:让)?(?:村里|村里人|邻居|别人|全村|人家|乡亲|大伙)"
    r".{0,3}(?:知道|晓得|看见|看到)|"
    r"(?:마을|동네|이웃).{0,8}(?:알게|모르게|알리고 싶지)|공시.{0,4}(?:안 하|없이|하지 않)|"
    r"(?:kept|keep it|keep my application) (?:private|secret|confidential)|"
    r"(?:village|neighbou?rs|others) (?:to )?(?:know|find out)|without (?:a |the )?(?:public notice|posting)",
    re.IGNORECASE)
_APPLYING = re.compile(r"申请|危改|改造|评上|名单|公示|신청|공시|개조|appl|renovat|list|notice", re.IGNORECASE)
# "能不能快点 房子快塌了 住着害怕": danger, and the wish that it be quick.
_DANGER = re.compile(r"快塌|要塌|塌了|要倒|快倒|倒了|不敢住|住着害怕|随时.{0,3}(?:塌|倒)|"
                     r"무너질|무너져|무너지|붕괴|collaps|falling down|about to fall", re.IGNORECASE)
_HURRY = re.compile(r"快点|快些|尽快|赶紧|马上|急|等不及|能不能先|先给|빨리|급해|급합니다|서둘러|urgent|quickly|asap|"
                    r"right away|can't wait|hurry", re.IGNORECASE)


def hides_application(text: str) -> bool:
    """The wish that an application not be known in the village (not a complaint's wish to stay unnamed)."""
    return (_HIDE.search(text) is not None and _APPLYING.search(text) is not None
            and complaint_cues.REPORT_WORD.search(text) is None)


def urgent_danger(text: str) -> bool:
    return _DANGER.search(text) is not None and _HURRY.search(text) is not None


def publicity_intro(turn: Turn) -> str:
    return turn._("申请危房改造，名单要按规定在村里公示，接受群众监督，所以没法不让村里知道。公示的规定是：")


def danger_first(turn: Turn) -> Reply:
    return Reply(turn._("房子随时可能塌的，请先别住在里面，搬到安全的地方，并马上告诉村委会或乡镇政府，请他们来看。"))
