"""The village a farmer names inside a longer message ("就是古城镇东村的 村会计收的钱", "东村 村干部扣了俺三千").

A flow that asks for the village should not make the farmer say it twice: the message is searched for
"<name>村" (after an optional township), and a village the county's register finds in the message
(``villages_in`` of the objection port) is taken only when one of those candidates is its name, so "村会计",
"村里" and "俺村" name none.
"""

from __future__ import annotations

import re

from bot.engine.types import Turn

_CANDIDATE = re.compile(r"(?:[\u4e00-\u9fff]{1,5}?(?:镇|乡|街道))?([\u4e00-\u9fff]{1,5}?村)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_NOT_A_NAME = re.compile(r"^(?:俺|我|咱|你|他|她|本|这|那|哪|该|全|各|每|同|邻|在|是|的|里|就是|就|住)+")


def village_in(turn: Turn, text: str) -> int | None:
    """The id of the one register village of the farmer's county that ``text`` names, else None."""
    county = turn.state.county
    villages_in = getattr(turn.services, "villages_in", None) if turn.services is not None else None
    if not county or villages_in is None:
        return None
    spoken = set()              # "订阅南村": 订阅南村, 阅南村, 南村 — what the register may hold
    for match in _CANDIDATE.finditer(text):
        name = _NOT_A_NAME.sub("", match.group(1))
        spoken.update(name[start:] for start in range(len(name) - 1))
    spelled = _HAN.search(text) is None          # "Dongcun village": the register's matcher spelled it
    found = {v.id for v in villages_in(county, text) if v.name in spoken or spelled}   # one look at the register
    return found.pop() if len(found) == 1 else None
