"""举报 / 投诉: what kind, which village, about whom, what happened (photos kept as references), contact or
anonymous → a tracking number; "查 TS-…" (or 查举报, then the number) for its filer only, in one message and at
any point; 评价 / 不满意 answer the 回访, in each language the reply asking for them was written in.

A complaint about the village committee is routed above it by the service; this flow only collects. An
anonymous complaint is taken and told plainly that it will get no reply.
"""

from __future__ import annotations

import re
from typing import Any

from api.domain.phone import mask_phone, mobile_in
from api.i18n import N_, format_date
from api.profiles import load_profiles
from bot.engine.context import meta, reply_language
from bot.engine.keywords import DONE
from bot.engine.normalize import has_content, token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.flows import complaint_after as after
from bot.flows import complaint_cues as cues
from bot.flows import county, tracking
from bot.flows.village_words import village_in

NAME = "complaint"
KIND = "TS"
CATEGORIES = (("资金-挪用", N_("补助资金被挪用")), ("资金-冒领", N_("补助资金被冒领")),
              ("资金-克扣", N_("补助资金被克扣")), ("资金-拖欠", N_("补助资金被拖欠")),
              ("索要好处费", N_("索要好处费")), ("对象认定不公", N_("改造对象认定不公")),
              ("工程质量安全", N_("工程质量或安全问题")), ("其他", N_("其他问题")))
SUBJECTS = (("village_committee", N_("村委会或村干部")), ("township", N_("乡镇工作人员")),
            ("county", N_("县里工作人员")), ("builder", N_("施工方")), ("other", N_("其他人")))
ANONYMOUS = {"匿名", "不留"}
# A reply that tries to be a phone number (digits, perhaps mistyped), not more of the story ("he asked 500 yuan").
_TRIES_A_NUMBER = re.compile(r"^\D{0,8}[\d\s+()-]{7,}\D{0,4}$|^\+?\d[\d\s-]*$")
# What a village's name is written in: Chinese characters or Hangul (a Latin word is a name only if it spells one).
_NAMES_A_PLACE = re.compile(r"[\u4e00-\u9fff\uac00-\ud7a3]")


def _options(turn: Turn, table: tuple[tuple[str, str], ...]) -> tuple[Option, ...]:
    return tuple(Option(str(n), turn._(label)) for n, (_, label) in enumerate(table, 1))


