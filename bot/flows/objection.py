"""异议: a resident objects to one entry of a list under publicity in their village (004 四(二)(三)).

Village (remembered in ``state.village_id``) → the open lists, masked → one entry → the reason → a contact or
none → the tracking number. This module reads what a message says (the number on the notice, a village, a
list question) and routes it; the village and list steps live in ``objection_lists``, the reason, contact and
filing in ``objection_filing``. "查 YY-…" (or the bare number) tells the filer where their objection stands,
in one message and at any point.
"""

from __future__ import annotations

import re
from typing import Any

from api.i18n import N_
from bot.engine.context import refused
from bot.engine.normalize import token
from bot.engine.types import Flow, Reply, Turn
from bot.flows import county, tracking
from bot.flows import objection_cues as cues
from bot.flows.complaint_cues import ANONYMOUS_WISH, ASKS_MAY
from bot.flows.objection_filing import FilingSteps
from bot.flows.objection_lists import ListSteps, pick_entry

__all__ = ["FLOW", "ObjectionFlow", "pick_entry"]

NAME = "objection"
BACK = {"上一步", "返回"}
RESTART = {"重来", "重新开始"}
CHANGE_VILLAGE = {"换村", "换一个村"}
SHORTCUT = re.compile(r"异议\s*(\d+)\s+(\d+)\s*(.*)", re.DOTALL)
_APP_NUMBER = r"(?P<number>\d{6})[-\s]?(?P<year>\d{4})[-\s]?(?P<serial>\d{5})(?!\d)"
# The application number printed on the notice: "异议 1 140621-2026-00001 理由" or "异议 140621-2026-00001 …".
BY_NUMBER = re.compile(r"^异议\s*(?:(?P<notice>\d{1,6})\s+)?" + _APP_NUMBER + r"\s*[,，:：。]?\s*(?P<reason>.*)$",
                       re.DOTALL)
# "对140621-2026-00002有意见 他家有车": the number, the wish, the reason.
AGAINST = re.compile(r"^(?:我)?对\s*" + _APP_NUMBER + r"\s*(?:号|这户|这家|这一户)?\s*"
                     r"(?:有意见|有异议|提异议|提出异议|不服|有看法)[,，。:：!！\s]*(?P<reason>.*)$", re.DOTALL)
# The number anywhere in a message that objects ("140621-2026-00003 这户有问题 我要提异议", "…, number
# 140621-2026-00001. His house is fine"); a message that only holds a number is not an objection.
ANYWHERE = cues.NUMBER_OBJECTING
# The internal ids at any length ("异议 3 12 他家在城里有楼房"), as the notice's own text tells residents to send.
BY_IDS = re.compile(r"^异议\s*(\d+)\s+(\d+)(?:\s+(.*))?$", re.DOTALL)
KIND = "YY"



