"""异议, the filing: the reason, a contact or none, the record and its number, and where it stands later.

A mixin of ``ObjectionFlow``: the steps "reason" and "contact". The window is checked again when filing, so an
objection begun in the last minute and finished after midnight is refused with the dates rather than taken late.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from api.domain.phone import mask_phone
from api.i18n import N_, format_date
from bot.engine.context import meta, reply_language
from bot.engine.types import Option, Reply, Turn
from bot.flows import objection_cues as cues
from bot.flows.complaint_cues import ANONYMOUS_WISH

NO_CONTACT = {"不留", "不用", "不需要", "匿名"}
# "要" at the contact question: yes, answer me — at the sender's own phone when the channel knows it.
YES_CONTACT = {"要", "要的", "需要", "好", "好的", "可以", "行", "是", "是的", "yes", "ok", "네", "예"}
STATUS_TEXT = {"received": N_("已受理，正在调查核实"), "investigating": N_("正在调查核实"),
               "upheld": N_("异议成立"), "dismissed": N_("异议不成立")}


# A reply at the contact question with no digit in it and this many letters is more of the reason.
MORE_REASON = 5


def more_reason(text: str) -> bool:
    said = text.strip()
    return not re.search(r"\d", said) and len(re.sub(r"[\W_]", "", said)) >= MORE_REASON


class FilingSteps:
    """The reason and the contact; the village and list steps come from ``ListSteps``."""

    name: str
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
        village = getattr(entry, "village", "") or ""
        found = self._villages_in(turn, village) if village else []
        if len(found) == 1:                  # its list's dates and phone, if asked while objecting
            data["entry_village"] = found[0].id
        if len(reason) < 2 or not self._gives_reason(turn, reason.replace(entry.name, "").replace(village, "")):
            return self._ask_reason(turn, data)
        turn.text = reason
        return self._reason(turn, data, intro=intro)

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
        elif more_reason(turn.text):             # "她家在县城有楼房": more of the reason, not a phone
            data["reason"] = f"{data.get('reason', '')}；{turn.text.strip()}".strip("；")
            return [Reply(turn._("已补充到异议理由里。")), *self._ask_contact(turn)]
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
