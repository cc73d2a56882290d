"""异议, the village and the list: which village, its open lists (masked) and the entry the resident means.

A mixin of ``ObjectionFlow``: the steps "village", "entry" and "browse", kept apart from the filing so that
each idea reads on its own.
"""

from __future__ import annotations

import re
from typing import Any

from api.clock import local_date
from api.i18n import N_, format_date
from api.profiles import load_profiles
from bot.engine.context import reply_language
from bot.engine.normalize import token
from bot.engine.types import Option, Reply, Turn
from bot.flows import objection_cues as cues

MAX_LISTED = 20
LEVELS = {"village": N_("村级公示，拟报乡镇审核"), "township": N_("乡镇公示，拟报县里核查审批")}
# A reply at least this long that names an entry also carries the reason.
REASON_IN_CHOICE = 6
# A first message that names an entry carries a reason when this much is left besides places, names and fillers.
REASON_IN_FIRST = 2
_FILLERS = re.compile(r"[\W\d_]|俺们|我们|俺|我|是|的|那个|这个|这户|那户|这家|那家|公示|名单|上面|上|里|家|"
                      r"有意见|有异议|提意见|意见|异议|不服|危改|危房|改造|对|要|想|"
                      r"村|镇|乡|县|那|这|他|她")


class ListSteps:
    """Village → open lists → entry; the reason and the filing come from ``FilingSteps``."""

    name: str
    def _villages_in(self, turn: Turn, text: str) -> list[Any]:
        villages_in = getattr(turn.services, "villages_in", None)
        return villages_in(turn.state.county or "", text) if villages_in is not None else []

    def _lists_then_entry(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        """The village's lists; when the message also names one of their entries, that entry and its reason."""
        shown = self._show_lists(turn, data)
        if turn.state.step != "entry":
            return shown
        entries = data.get("entries") or []
        index = pick_entry(text, [name for _, _, name in entries])
        if index is None:           # "2户", "3家" inside a first message count things, not list positions
            index = cues.serial_or_position(text, data.get("numbers") or [], positions=False)
        if index is None:
            return shown
        data["chosen"] = entries[index]
        numbers = data.get("numbers") or []
        if index < len(numbers) and numbers[index]:
            data["chosen_number"] = numbers[index]
        reason = cues.reason_in(text)
        if not self._gives_reason(turn, reason.replace(entries[index][2], "")):
            return self._ask_reason(turn, data)
        turn.text = reason
        return self._reason(turn, data, intro=True)

    def _gives_reason(self, turn: Turn, text: str) -> bool:
        """Something is left besides places, the entry, the wish to object and fillers ("俺对东村公示的…有意见"
        gives none)."""
        return len(_FILLERS.sub("", self._without_places(turn, text))) >= REASON_IN_FIRST

    @staticmethod
    def _without_places(turn: Turn, text: str) -> str:
        """The text without the names of the sender's county, township and village (no reason in themselves)."""
        profile = load_profiles().get(turn.state.county or "")
        village = turn.services.village(turn.state.village_id) if turn.state.village_id else None
        names = [*(profile.names if profile else ()), *((village.township, village.name) if village else ())]
        for name in sorted(filter(None, names), key=len, reverse=True):
            text = text.replace(name, "")
        return text

    # ------------------------------------------------------------------------------------------ village

    def _ask_village(self, turn: Turn, intro: str | None = None) -> list[Reply]:
        turn.enter(self.name, "village")
        ask = turn._("请回复您所在的村（例如：张庄村）。")
        return [Reply(f"{intro}\n{ask}" if intro else ask)]

    def _village(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        offered: list[int] = data.get("offered") or []
        if offered and text.isdigit() and 1 <= int(text) <= len(offered):
            turn.state.village_id = offered[int(text) - 1]
            return self._show_lists(turn, data)
        inside = self._villages_in(turn, turn.text)    # "俺是古城镇东村的", "东村 赵*华家有车"
        if len(inside) == 1:
            turn.state.village_id = inside[0].id
            return self._lists_then_entry(turn, data, turn.text)
        found = inside or turn.services.villages(turn.state.county or "", turn.text)
        if len(found) == 1:
            turn.state.village_id = found[0].id
            return self._show_lists(turn, data)
        if not found:
            return self._ask_village(turn, turn._("没有找到这个村。"))
        return self._offer_villages(turn, data, found)

    def _offer_villages(self, turn: Turn, data: dict[str, Any], found: list[Any]) -> list[Reply]:
        turn.enter(self.name, "village")
        data["offered"] = [v.id for v in found]
        options = tuple(Option(str(n), f"{v.township}{v.name}") for n, v in enumerate(found, 1))
        return [Reply(turn._("您说的是哪个村？请回复序号："), options=options)]

    # ------------------------------------------------------------------------------------------ the lists

    def _show_lists(self, turn: Turn, data: dict[str, Any], browsing: bool = False) -> list[Reply]:
        """The village's open lists; ``browsing`` (asked about, not objecting yet): names and numbers only."""
        village_id = turn.state.village_id or 0
        village = turn.services.village(village_id)
        lists = turn.services.open_lists(village_id, turn.now)
        language = reply_language(turn)
        name = village.name if village else ""
        if not lists.entries:
            turn.finish()
            text = turn._("{village}现在没有正在公示、可以提出异议的名单。").format(village=name)
            for opened, closes in lists.closed:
                text += "\n" + turn._("公示期为{start}至{end}，已经结束，不能再提出异议。").format(
                    start=format_date(opened, language), end=format_date(closes, language))
            return [Reply(text + "\n" + turn._("回复“订阅”，村里张贴公示名单时会告诉您。"))]
        shown = lists.entries[:MAX_LISTED]
        data["entries"] = [[e.notice_id, e.application_id, e.name] for e in shown]
        data["numbers"] = [getattr(e, "number", "") for e in shown]
        data.pop("offered", None)
        turn.enter(self.name, "browse" if browsing else "entry")
        header = turn._("{village}正在公示的名单：") if browsing else turn._(
            "{village}正在公示的名单（姓名和身份证号已隐去部分）：")
        lines = [header.format(village=name)]
        notice = None
        for number, e in enumerate(shown, 1):
            if e.notice_id != notice:      # each list's window and report phone first: an SMS may be cut
                notice = e.notice_id
                lines += self._window_lines(turn, [e])
            lines.append(turn._("{n}. {number} {name} {id_number} {category}").format(
                n=number, number=getattr(e, "number", ""), name=e.name, id_number="" if browsing else e.id_number,
                category=e.category if e.village == name else f"{e.village} {e.category}").replace("  ", " "))
        lines.append(turn._("对哪一户有异议，可以回复序号。") if browsing
                     else turn._("对哪一户有异议？请回复序号。回复“换村”可以换一个村。"))
        return [Reply("\n".join(lines))]

    def _window_lines(self, turn: Turn, entries: list[Any]) -> list[str]:
        """Each open list's level, its last day and the days left, and the report phone printed on it."""
        language = reply_language(turn)
        today = local_date(turn.now)
        lines = []
        for notice in dict.fromkeys(e.notice_id for e in entries):
            e = next(e for e in entries if e.notice_id == notice)
            line = turn._("（{level}）公示到{end}截止，还剩{days}天（含今天）。").format(
                level=turn._(LEVELS.get(e.level.value, "")), end=format_date(e.closes_on, language),
                days=(e.closes_on - today).days + 1)
            phone = getattr(e, "report_phone", None)
            if phone:
                line += turn._("公示上的举报电话：{phone}。").format(phone=phone)
            lines.append(line)
        return lines

    def _entry(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        entries = data.get("entries") or []
        index = pick_entry(turn.text, [name for _, _, name in entries])
        if index is None:
            index = cues.serial_or_position(turn.text, data.get("numbers") or [])
        if index is None:
            if turn.state.step == "browse":    # the list was only asked about: anything else is a new message
                return turn.hand_back()
            return [Reply(turn._("请回复名单前面的序号。"))]
        data["chosen"] = entries[index]
        numbers = data.get("numbers") or []
        if index < len(numbers) and numbers[index]:
            data["chosen_number"] = numbers[index]
        if len(turn.text.strip()) >= REASON_IN_CHOICE:   # "王*明家在城里有楼房": the choice and the reason at once
            turn.text = cues.reason_in(turn.text) or turn.text
            return self._reason(turn, data, intro=True)
        return self._ask_reason(turn, data)



_ORDINAL = re.compile(r"^第?\s*([0-9]+|[一二三四五六七八九十])\s*(?:个|户|家|号|位)?$")
_CHINESE_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九十", 1)}


def pick_entry(text: str, masked_names: list[str]) -> int | None:
    """The list entry a reply means: its number ("2", "第二户"), or the one name the reply contains.

    The names on the list are masked (王*明), so a reply naming 王小明 matches the entry whose unmasked characters
    agree, and only when no other entry does.
    """
    said = token(text).replace(" ", "")
    ordinal = _ORDINAL.match(said)
    if ordinal:
        raw = ordinal.group(1)
        number = int(raw) if raw.isdigit() else _CHINESE_DIGITS[raw]
        return number - 1 if 1 <= number <= len(masked_names) else None
    hits = [i for i, name in enumerate(masked_names)
            if name.replace("*", "") and re.search(".".join(map(re.escape, name.split("*"))), said)]
    return hits[0] if len(hits) == 1 else None
