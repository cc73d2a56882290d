"""The village a farmer names inside a longer message ("就是古城镇东村的 村会计收的钱", "东村 村干部扣了俺三千").

A flow that asks for the village should not make the farmer say it twice: the message is searched for
"<name>村" (after an optional township) and each candidate is checked against the county's register, so only a
village the county really has is taken; "村会计", "村里" and "俺村" name none.
"""

from __future__ import annotations

import re

from bot.engine.types import Turn

_CANDIDATE = re.compile(r"(?:[\u4e00-\u9fff]{1,5}?(?:镇|乡|街道))?([\u4e00-\u9fff]{1,5}?村)")
_NOT_A_NAME = re.compile(r"^(?:俺|我|咱|你|他|她|本|这|那|哪|该|全|各|每|同|邻|在|是|的|里|就是|就|住)+")


def village_in(turn: Turn, text: str) -> int | None:
    """The id of the one register village of the farmer's county that ``text`` names, else None."""
    county = turn.state.county
    if not county or turn.services is None:
        return None
    found: set[int] = set()
    for match in _CANDIDATE.finditer(text):
        name = _NOT_A_NAME.sub("", match.group(1))
        for start in range(len(name) - 1):         # "订阅南村": 订阅南村, 阅南村, 南村 — the register decides
            hits = _registered(turn, county, name[start:])
            if hits:
                found.update(hits)
                break
    return found.pop() if len(found) == 1 else None


def _registered(turn: Turn, county: str, name: str) -> set[int]:
    return {v.id for v in turn.services.villages(county, name) if v.name == name}