class ObjectionFlow(ListSteps, FilingSteps, Flow):
    name = NAME
    keywords = ("异议", "提异议", "查异议", "이의")
    patterns = (tracking.lookup(KIND), BY_NUMBER, AGAINST, BY_IDS, ANYWHERE)
    menu_label = N_("对公示名单提出异议")
    needs_county = True
    repairable = True
    # "browse": a list shown because it was asked about; a reply that picks no entry is a new message, not a miss.
    free_text_steps = frozenset({"reason", "browse"})

    def start(self, turn: Turn) -> list[Reply]:
        data = turn.flow_data(self.name)
        data.clear()
        if token(turn.text).startswith("查"):
            turn.enter(self.name, "number")
            return [Reply(turn._("请回复异议编号（例如：YY-140621-2026-00001）。"))]
        shortcut = SHORTCUT.match(turn.text.strip())
        if shortcut:
            return self._shortcut(turn, data, int(shortcut.group(1)), int(shortcut.group(2)),
                                  shortcut.group(3).strip())
        missing = self._prerequisite(turn)
        if missing:
            turn.finish()
            return [Reply(missing)]
        return self._read(turn, data, turn.text)

    def _read(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        """Whatever a free-text message already says: the number on the notice (the entry at once), else the
        village named inside it, then the entry it names and the reason it gives; only the rest is asked."""
        number = cues.app_number(text)
        if number:
            return self._by_number(turn, data, number, text)
        found = self._villages_in(turn, text)
        if len(found) == 1:
            turn.state.village_id = found[0].id
        elif found:
            return self._offer_villages(turn, data, found)
        village = turn.services.village(turn.state.village_id) if turn.state.village_id else None
        if village is None or village.county_code != turn.state.county:
            return self._ask_village(turn)
        return self._lists_then_entry(turn, data, text)

    def _by_number(self, turn: Turn, data: dict[str, Any], number: str, text: str) -> list[Reply]:
        """The number printed on the notice names the list and the entry at once; the rest is the reason."""
        entry = turn.services.entry_by_number(number, turn.now)
        if entry is None:
            return self._unknown_number(turn, number)
        return self._file_for(turn, data, entry, cues.reason_in(text), intro=True)

    def _unknown_number(self, turn: Turn, number: str) -> list[Reply]:
        """A number on no open list: said so, with the lists open now named, and the village asked."""
        places_of = getattr(turn.services, "open_list_places", None)
        places = places_of(turn.state.county or "", turn.now) if places_of is not None else []
        text = turn._("{number}不在现在正在公示的名单上，请核对公示上印的申请编号。").format(number=number)
        if not places:
            turn.finish()
            return [Reply(text + turn._("本县现在没有正在公示、可以提异议的名单。"))]
        text += "\n" + turn._("现在正在公示、可以提异议的名单：{places}。").format(places="、".join(places))
        return self._ask_village(turn, text)

    def _prerequisite(self, turn: Turn) -> str | None:
        """Said at once, honestly: nothing to object to in this county through the bot, and what to do instead."""
        county = turn.state.county or ""
        instead = turn._("有异议可以在公示期内向村委会或乡镇政府书面反映，公示上也写着举报电话。")
        has_villages = getattr(turn.services, "has_villages", None)
        if has_villages is not None and not has_villages(county):
            refused(turn.state, instead)
            return turn._("本县的村还没有录入系统，所以现在不能在这里对公示名单提异议。") + instead
        open_lists = getattr(turn.services, "county_has_open_lists", None)
        if open_lists is not None and not open_lists(county, turn.now):
            refused(turn.state, instead)
            named = self._villages_in(turn, turn.text)     # "南村公示我要提意见": that village is named
            if len(named) == 1:
                return turn._("{village}现在没有正在公示、可以提出异议的名单。").format(village=named[0].name) + \
                    instead
            return turn._("本县现在没有正在公示、可以提异议的名单。") + instead
        return None

    def resume(self, turn: Turn) -> list[Reply]:
        data = turn.flow_data(self.name)
        text = token(turn.text)
        step = turn.state.step
        if step == "number":
            turn.finish()
            return self._status(turn, tracking.find(KIND, turn.text))
        if text in RESTART or text in CHANGE_VILLAGE:
            data.clear()
            return self._ask_village(turn)
        if cues.asks_about_list(turn.text):
            return self._about_list(turn, data)
        number = cues.app_number(turn.text) if step in ("village", "entry", "browse") else None
        if number:
            data.clear()
            return self._by_number(turn, data, number, turn.text)
        if step == "village":
            return self._village(turn, data, text)
        if step in ("entry", "browse"):
            return self._entry(turn, data, text)
        if text in BACK:
            return self._show_lists(turn, data) if step == "reason" else self._ask_reason(turn, data)
        if step == "reason":
            return self._reason(turn, data)
        return self._contact(turn, data, text)

    def start_from_match(self, turn: Turn, match: re.Match[str]) -> list[Reply] | None:
        turn.finish()
        data = turn.flow_data(self.name)
        if match.re is ANYWHERE:
            _county_of_number(turn, match.group(1))
            missing = self._prerequisite(turn)
            if missing:
                return [Reply(missing)]
            return self._by_number(turn, data, "-".join(match.groups()), turn.text)
        if match.re is BY_IDS:
            return self._shortcut(turn, data, int(match.group(1)), int(match.group(2)), (match.group(3) or "").strip())
        if match.re in (BY_NUMBER, AGAINST):
            number = f"{match.group('number')}-{match.group('year')}-{match.group('serial')}"
            _county_of_number(turn, match.group("number"))
            notice = match.groupdict().get("notice")
            entry = turn.services.entry_by_number(number, turn.now, int(notice) if notice else None)
            if entry is None and not notice:
                return self._unknown_number(turn, number)
            return self._file_for(turn, data, entry, match.group("reason").strip())
        return self._status(turn, tracking.canonical(match))

    def explain(self, turn: Turn) -> str | None:
        return {
            "village": turn._("要先知道您是哪个村的，才能找到您村正在公示的名单。回复村名就行，比如“张庄村”。"),
            "entry": turn._("名单上是村里、乡镇公示的拟改造的家庭。您觉得哪一户不该评上，就回复它前面的序号。"),
            "browse": turn._("名单上是村里、乡镇公示的拟改造的家庭。您觉得哪一户不该评上，就回复它前面的序号。"),
            "reason": turn._("写清楚您为什么觉得这一户不符合条件，比如在城里有房、家里有车，调查时会核实。"),
            "contact": turn._("调查结果可以书面答复您。留电话就能收到结果；不留也照样调查，只是不答复您。"),
        }.get(turn.state.step or "")

    def skip(self, turn: Turn) -> str | None:
        return "2" if turn.state.step == "contact" else None

    def correct(self, turn: Turn, right: str) -> list[Reply] | None:
        """"说错了 不是00001 是00002 李*芳那家": another entry of the same list, chosen again at once."""
        data = turn.flow_data(self.name)
        entries = data.get("entries") or []
        if turn.state.step not in ("reason", "contact"):
            return None
        chosen = data.get("chosen_number") or ""
        number = cues.app_number(right)
        serial = re.search(r"(?<!\d)(\d{5})(?!\d)", right)
        if number is None and serial and chosen:          # "是00002": the same list's numbering
            number = chosen.rsplit("-", 1)[0] + "-" + serial.group(1)
        if number and number != chosen and not entries:
            data.pop("reason", None)
            return self._by_number(turn, data, number, right)
        if not entries:
            return None
        index = pick_entry(right, [name for _, _, name in entries])
        if index is None:
            index = cues.serial_or_position(right, data.get("numbers") or [], positions=False)
        if index is None or entries[index] == data.get("chosen"):
            return None
        data.pop("reason", None)
        turn.text = right
        return self._entry(turn, data, right)

    def grant(self, turn: Turn) -> str | None:
        """"提异议能不写名字不": the objector may leave no name or phone."""
        if turn.state.step == "contact" or not ASKS_MAY.search(turn.text):
            return None
        return turn._("可以不留名字和电话：问到联系方式时回复2就行（那样无法书面答复您）。")

    def claims(self, turn: Turn) -> bool:
        if cues.asks_about_list(turn.text):
            return True                     # "公示还剩几天": the list's own dates, not the policy
        return turn.state.step == "contact" and ANONYMOUS_WISH.search(turn.text) is not None

    def from_free_text(self, turn: Turn, text: str) -> list[Reply] | None:
        """Free text the FAQ would answer with the rule: a question about a village's list ("东村现在有公示没",
        "公示上都有谁", "公示还剩几天", "公示上的举报电话") gets the list from the records when a village is named
        or known, open to pick an entry; an objection to someone on the list of a village it names ("俺对东村名单
        上的王*明有意见 他家有小卖部") starts the objection on the message itself. None: the FAQ answers."""
        about = cues.asks_about_list(text)
        if not (about or cues.objects_to_entry(text)) or getattr(turn.services, "villages_in", None) is None:
            return None
        known = turn.state.county
        turn.state.county = known or county.find_in_text(text)
        found = self._villages_in(turn, text) if turn.state.county else []
        if not about:
            if len(found) != 1:
                turn.state.county = known
                return None
            turn.finish()
            turn.text = text
            return self.start(turn)
        village_id = found[0].id if len(found) == 1 else turn.state.village_id
        village = turn.services.village(village_id) if village_id else None
        if village is None or village.county_code != turn.state.county:
            turn.state.county = known
            return None
        turn.state.village_id = village.id
        turn.finish()
        data = turn.flow_data(self.name)
        data.clear()
        return self._show_lists(turn, data, browsing=True)

    def _about_list(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        """The same question inside the flow: answered, and the flow goes on where it was."""
        found = self._villages_in(turn, turn.text)
        step = turn.state.step
        if step in ("village", "entry", "browse") or (len(found) == 1 and found[0].id != turn.state.village_id):
            if len(found) == 1:
                turn.state.village_id = found[0].id
            if not turn.state.village_id:
                return self._ask_village(turn)
            return self._show_lists(turn, data)
        village_id = turn.state.village_id or data.get("entry_village") or 0
        info = self._window_lines(turn, turn.services.open_lists(village_id, turn.now).entries)
        again = self._ask_reason(turn, data) if step == "reason" else self._ask_contact(turn)
        return [Reply("\n".join(info)), *again] if info else again


FLOW = ObjectionFlow()


def _county_of_number(turn: Turn, code: str) -> None:
    """An application number begins with its county's code: a sender whose county is not known yet is taken to
    live there (a pattern starts the flow without the county question)."""
    if not turn.state.county:
        turn.state.county = county.named(code)