def _pick(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return table[int(text) - 1][0] if text.isdigit() and 1 <= int(text) <= len(table) else None


def _lines(*parts: str | None) -> str:
    """What was understood (if anything), then the question."""
    return "\n".join(part for part in parts if part)


def _read_cues(data: dict[str, Any], text: str) -> None:
    """Category, subject, account and how to be reached, from the farmer's own words, where not known yet."""
    data["category"] = data.get("category") or cues.category_in(text)
    data["subject"] = data.get("subject") or cues.subject_in(text)
    _read_contact(data, text)
    account = cues.account_in(text) if not data.get("text") else None
    if account and not data["category"]:
        data["category"] = CATEGORIES[-1][0]   # a story no category names: 其他, never a list to decode first
    if not data.get("text") and data["category"]:
        if account:
            data["text"] = account
        elif text.strip() and not text.strip().isdigit():
            data["opening"] = text.strip()     # too short to stand alone; it heads the account given next


def _read_contact(data: dict[str, Any], text: str) -> bool:
    """Anonymity, a name to sign with or a phone, said before being asked ("怕被报复 别让人知道是我", "俺叫王大山
    电话139…"): kept, so the contact question is not asked for what was said. True when it told anything."""
    if cues.anonymous_wish(text):
        data["anonymous"] = True
        data.pop("phone", None)
        data.pop("signed", None)
        return True
    phone = mobile_in(text) if cues.OWN_CONTACT.search(text) else None
    name = cues.signed_name(text)
    if phone:
        data["phone"] = phone
    if name:
        data["signed"] = name
    if phone or name or cues.NAMED_WISH.search(text):
        data["anonymous"] = False
        return True
    return False


def documented_deadline(county_code: str | None) -> bool:
    """Whether the county's own document states how long a complaint may take; only then is a date promised
    (the service's working default is for staff reminders, not a promise to the farmer)."""
    profile = load_profiles().get(county_code or "")
    period = profile.period("complaint_resolve") if profile is not None else None
    return period is not None and not period.citation.startswith("Anju")


class ComplaintFlow(Flow):
    name = NAME
    keywords = ("举报", "投诉", "查举报", "신고", *after.RATE_WORDS[:2], *after.REOPEN_WORDS)
    patterns = (tracking.lookup(KIND), after.RATING, after.REOPENING)
    menu_label = N_("举报或投诉（资金、好处费、评定不公、质量安全）")
    needs_county = False   # 查举报 / 评价 / 不满意 need none; filing asks for it below
    repairable = True
    free_text_steps = frozenset({"text", "reopen"})

    def explain(self, turn: Turn) -> str | None:
        return {
            "category": turn._("先选您要反映的是哪类事，比如补助被克扣、有人要好处费。选不准就选“其他问题”。"),
            "village": turn._("写事情发生在哪个村，好交给管那里的人去查。找不到的村名也会照您写的记下。"),
            "subject": turn._("您反映的是谁的问题：村干部、乡镇或县里的工作人员、施工方，还是别人。"
                              "反映村干部的事不会交给村干部本人。"),
            "text": turn._("把事情经过写下来：什么时候、谁、多少钱、出了什么问题，写得越清楚越好查。"),
            "contact": turn._("留电话就能收到处理结果；不想留名字和电话可以匿名，同样会调查，只是没法答复您。"),
            "rate": turn._("给这次处理打个分，1分最不满意，5分最满意。"),
        }.get(turn.state.step or "")

    def skip(self, turn: Turn) -> str | None:
        return {"contact": "2", "subject": str(len(SUBJECTS))}.get(turn.state.step or "")

    def correct(self, turn: Turn, right: str) -> list[Reply] | None:
        """"说错了 不是克扣 是索要好处费", "说错了 是西村": the category or the village changed, wherever the flow
        now is."""
        data = turn.flow_data(self.name)
        village = village_in(turn, right) if turn.state.step != "village" else None
        if village is not None and village != turn.state.village_id:
            turn.state.village_id = village
            data.pop("village_named", None)
            known = turn.services.village(village)
            name = known.name if known is not None else right.strip()
            return [Reply(turn._("已改正：{village}。").format(village=name)), *self._repeat(turn, data)]
        subject = cues.subject_in(right) if turn.state.step != "subject" else None
        if subject is not None and subject != data.get("subject") and cues.category_in(right) is None:
            data["subject"] = subject               # "说错了 不是村干部 是乡镇的人", "wrong, it was the township"
            label = turn._(dict(SUBJECTS)[subject])
            return [Reply(turn._("已改正：{category}。").format(category=label)), *self._repeat(turn, data)]
        category = cues.category_in(right)
        if turn.state.step == "category" or category is None or category == data.get("category"):
            return None
        data["category"] = category
        label = turn._(dict(CATEGORIES)[category])
        return [Reply(turn._("已改正：{category}。").format(category=label)), *self._repeat(turn, data)]

    def _repeat(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        step = turn.state.step
        if step == "village":
            return self._ask_village(turn)
        if step == "subject":
            return self._ask_subject(turn)
        if step == "text":
            return self._ask_text(turn, data)
        return self._ask_contact(turn)

    def grant(self, turn: Turn) -> str | None:
        """"能匿名不", "能不能别让邻居知道是俺举报的": yes, and the flow takes it as the farmer's choice."""
        if turn.state.step == "text" or not cues.ASKS_MAY.search(turn.text):
            return None
        if turn.state.step == "contact" and cues.anonymous_wish(turn.text):
            return None                      # "能不写名字不" here is the choice itself
        if turn.state.step == "contact":     # "他们会知道是我吗": answered, and the question asked again
            return turn._("可以匿名，不写您的名字和电话；想匿名请回复2。")
        turn.flow_data(self.name)["anonymous"] = True
        return turn._("可以匿名，不写您的名字和电话。")

    def claims(self, turn: Turn) -> bool:
        return turn.state.step == "contact" and cues.ANONYMOUS_WISH.search(turn.text) is not None

    def start(self, turn: Turn) -> list[Reply]:
        text = token(turn.text)
        data = turn.flow_data(self.name)
        data.clear()
        number = tracking.find(KIND, turn.text)
        if number:
            turn.finish()
            return after.status(turn, number)
        if text.startswith("查"):
            turn.enter(self.name, "number")
            return [Reply(turn._("请回复举报编号（例如：TS-140621-2026-00001）。"))]
        reopen = next((w for w in after.REOPEN_WORDS if text.startswith(w)), None)
        if reopen:
            reason = turn.text.strip()[len(reopen):].strip(" ：:，,")
            if reason:
                return after.reopen(turn, reason)
            turn.enter(self.name, "reopen")
            return [Reply(turn._("请说说哪里不满意，我们会重新处理。"))]
        rate = next((w for w in after.RATE_WORDS if text.startswith(w)), None)
        if rate:
            score = text[len(rate):].strip()
            if score:
                return after.rate(turn, score)
            turn.enter(self.name, "rate")
            return [Reply(turn._("请回复1到5分（5分最满意）。"))]
        if not turn.state.county:
            turn.state.county = county.find_in_text(turn.text)
        if not turn.state.county:
            meta(turn.state)["pending"] = {"flow": self.name, "text": turn.text}
            return county.ask(turn)
        _read_cues(data, turn.text)
        named = village_in(turn, turn.text)
        if named is not None:
            turn.state.village_id = named
        unnamed = turn._("好的，匿名举报，不留您的名字和电话。") if data.get("anonymous") else None
        if data.get("category"):
            return self._ask_village(turn, noted=_lines(unnamed, self._noted(turn, data)))
        turn.enter(self.name, "category")
        return [Reply(_lines(unnamed, turn._("举报可以实名，也可以匿名。请选择要反映的问题：")),
                      options=_options(turn, CATEGORIES))]

    def start_from_match(self, turn: Turn, match: re.Match[str]) -> list[Reply] | None:
        turn.flow_data(self.name).clear()
        if match.re is after.RATING:
            return after.rate(turn, match.group(1))
        if match.re is after.REOPENING:
            inbound = turn.inbound
            if not turn.services.awaiting_follow_up(inbound.channel, inbound.sender, inbound.known_phone):
                return None     # no reply of ours awaits it: someone's words that merely begin so
            reason = (match.group(1) or "").strip()
            if reason:
                return after.reopen(turn, reason)
            turn.enter(self.name, "reopen")
            return [Reply(turn._("请说说哪里不满意，我们会重新处理。"))]
        turn.finish()
        return after.status(turn, tracking.canonical(match))

    def resume(self, turn: Turn) -> list[Reply]:
        data = turn.flow_data(self.name)
        was_anonymous = bool(data.get("anonymous"))
        replies = self._resume(turn, data)
        if not was_anonymous and data.get("anonymous") and turn.state.flow == self.name:
            # "我不想让村里知道是我举报的" at another question: taken, and said back before the next question
            replies.insert(0, Reply(turn._("好的，匿名举报，不留您的名字和电话。")))
        return replies

    def _resume(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        text = token(turn.text)
        step = turn.state.step
        if step == "number":
            turn.finish()
            return after.status(turn, tracking.find(KIND, turn.text))
        if step == "rate":
            return after.rate(turn, text)
        if step == "reopen":
            return after.reopen(turn, turn.text)
        if step == "category":
            category = _pick(text, CATEGORIES)
            if category is None:
                # Words instead of a number: what they say, or 其他 with the words kept as the account.
                category = cues.category_in(turn.text) or ("其他" if cues.account_in(turn.text) else None)
                if category is None:
                    # "东村", "村会计", "俺电话139…": kept for later, and the question asked again
                    noted = self._early(turn, data)
                    return [Reply(_lines(noted, turn._("是哪一类事？请回复选项前面的数字。")),
                                  options=_options(turn, CATEGORIES))]
                data["category"] = category
                _read_cues(data, turn.text)
                return self._ask_village(turn, noted=self._noted(turn, data))
            data["category"] = category
            return self._ask_village(turn)
        if step == "village":
            return self._village(turn, data, text)
        if step == "subject":
            picked = _pick(text, SUBJECTS)
            told = not picked and self._more_said(data, turn.text)   # also 不留名, 就这些, more of the story
            subject = picked or data.get("subject")
            if subject is None and not told:
                return [Reply(turn._("请回复选项前面的数字。"), options=_options(turn, SUBJECTS))]
            # words that name nobody but say more (匿名, 就这些, the story): "其他人", and the words are kept
            data["subject"] = subject or SUBJECTS[-1][0]
            return self._ask_text(turn, data)
        if step == "text":
            return self._text(turn, data)
        return self._contact(turn, data, text)

    # ------------------------------------------------------------------------------------------ collecting

    @staticmethod
    def _more_said(data: dict[str, Any], text: str) -> bool:
        """Read what an answer to another question still tells: the wish to stay anonymous, a longer account,
        or that the farmer is done ("就这些", "确认提交"). True when it told anything."""
        told = False
        subject = cues.subject_in(text)
        if subject and not data.get("subject"):
            data["subject"], told = subject, True
        if _read_contact(data, text):
            told = True
        account = cues.account_in(text)
        if account and account not in data.get("text", ""):
            data["text"] = (data.get("text", "") + "\n" + account).strip()
            told = True
        if DONE.search(text):
            data["done"] = True
            return True
        return told

    def _ask_village(self, turn: Turn, intro: str | None = None, noted: str | None = None) -> list[Reply]:
        known = turn.services.village(turn.state.village_id) if turn.state.village_id else None
        if known is not None and known.county_code == turn.state.county and intro is None:
            return self._ask_subject(turn, noted)
        turn.enter(self.name, "village")
        ask = turn._("请回复事情发生在哪个村（例如：张庄村）。")
        return [Reply(_lines(noted, intro, ask))]

    def _early(self, turn: Turn, data: dict[str, Any]) -> str | None:
        """A village, who it is about or how to be reached, said before the question that asks it: kept, and
        said back, so it is not asked again."""
        heard = []
        village = village_in(turn, turn.text)
        if village is None:
            found = turn.services.villages(turn.state.county or "", turn.text) if turn.state.county else []
            village = found[0].id if len(found) == 1 else None
        if village is not None:
            turn.state.village_id = village
            known = turn.services.village(village)
            heard.append(known.name if known is not None else turn.text.strip())
        subject = cues.subject_in(turn.text)
        if subject and not data.get("subject"):
            data["subject"] = subject
            heard.append(turn._(dict(SUBJECTS)[subject]))
        if _read_contact(data, turn.text):
            heard.append(turn._("匿名") if data.get("anonymous") else turn._("联系方式"))
        return turn._("已记下：{category}。").format(category="、".join(heard)) if heard else None

    def _noted(self, turn: Turn, data: dict[str, Any]) -> str:
        """What the farmer's own words already told us, so they see it was understood."""
        label = dict(CATEGORIES)[data["category"]]
        noted = turn._("已记下：{category}。").format(category=turn._(label))
        known = turn.services.village(turn.state.village_id) if turn.state.village_id else None
        if known is not None and known.county_code == turn.state.county:   # "举报东村…": said back, not asked
            noted += turn._("事情发生在{village}。").format(village=f"{known.township}{known.name}")
        return noted

    def _village(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        if not has_content(turn.text):                 # "？？？": no village and no try at one
            return self._ask_village(turn)
        offered: list[int] = data.get("offered") or []
        if offered and text.isdigit() and 1 <= int(text) <= len(offered):
            turn.state.village_id = offered[int(text) - 1]
            return self._ask_subject(turn)
        named = village_in(turn, turn.text)
        if named is not None:
            turn.state.village_id = named
            self._more_said(data, turn.text)
            return self._ask_subject(turn)
        anonymous_before = bool(data.get("anonymous"))
        if cues.anonymous_wish(turn.text) and cues.category_in(turn.text) is None and not DONE.search(turn.text) \
                and not cues.account_in(cues.ANONYMOUS_WISH.sub("", turn.text)):
            data["anonymous"] = True                   # only the wish: the village is still to be said
            again = turn._("好的，匿名举报，不留您的名字和电话。") if anonymous_before else None
            return self._ask_village(turn, again)
        if self._more_said(data, turn.text):
            # not a village but the rest of the story, or "就这些": the county routes it without the village
            data["village_named"] = turn._("（未说明）")
            return self._ask_subject(turn)
        found = turn.services.villages(turn.state.county or "", turn.text)
        if len(found) == 1:
            turn.state.village_id = found[0].id
            return self._ask_subject(turn)
        if not found and not _NAMES_A_PLACE.search(turn.text):
            return self._ask_village(turn)            # "asdf jkl": no village and no try at one — a miss
        if not found:
            named = turn.text.strip()[:40]
            if data.get("village_tried") and named:
                # Still not in the county's list (or the list was never imported): the complaint must not
                # stall on it. The name the farmer gave goes into the account; the county routes it.
                data["village_named"] = named
                return self._ask_subject(turn, turn._("村名按您写的“{village}”记下。").format(village=named))
            data["village_tried"] = True
            return self._ask_village(turn, turn._("没有找到这个村。请再回复一次村名，找不到也会按您写的记下。"))
        data["offered"] = [v.id for v in found]
        options = tuple(Option(str(n), f"{v.township}{v.name}") for n, v in enumerate(found, 1))
        return [Reply(turn._("您说的是哪个村？请回复序号："), options=options)]

    def _ask_subject(self, turn: Turn, noted: str | None = None) -> list[Reply]:
        data = turn.flow_data(self.name)
        if data.get("done") and not data.get("subject"):
            data["subject"] = SUBJECTS[-1][0]            # "就这些": not asked again for what they didn't say
        if data.get("subject"):
            return self._ask_text(turn, data, noted)
        turn.enter(self.name, "subject")
        ask = turn._("反映的是谁？")
        return [Reply(_lines(noted, ask), options=_options(turn, SUBJECTS))]

    def _ask_text(self, turn: Turn, data: dict[str, Any], noted: str | None = None) -> list[Reply]:
        if data.get("text"):                 # the first message already told what happened
            return self._ask_contact(turn, noted)
        turn.enter(self.name, "text")
        ask = turn._("请说明发生了什么：什么时候、谁、多少钱或什么问题。在Telegram上也可以发照片。")
        return [Reply(_lines(noted, ask))]

    def _text(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        data.setdefault("attachments", []).extend(turn.inbound.attachments)
        words = turn.text.strip()
        if words:
            data["text"] = (data.get("text", "") + "\n" + words).strip()
        if not data.get("text"):
            return [Reply(turn._("照片已收到。请再用文字说明发生了什么。"))]
        return self._ask_contact(turn)

    def _ask_contact(self, turn: Turn, noted: str | None = None) -> list[Reply]:
        turn.enter(self.name, "contact")
        data = turn.flow_data(self.name)
        if data.get("anonymous"):              # said already: "不留名", "匿名"
            return self._contact(turn, data, "2", noted)
        if data.get("phone"):                  # a number written before it was asked for
            return self._contact(turn, data, data["phone"], noted)
        if turn.inbound.known_phone and cues.OWN_PHONE.search(turn.text):   # "电话就这个", said already
            return self._contact(turn, data, "1", noted)
        phone = turn.inbound.known_phone
        options = [Option("2", turn._("匿名（不会答复您）"))]
        if phone:
            options.insert(0, Option("1", turn._("用{phone}联系我").format(phone=mask_phone(phone))))
        ask = turn._("处理结果要答复您吗？请回复手机号码，或选择：")
        return [Reply(_lines(noted, ask), options=tuple(options))]

    def _contact(self, turn: Turn, data: dict[str, Any], text: str, noted: str | None = None) -> list[Reply]:
        data.setdefault("attachments", []).extend(turn.inbound.attachments)
        phone = turn.inbound.known_phone
        said = turn.text if text not in ("1", "2") else text
        anonymous = text == "2" or text in ANONYMOUS or (text != "1" and cues.anonymous_wish(said))
        if not anonymous and text not in ("1", "2"):
            _read_contact(data, said)               # "可以留名 王大山 (电话…)": the name, and the phone if written
        typed = None if anonymous else mobile_in(said) or data.get("phone")
        if not anonymous and phone and not typed and (cues.OWN_PHONE.search(said) or data.get("signed")):
            text = "1"                                   # "电话就这个": the phone the message came from
        done = DONE.search(said) is not None and text not in ("1", "2")
        if done and not typed and not anonymous and text != "1":
            # "确认 提交" without a choice: filed, with the phone the message came from if there is one, else
            # anonymous — never asked the same question again.
            text, anonymous = ("1", False) if phone else ("2", True)
        if not anonymous and not typed and text != "1" and not _TRIES_A_NUMBER.search(text) and turn.text.strip():
            # More of the story, not a phone number: keep it with the account and ask again.
            data["text"] = (data.get("text", "") + "\n" + turn.text.strip()).strip()
            return self._ask_contact(turn, turn._("已补充到举报内容里。"))
        contact = None if anonymous else (typed or (phone if text == "1" and phone else turn.text.strip()))
        named = data.get("village_named")
        signed = None if anonymous else data.get("signed")
        account = "\n".join(part for part in (data.get("opening"), data["text"]) if part)
        if signed:
            account += "\n" + turn._("（署名：{name}）").format(name=signed)
        receipt = turn.services.file_complaint(
            county_code=turn.state.county or "", category=data["category"],
            village_id=None if named else turn.state.village_id, subject=data["subject"],
            text=f"（村：{named}）{account}" if named else account, channel=turn.inbound.channel,
            sender=turn.inbound.sender, contact_phone=contact, anonymous=anonymous,
            attachments=tuple(data["attachments"]), now=turn.now)
        if receipt.error == "contact_phone":
            return [Reply(turn._("号码不对，请回复11位手机号码，或回复2匿名。"))]
        turn.finish()
        if receipt.number is not None:
            meta(turn.state)["filed"] = receipt.number   # "就这些", "确认提交" sent after it is told it was
        if receipt.error == "rate_limited":
            return [Reply(turn._("今天提交的举报太多了，请明天再试。"))]
        if receipt.number is None:
            return [Reply(turn._("请说明发生了什么：什么时候、谁、多少钱或什么问题。"))]
        if receipt.merged:
            return [Reply(turn._("这件事刚才已经收到了，编号{number}，不用重复发送。").format(number=receipt.number))]
        language = reply_language(turn)
        lines = [noted] if noted else []
        lines.append(turn._("举报已受理，编号{number}。").format(number=receipt.number))
        if receipt.resolve_due and documented_deadline(turn.state.county):
            lines.append(turn._("会在{date}前调查处理。").format(date=format_date(receipt.resolve_due, language)))
        lines.append(turn._("反映村干部的问题由乡镇和县里处理，不会交给被反映的人。"))
        lines.append(turn._("匿名举报我们同样调查，但无法答复您。") if anonymous
                     else turn._("处理结果会答复您。查进度请发“查举报”。"))
        return [Reply("\n".join(lines))]


FLOW = ComplaintFlow()
