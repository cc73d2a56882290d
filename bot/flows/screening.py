"""Eligibility pre-screening by chat or SMS: one question per message, then the judgement and, with consent,
a lead for the village committee.

The answers live in the conversation state under their own key, which outlives the engine's expiry of a
stale step and a detour through other flows: a farmer who leaves can send 资格 another day and carry on. The
questions and the judgement come from ``api.screening`` — the same engine the API and ``anju screen`` use.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from api.domain.errors import ValidationFailed
from api.domain.phone import mask_phone, validate_mobile
from api.i18n import N_
from api.profiles import get_profile
from api.screening import evaluate, next_question
from api.screening.questions import GROUP_OF, QUESTIONS
from bot.engine.context import meta as meta_of
from bot.engine.context import reply_language
from bot.engine.keywords import asks
from bot.engine.normalize import token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.flows import county, faq
from bot.flows import screening_cues as cues
from bot.flows.screening_replies import judgement_again, question_reply, result_replies, sms_result
from bot.flows.screening_words import AGREE, DECLINE, NO, YES, parse_choice

BACK = {"上一步", "返回", "上一题", "后退"}
RESTART = {"重新", "重来", "重新开始", "从头开始"}
WELCOME_BACK_AFTER = dt.timedelta(hours=6)
KEEP_PROGRESS = dt.timedelta(days=30)   # unfinished answers older than this are forgotten
PROGRESS = "screening_progress"         # the state.data key; not the flow's own, which the engine may drop
CONSENT = (("1", N_("同意")), ("2", N_("不用了")))
SAME_PHONE = (("1", N_("是")), ("2", N_("换一个号码")))


# "자격이 되나요", "am I eligible": asking to be screened, in Korean and English.
FREE_TEXT = cues.WISH
HEARD = "household"          # meta key: household facts read from the farmer's messages (bot.flows.faq)
TOLD = {
    "previously_renovated": {True: N_("以前享受过危房改造"), False: N_("没享受过危房改造")},
    "other_safe_house": {True: N_("另有住房"), False: N_("只有这一处房")},
    "bought_urban_house": {True: N_("在城镇买了房")},
    "owns_vehicle": {True: N_("家里有车")},
    "hukou_local": {True: N_("本地农业户口")},
    "resides_locally": {True: N_("长期住在村里")},
}
TRIGGERS = (
    re.compile(r"^(?:저는?|우리 ?집은?|우리는?)?\s*(?:자격이?|신청 자격이?)\s*"
               r"(?:되나요|돼요|있나요|있어요|될까요|되는지|확인|심사)[\s?？요.!]*$"
               r"|^(?:저도|우리 ?집도)?\s*신청할 수 있(?:나요|어요|을까요)[\s?？.!]*$|^자격 ?심사$"),
    re.compile(r"^(?:am i|are we|is my (?:family|household)) eligible(?: for (?:it|this|the (?:subsidy|programme|"
               r"program|renovation|help|scheme)))?[\s?.!]*$|^(?:can|could) (?:i|we) apply[\s?.!]*$|"
               r"^do (?:i|we) qualify[\s?.!]*$|^(?:check (?:my )?)?eligibility(?: check)?[\s?.!]*$",
               re.IGNORECASE),
    FREE_TEXT,
)
EXPLAIN = {
    "relocation_village": N_("有的村已经定为整体搬迁村，那里的房子不再原地改造，另有搬迁安置。不清楚就回复“不知道”。"),
    "category": N_("这是问您家在民政或乡村振兴部门登记的是哪类困难家庭，比如低保户、五保户。不清楚就回复“不知道”。"),
    "house_grade": N_("危房鉴定由住建部门组织，C级是局部危险，D级是整栋危险。没鉴定过就选“还没鉴定/不知道”。"),
}
SKIPPED = "不知道"
_PUZZLED = re.compile(r"啥|什么|[吗么][\W]*$|[?？]|\bwhat\b|뭐|무슨", re.IGNORECASE)   # not a remark


class ScreeningFlow(Flow):
    name = "screening"
    keywords = ("资格", "筛查", "能不能申请")
    patterns = TRIGGERS
    menu_label = N_("看看能不能申请（资格筛查）")
    needs_county = True
    repairable = True
    state_keys = (PROGRESS,)
    free_text_steps = frozenset({"lead_name", "lead_village"})

    def explain(self, turn: Turn) -> str | None:
        step = turn.state.step
        if step == "question":
            key = (turn.state.data.get(PROGRESS) or {}).get("current") or ""
            return turn._(EXPLAIN.get(key, N_("选最接近您家情况的一项就行；不清楚就回复“不知道”，不影响往下问。")))
        if step == "result":
            return turn._("回复1可以看这个判断依据的是文件哪一条；"
                          "回复2会把您的姓名、村名和电话转给村委会，请他们联系您。")
        if step == "consent":
            return turn._("同意的话，村委会会拿到您的姓名、村名和电话，主动联系您；不同意就什么都不转。")
        return turn._("这是转给村委会的联系方式，他们用来找您。")

    def skip(self, turn: Turn) -> str | None:
        return {"question": SKIPPED, "consent": "2"}.get(turn.state.step or "")

    def claims(self, turn: Turn) -> bool:
        """"就这些 能申请吗" asks for the result, not a policy answer; after it, "那俺能申请不" asks it again."""
        if turn.state.step == "result":
            return cues.DONE.search(turn.text) is not None or cues.WISH.search(turn.text) is not None
        return turn.state.step == "question" and cues.DONE.search(turn.text) is not None

    def correct(self, turn: Turn, right: str) -> list[Reply] | None:
        """"说错了 俺是低保户不是五保户", "不是B级 是C级": a fact told before, changed in place; the question
        now due is asked (it may be another one)."""
        data = turn.state.data.get(PROGRESS) or {}
        if turn.state.step not in ("question", "result") or "answers" not in data:
            return None
        changed = {f: v for f, v in cues.facts_in(right).items() if data["answers"].get(f, v) != v}
        if not changed:
            return None
        data["answers"].update(changed)
        noted = Reply(turn._("已改正：{facts}。").format(facts=self._told(turn, changed)))
        if turn.state.step == "result":          # the judgement already given is made again from the new answer
            return [noted, *self._reopen_conflicts(turn, data), *self._judge(turn, data)]
        return [noted, *self._reopen_conflicts(turn, data), *self._ask(turn, data)]

    def on_leave(self, turn: Turn) -> str | None:
        if turn.state.step in ("result", "consent", "lead_name", "lead_village", "lead_phone", "lead_phone_confirm"):
            return turn._("没有把您的姓名和电话转给村委会。")
        return None

    def start_from_match(self, turn: Turn, match: re.Match[str]) -> list[Reply] | None:
        heard = meta_of(turn.state).get(HEARD) or {}
        if match.re is FREE_TEXT and not cues.asks_to_be_checked(turn.text, heard):
            return None                  # "能申请不" alone is a question for the FAQ; with the household told, a check
        if cues.names_elsewhere(turn.text):
            return None                  # "俺闺女在佳木斯 能申请不": a place we do not serve, said so by the FAQ
        if not turn.state.county:
            turn.state.county = county.find_in_text(turn.text)
        if not turn.state.county:
            meta_of(turn.state)["pending"] = {"flow": self.name, "text": turn.text}
            return county.ask(turn)
        return self.start(turn)

    # ------------------------------------------------------------------------------------------ questions

    def start(self, turn: Turn) -> list[Reply]:
        data = self._progress(turn)
        going = data.get("history") and data.get("county") == turn.state.county and data.get("step") == "question"
        if going and self._recent(turn, data) and cues.DONE.search(turn.text):
            return self._judge(turn, data)       # "就这些 俺到底能不能申请": the result from what was told
        if going:
            welcome = Reply(turn._("欢迎回来！我们接着上次的资格筛查。回复“重来”可以从头开始。"))
            return [welcome, *self._ask(turn, data)]
        return self._fresh(turn)

    def _fresh(self, turn: Turn) -> list[Reply]:
        heard = meta_of(turn.state).get(HEARD) or {}      # what the farmer told earlier in this conversation
        told = {**heard, **cues.facts_in(turn.text)} if cues.WISH.search(turn.text) or heard else {}
        data = turn.state.data[PROGRESS] = {"answers": dict(told), "groups": [], "history": [], "current": None,
                                            "county": turn.state.county, "step": "question"}
        if told:        # what the message said is taken as answered, and shown so a slip can be corrected
            data["history"].append({"q": "told", "facts": list(told)})
        intro = Reply(turn._("我问您几个问题，看看您家能不能申请危房改造。每次回复一个选项；"
                             "不知道就回复“不知道”，回复“上一步”改上一个回答，回复“重来”从头开始。"))
        noted = [Reply(turn._("已记下：{facts}。").format(facts=self._told(turn, told)))] if told else []
        return [intro, *noted, *self._ask(turn, data)]

    @staticmethod
    def _told(turn: Turn, told: dict[str, Any]) -> str:
        parts = []
        for fact, value in told.items():
            question = QUESTIONS.get(fact)
            label = next((lab for val, lab in question.choices if val == value), None) if question else None
            parts.append(turn._(label) if label and fact in ("category", "house_grade") else turn._(TOLD[fact][value]))
        return "，".join(parts)

    def resume(self, turn: Turn) -> list[Reply]:
        data = self._progress(turn)
        text = token(turn.text)
        if text in RESTART or "answers" not in data:
            return self._fresh(turn)
        step = turn.state.step
        if step == "question":
            return self._answer(turn, data, text)
        if step == "consent":
            return self._consent(turn, data, text)
        if step == "result":
            return self._result(turn, data, text)
        return self._lead(turn, data, step or "", text)

    @staticmethod
    def _recent(turn: Turn, data: dict[str, Any]) -> bool:
        saved = data.get("saved_at")
        return bool(saved) and turn.now - dt.datetime.fromisoformat(saved) <= WELCOME_BACK_AFTER

    def _progress(self, turn: Turn) -> dict[str, Any]:
        """This sender's unfinished screening, or an empty one when there is none or it is too old."""
        data = turn.state.data.get(PROGRESS) or {}
        saved = data.get("saved_at")
        if saved and turn.now - dt.datetime.fromisoformat(saved) > KEEP_PROGRESS:
            data = {}
        turn.state.data[PROGRESS] = data
        return data

    def _enter(self, turn: Turn, data: dict[str, Any], step: str) -> None:
        data["step"], data["saved_at"] = step, turn.now.isoformat()
        turn.enter(self.name, step)

    def _done(self, turn: Turn) -> None:
        turn.state.data.pop(PROGRESS, None)
        turn.finish()

    def _ask(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        county = turn.state.county or ""
        key = next_question(data["answers"], county, data["groups"])
        if key is None:
            return self._judge(turn, data)
        data["current"] = key
        self._enter(turn, data, "question")
        return [question_reply(key, turn._, self._number(data))]

    @staticmethod
    def _number(data: dict[str, Any]) -> int:
        """The number of the question asked now: what the first message told counts as no question."""
        return sum(1 for h in data["history"] if h.get("q") != "told") + 1

    def _answer(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        key = data["current"]
        if text in BACK:
            return self._back(turn, data)
        if cues.DONE.search(turn.text) and data["answers"]:
            return self._judge(turn, data)       # the rest stays unknown; the result says what is still to check
        value = parse_choice(key, text)
        told = {f: v for f, v in cues.facts_in(turn.text).items() if f not in data["answers"]} if value is None else {}
        if told:        # "we get dibao", "鉴定是D级 就这一处房": an answer in words, maybe to more than one question
            data["answers"].update(told)
            data["history"].append({"q": key if key in told or key in {GROUP_OF.get(f) for f in told} else "told",
                                    "facts": list(told)})
            noted = Reply(turn._("已记下：{facts}。").format(facts=self._told(turn, told)))
            return [noted, *self._reopen_conflicts(turn, data), *self._ask(turn, data)]
        if value is None:
            again = question_reply(key, turn._, self._number(data))
            answered = faq.aside(turn, turn.text)
            if answered is not None:
                return [answered, Reply(turn._("我们接着做资格筛查：")), again]
            return [self._not_understood(turn), again]
        question = QUESTIONS[key]
        if question.facts and value == question.expand:     # ask each of the group's facts in turn
            data["groups"].append(key)
            set_facts: list[str] = []
        else:
            set_facts = list(question.facts or (key,))
            data["answers"].update(dict.fromkeys(set_facts, value))
        data["history"].append({"q": key, "facts": set_facts})
        replies = self._reopen_conflicts(turn, data)
        return replies + self._ask(turn, data)

    def _reopen_conflicts(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        """Answers that contradict each other are both asked again, after saying why."""
        result = evaluate(data["answers"], turn.state.county or "", turn._, reply_language(turn))
        if not result.conflicts:
            return []
        for conflict in result.conflicts:
            for fact in conflict.facts:
                data["answers"].pop(fact, None)
        reopened = {f for c in result.conflicts for f in c.facts}
        data["history"] = [h for h in data["history"] if not reopened & set(h["facts"])]
        return [Reply(c.text) for c in result.conflicts]

    def _back(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        if data["history"]:
            last = data["history"].pop()
            for fact in last["facts"]:
                data["answers"].pop(fact, None)
            if last["q"] in data["groups"]:
                data["groups"].remove(last["q"])
        return self._ask(turn, data)

    def _aside_or(self, turn: Turn, prompt: Reply) -> list[Reply]:
        """A policy question asked instead of an answer is answered first; the step's prompt follows."""
        answered = faq.aside(turn, turn.text)
        return [answered, prompt] if answered is not None else [prompt]

    def _not_understood(self, turn: Turn) -> Reply:
        updated = turn.state.updated_at
        if updated and turn.now - dt.datetime.fromisoformat(updated) > WELCOME_BACK_AFTER:
            return Reply(turn._("欢迎回来！我们接着上次的资格筛查，请回答这个问题："))
        return Reply(turn._("没看懂您的回答，请回复选项前面的数字。"))

    # ------------------------------------------------------------------------------------------ judgement

    def _judge(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        county = turn.state.county or ""
        result = evaluate(data["answers"], county, turn._, reply_language(turn))
        record = getattr(turn.services, "record_screening", None)
        data["screening_id"] = record(result, data["answers"], turn.inbound.channel) if record else None
        if turn.inbound.channel == "sms":     # three segments at most; the clauses on "1"
            self._enter(turn, data, "result")
            return [sms_result(result, turn._, offer_lead=self._can_lead(turn, data))]
        return self._full_result(turn, data, result)

    def _can_lead(self, turn: Turn, data: dict[str, Any]) -> bool:
        return data.get("screening_id") is not None and hasattr(turn.services, "create_lead")

    def _full_result(self, turn: Turn, data: dict[str, Any], result: Any = None) -> list[Reply]:
        county = turn.state.county or ""
        if result is None:
            result = evaluate(data["answers"], county, turn._, reply_language(turn))
        replies = result_replies(result, get_profile(county), turn._)
        if not self._can_lead(turn, data):
            self._done(turn)
            return [*replies, Reply(turn._("如需申请，请带上材料到村委会。"))]
        self._enter(turn, data, "consent")
        options = tuple(Option(k, turn._(label)) for k, label in CONSENT)
        ask = Reply(turn._("要不要把您的姓名、村名和电话转给村委会，请他们联系您？"), options=options)
        return [*replies, ask]

    def _result(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        """After the SMS judgement: 1 the reasons with their clauses, 2 the committee may call."""
        if text == "1":
            return self._full_result(turn, data)
        if text == "2" and self._can_lead(turn, data):
            return self._consent(turn, data, "1")
        if cues.DONE.search(turn.text) or cues.WISH.search(turn.text):     # "那俺到底能不能申请": the judgement again
            return self._judge(turn, data)
        if not self._can_lead(turn, data):    # nothing more to ask: the conversation moves on
            self._done(turn)
            answered = faq.aside(turn, turn.text)
            return [answered] if answered else [Reply(turn._("好的。有问题可以直接问我，回复0看菜单。"))]
        result = evaluate(data["answers"], turn.state.county or "", turn._, reply_language(turn))
        said = sms_result(result, turn._, offer_lead=self._can_lead(turn, data))
        remark = not (asks(turn.text) or _PUZZLED.search(turn.text))
        return [said] if remark else self._aside_or(turn, said)     # a remark gets no policy answer

    def _consent(self, turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
        if text in ("1", turn._("同意"), *YES, *AGREE):
            data["lead"] = {}
            self._enter(turn, data, "lead_name")
            return [Reply(turn._("请回复您的姓名。"))]
        if text in ("2", turn._("不用了"), *NO, *DECLINE):
            self._done(turn)
            return [Reply(turn._("好的。您的回答已匿名保存，没有保存姓名和电话。"))]
        options = tuple(Option(k, turn._(label)) for k, label in CONSENT)
        prompt = Reply(turn._("请回复1同意，或回复2不用了。"), options=options)
        if asks(turn.text) or _PUZZLED.search(turn.text):
            return self._aside_or(turn, prompt)
        # "就一处房子": a remark, not a question — the judgement is kept and said again, never a policy answer
        result = evaluate(data["answers"], turn.state.county or "", turn._, reply_language(turn))
        return [judgement_again(result, turn._), prompt]

    # ------------------------------------------------------------------------------------------ the lead

    def _lead(self, turn: Turn, data: dict[str, Any], step: str, text: str) -> list[Reply]:
        lead = data.setdefault("lead", {})
        raw = turn.text.strip()              # names keep their case and inner punctuation
        if step == "lead_name":
            answered = faq.aside(turn, raw)
            if answered is not None:         # a question, not a name
                return [answered, Reply(turn._("请回复您的姓名。"))]
            if not raw or len(raw) > 20:
                return [Reply(turn._("请回复您的姓名。"))]
            lead["name"] = raw
            if turn.state.village_id is None:
                self._enter(turn, data, "lead_village")
                return [Reply(turn._("请回复您所在的村（例如：张庄村）。"))]
            return self._ask_phone(turn, data)
        if step == "lead_village":
            if not raw:
                return [Reply(turn._("请回复您所在的村（例如：张庄村）。"))]
            lead["village"] = raw
            return self._ask_phone(turn, data)
        if step == "lead_phone_confirm":
            if text in ("1", *YES):
                return self._make_lead(turn, data, lead["known_phone"])
            self._enter(turn, data, "lead_phone")
            return [Reply(turn._("请回复您的手机号码。"), request_contact=True)]
        return self._make_lead(turn, data, turn.inbound.verified_phone or raw)

    def _ask_phone(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        lead = data["lead"]
        known = turn.inbound.known_phone
        if known:
            lead["known_phone"] = known
            self._enter(turn, data, "lead_phone_confirm")
            options = tuple(Option(k, turn._(label)) for k, label in SAME_PHONE)
            text = turn._("村委会用{phone}联系您可以吗？").format(phone=mask_phone(known))
            return [Reply(text, options=options)]
        self._enter(turn, data, "lead_phone")
        return [Reply(turn._("请回复您的手机号码。"), request_contact=True)]

    def _make_lead(self, turn: Turn, data: dict[str, Any], phone: str) -> list[Reply]:
        lead = data["lead"]
        try:
            phone = validate_mobile(phone, field="phone")
        except ValidationFailed:
            self._enter(turn, data, "lead_phone")
            return [Reply(turn._("号码不对，请回复11位手机号码。"), request_contact=True)]
        turn.services.create_lead(data["screening_id"], name=lead["name"], village=lead.get("village", ""),
                                  phone=phone, village_id=turn.state.village_id, channel=turn.inbound.channel)
        self._done(turn)
        return [Reply(turn._("已转给村委会，他们会联系您。这还不是正式申请："
                             "正式申请要向村委会提出书面申请。"))]


FLOW = ScreeningFlow()
