"""异议: a resident objects to one entry of a list under publicity in their village (004 四(二)(三)).

Village (remembered in ``state.village_id``) → the open lists, masked → one entry → the reason → a contact or
none → the tracking number. The window is checked again when filing, so an objection begun in the last
minute and finished after midnight is refused with the dates rather than taken late. "查 YY-…" (or the bare
number) tells the filer where their objection stands, in one message and at any point.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from api.clock import local_date
from api.domain.phone import mask_phone
from api.i18n import N_, format_date
from api.profiles import load_profiles
from bot.engine.context import meta, refused, reply_language
from bot.engine.normalize import token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.flows import county, tracking
from bot.flows import objection_cues as cues
from bot.flows.complaint_cues import ANONYMOUS_WISH, ASKS_MAY

NAME = "objection"
BACK = {"上一步", "返回"}
RESTART = {"重来", "重新开始"}
CHANGE_VILLAGE = {"换村", "换一个村"}
NO_CONTACT = {"不留", "不用", "不需要", "匿名"}
# "要" at the contact question: yes, answer me — at the sender's own phone when the channel knows it.
YES_CONTACT = {"要", "要的", "需要", "好", "好的", "可以", "行", "是", "是的", "yes", "ok", "네", "예"}
MAX_LISTED = 20
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
LEVELS = {"village": N_("村级公示，拟报乡镇审核"), "township": N_("乡镇公示，拟报县里核查审批")}
KIND = "YY"
STATUS_TEXT = {"received": N_("已受理，正在调查核实"), "investigating": N_("正在调查核实"),
               "upheld": N_("异议成立"), "dismissed": N_("异议不成立")}


# A reply at least this long that names an entry also carries the reason.
REASON_IN_CHOICE = 6
# A first message that names an entry carries a reason when this much is left besides places, names and fillers.
REASON_IN_FIRST = 2
_FILLERS = re.compile(r"[\W\d_]|俺们|我们|俺|我|是|的|那个|这个|这户|那户|这家|那家|公示|名单|上面|上|里|家|"
                      r"村|镇|乡|县|那|这|他|她")


class ObjectionFlow(Flow):
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
        if len(_FILLERS.sub("", self._without_places(turn, reason.replace(entries[index][2], "")))) \
                < REASON_IN_FIRST:
            return self._ask_reason(turn, data)
        turn.text = reason
        return self._reason(turn, data, intro=True)

    @staticmethod
    def _without_places(turn: Turn, text: str) -> str:
        """The text without the names of the sender's county, township and village (no reason in themselves)."""
        profile = load_profiles().get(turn.state.county or "")
        village = turn.services.village(turn.state.village_id) if turn.state.village_id else None
        names = [*(profile.names if profile else ()), *((village.township, village.name) if village else ())]
        for name in sorted(filter(None, names), key=len, reverse=True):
            text = text.replace(name, "")
        return text

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
        info = self._window_lines(turn, turn.services.open_lists(turn.state.village_id or 0, turn.now).entries)
        again = self._ask_reason(turn, data) if step == "reason" else self._ask_contact(turn)
        return [Reply("\n".join(info)), *again] if info else again

    def _status(self, turn: Turn, number: str | None) -> list[Reply]:
        """Where the sender's own objection stands; anyone else's number is "not found"."""
        view = turn.services.objection_status(number, turn.inbound.channel, turn.inbound.sender,
                                              turn.inbound.known_phone) if number else None
        if view is None:
            return [Reply(turn._("没有找到这个编号的异议。只能查您自己提出的异议。"))]
        text = turn._("异议{number}：{status}").format(number=view.number,
                                                     status=turn._(STATUS_TEXT[view.status.value]))
        if view.outcome_reason:
            text += "\n" + turn._("理由：{reason}").format(reason=view.outcome_reason)
        return [Reply(text)]

    def _shortcut(self, turn: Turn, data: dict[str, Any], notice_id: int, application_id: int,
                  reason: str) -> list[Reply]:
        """"异议 <notice> <application> [reason]", as the public notice tells residents to send."""
        entry = turn.services.listed_entry(notice_id, application_id, turn.now)
        return self._file_for(turn, data, entry, reason)

    def _file_for(self, turn: Turn, data: dict[str, Any], entry: Any, reason: str,
                  intro: bool = False) -> list[Reply]:
        """Object to one entry found by its numbers: ask for the reason unless it came along."""
        if entry is None:
            turn.finish()
            return [Reply(turn._("没有找到这条公示。请回复“异议”，再按提示选择。"))]
        if not entry.window_open:
            turn.finish()
            return [self._refusal(turn, entry.opened_on, entry.closes_on)]
        data["chosen"] = [entry.notice_id, entry.application_id, entry.name]
        if getattr(entry, "number", ""):
            data["chosen_number"] = entry.number
        if len(reason) < 2:
            return self._ask_reason(turn, data)
        turn.text = reason
        return self._reason(turn, data, intro=intro)

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

    def _refusal(self, turn: Turn, opened_on: dt.date, closes_on: dt.date) -> Reply:
        language = reply_language(turn)
        return Reply(turn._("抱歉，这份名单的公示期为{start}至{end}，现在不在公示期内，不能再提出异议。"
                            "如有问题可以向乡镇反映。").format(start=format_date(opened_on, language),
                                                     end=format_date(closes_on, language)))

    # ------------------------------------------------------------------------------------------ reason, contact

    def _ask_reason(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        turn.enter(self.name, "reason")
        return [Reply(turn._("请写明您对{name}有什么异议、依据是什么（例如：在城里有房、家里有车）。"
                             "回复“上一步”重新选择。").format(name=self._chosen(data)))]

    @staticmethod
    def _chosen(data: dict[str, Any]) -> str:
        number = data.get("chosen_number")
        return f"{data['chosen'][2]}（{number}）" if number else data["chosen"][2]

    def _reason(self, turn: Turn, data: dict[str, Any], intro: bool = False) -> list[Reply]:
        """The reason; closing words in the same message ("电话就这个 确认提交") finish the objection at once."""
        closing = cues.closing_in(turn.text)
        reason = closing.rest.strip()
        if len(reason) < 2:
            return [Reply(turn._("请写明异议的理由。"))]
        data["reason"] = reason
        if closing.contact_said:
            return self._file(turn, data, self._contact_from(turn, closing))
        asked = self._ask_contact(turn)
        if intro:
            said = turn._("您对{name}的异议已记下，理由：{reason}").format(name=self._chosen(data), reason=reason)
            return [Reply(said), *asked]
        return asked

    def _ask_contact(self, turn: Turn) -> list[Reply]:
        turn.enter(self.name, "contact")
        phone = turn.inbound.known_phone
        options = [Option("2", turn._("不留联系方式"))]
        if phone:
            options.insert(0, Option("1", turn._("用{phone}").format(phone=mask_phone(phone))))
        return [Reply(turn._("调查结果要书面答复您吗？请回复手机号码，或选择：") , options=tuple(options))]

    @staticmethod
    def _contact_from(turn: Turn, closing: cues.Closing) -> str | None:
        """The phone a reply means: written out, "this number" (the sender's own), or none (anonymous)."""
        if closing.anonymous:
            return None
        if closing.phone:
            return closing.phone
        return turn.inbound.known_phone if closing.own_phone else None

    def _contact(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        phone = turn.inbound.known_phone
        closing = cues.closing_in(turn.text)
        if (text == "1" or text in YES_CONTACT) and phone:
            contact: str | None = phone
        elif text == "2" or text in NO_CONTACT or ANONYMOUS_WISH.search(turn.text):
            contact = None
        elif phone and any(piece in YES_CONTACT for piece in cues.pieces(text)):
            contact = phone                                  # "是的 提交"
        elif closing.contact_said or closing.confirm:
            contact = self._contact_from(turn, closing)     # "电话就这个 就这些 确认提交"; "就这些": none
        else:
            contact = turn.text.strip()
        return self._file(turn, data, contact)

    def _file(self, turn: Turn, data: dict[str, Any], contact: str | None) -> list[Reply]:
        notice_id, application_id, name = data["chosen"]
        filed = turn.services.file_objection(notice_id, application_id, data["reason"], contact,
                                             turn.inbound.channel, turn.inbound.sender, turn.now)
        if filed.error == "contact_phone":
            turn.enter(self.name, "contact")
            return [Reply(turn._("号码不对，请回复11位手机号码，或回复2不留联系方式。"))]
        turn.finish()
        if filed.error == "rate_limited":
            return [Reply(turn._("今天提交的异议太多了，请明天再试，或直接向村委会、乡镇反映。"))]
        if filed.number is None and filed.closes_on is not None and filed.opened_on is not None:
            return [self._refusal(turn, filed.opened_on, filed.closes_on)]
        if filed.number is None:
            return [Reply(turn._("请写明异议的理由。"))]
        meta(turn.state)["filed"] = filed.number         # "提交了吗" afterwards is told this number
        text_out = turn._("已收到您对{name}的异议，编号{number}。我们会调查核实；您的信息不会告诉被反映的家庭。"
                          ).format(name=name, number=filed.number)
        text_out += "\n" + (turn._("调查结果会书面答复到您留的电话。") if contact
                            else turn._("您没有留联系方式，调查结果不会答复您。"))
        return [Reply(text_out)]


FLOW = ObjectionFlow()


def _county_of_number(turn: Turn, code: str) -> None:
    """An application number begins with its county's code: a sender whose county is not known yet is taken to
    live there (a pattern starts the flow without the county question)."""
    if not turn.state.county:
        turn.state.county = county.named(code)


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

