"""转人工 / 找人 / 电话多少: the county's contact points as its documents give them, and a call-back request.

No number is ever made up: most counties' documents publish no hotline, and the reply says so and names who to
ask instead (content/counties/*.yaml, ``hotline`` and ``hotline_note``). The farmer may then leave a phone (the
SMS sender's own by default) and a short note; the request is recorded with the turn and staff see it at
GET /api/v1/callbacks (village, township and county, as their token's scope allows).
"""

from __future__ import annotations

import re

from api.domain.phone import mask_phone, mobile_in
from api.i18n import N_
from api.profiles import load_profiles
from bot.engine.context import meta, reply_language
from bot.engine.normalize import token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.faq.citation import checked_sources
from bot.flows import complaint_cues, county

NAME = "handoff"
_END = r"[\s?？!！。.~～吧呀啊呢]*$"
PATTERNS = (
    re.compile(r"^(?:我想|我要|想|能|可以|请|帮我|给我)?(?:转人工|人工服务|人工客服|找人工|人工|找人|找个人|"
               r"找个人说说|找人说说|找个人问问|找人问问|跟人说|和人说|跟真人说|找真人|真人|找工作人员|"
               r"找个工作人员)(?:吗|么|没|没有|行吗|可以吗|说说|聊聊)?" + _END),
    re.compile(r"^(?:有|有没有)(?:人工|真人|人|工作人员)(?:吗|么|没|没有)?" + _END),
    re.compile(r"^(?:你们的?|咨询|联系|办事的?|村里的?|乡里的?|乡镇的?)?(?:有|有没有)?(?:联系)?(?:电话|电话号码)"
               r"(?:吗|么|没|没有|是多少|多少|号码多少|给一个|给个)?" + _END),
    re.compile(r"^(?:상담원|상담원 연결|사람과 통화|사람이랑 통화|사람이랑 얘기하고 싶어요|직원 연결|직원이랑 통화|"
               r"전화번호|전화번호 알려주세요|전화번호가 뭐예요|전화번호 있어요|연락처|연락처 알려주세요)" + _END),
    re.compile(r"^(?:(?:i want to |can i |let me |i'd like to )?(?:talk|speak) (?:to|with) (?:a |an )?"
               r"(?:human|person|agent|real person|someone|officer)(?: please)?|human|agent|real person|"
               r"(?:a )?human please|(?:what is |what's )?(?:the |your )?(?:phone number|hotline|contact number)"
               r"|(?:is there a |do you have a )?(?:phone number|hotline)|call me|call me back|callback)" + _END,
               re.IGNORECASE),
)
# The wish for a person said inside a longer message ("俺眼睛不好看不清字 叫个人给俺打个电话吧", "打字说不清 你给我个
# 电话"): searched anywhere, so it also leaves a flow the farmer is stuck in. Only wishes about the farmer
# themselves ("给俺打", "回个电话"), never a story about someone else's phone call.
WISH = re.compile(r"(?:回个?电话|回电话?|回拨|(?:给|跟)(?:我|俺|咱)打(?:个)?电话|打(?:个)?电话给(?:我|俺|咱)|"
                  r"打给(?:我|俺|咱)|(?:叫|让|派|找)个?(?:人|工作人员|干部).{0,6}(?:打|联系|来电)|"
                  r"(?:你|您)(?:们)?给(?:我|俺|咱).{0,3}(?:个)?电话|"
                  r"找个?(?:人|真人|工作人员)(?:(?:跟|和|给)(?:我|俺|咱))?(?:说|聊|问|谈|讲)|"
                  r"机器(?:人)?.{0,4}(?:说不明白|说不清|讲不清|不明白|听不懂|不懂)|"
                  r"(?:跟|和)(?:人|真人|工作人员)(?:说|聊|讲)|转人工|人工客服|不会打字|打字.{0,3}(?:费劲|麻烦|说不清|"
                  r"不方便|太慢|不会)|看不清字|(?:有|有没有)电话(?:吗|么|没|不)|"
                  r"(?:找|要|转|接)(?:个)?(?:人工|真人|客服|接线员)|(?:有|有没有)(?:人工|真人|客服)|人工服务|"
                  r"(?:能|可以|想|我想|要)(?:打|拨)(?:个)?电话(?:问|咨询|说)|(?:咨询|办事|联系|你们的?)电话(?:是)?多少|"
                  r"전화(?:해|주|좀)|상담원|담당자|"
                  r"직원(?:분)?(?:이랑|과|하고|한테|을|를)? ?(?:직접 )?(?:통화|연결|얘기|상담)|"
                  r"사람(?:이랑|과|하고|한테)? ?(?:직접 )?(?:통화|얘기|이야기|상담|말하)|"
                  r"전화(?:로)? ?(?:상담|문의|통화)|"
                  r"통화(?:하고 싶|할 수|가능|하고싶)|연락처|전화번호|"
                  r"(?:talk|speak|chat) (?:to|with) (?:a |an |some )?(?:one|human|person|people|staff|officer|agent|"
                  r"operator|somebody|official)|(?:someone|somebody|a person|staff) (?:to )?call me|"
                  r"(?:phone|contact) number|who (?:can|should) i call|number i can call|operator|"
                  r"call me|call back|phone me|ring me|(?:talk|speak) (?:to|with) (?:a |an )?(?:human|person|"
                  r"someone|officer|real person)|(?:a |an )?(?:real person|human being) (?:please|instead)|"
                  r"사람(?:이|하고) ?(?:얘기|상담|통화))", re.IGNORECASE)
PATTERNS = (*PATTERNS, re.compile(r"^.*?" + WISH.pattern, re.IGNORECASE | re.DOTALL))
# The wish for a person in words no story uses for something else.
PLAIN_WISH = re.compile(r"转人工|人工|真人|客服|工作人员.{0,4}(?:联系|回电)|回电|回个电话|상담원|담당자|직원|"
                        r"human|real person|agent|operator|call me back", re.IGNORECASE)
OFFER = (("1", N_("要，请回电")), ("2", N_("不用了")))
SAME_PHONE = (("1", N_("可以")), ("2", N_("换一个号码")))
YES = {"1", "要", "好", "好的", "可以", "行", "是", "是的", "yes", "y", "ok", "네", "예"}
NO = {"2", "不用", "不用了", "不要", "不", "no", "n", "아니요", "괜찮아요"}
PHONE = re.compile(r"^\+?(?:86)?\s*(1\d{2})[\s-]?(\d{4})[\s-]?(\d{4})$")


def contacts(turn: Turn) -> Reply:
    """Who to contact in the farmer's county, from its profile; a hotline only when its documents publish one."""
    profile = load_profiles().get(turn.state.county or "")
    if profile is None:
        return Reply(turn._("请向村委会、乡镇政府或县住建局咨询。"))
    if profile.hotline:
        lines = [turn._("咨询电话：{hotline}。").format(hotline=profile.hotline)]
    else:
        lines = [turn._("{county}的文件里没有公布咨询电话，我不能给您编一个号码。").format(county=profile.name)]
    lines.append(profile.hotline_note)
    source = checked_sources(profile.code)
    return Reply("\n".join(lines), citation=source)


def _options(turn: Turn, table: tuple[tuple[str, str], ...]) -> tuple[Option, ...]:
    return tuple(Option(key, turn._(label)) for key, label in table)


class HandoffFlow(Flow):
    name = NAME
    patterns = PATTERNS
    restarts_on_pattern = False
    keywords = ("转人工", "人工客服", "상담원")
    menu_label = N_("找工作人员（联系方式、请人回电）")
    needs_county = True
    repairable = True
    free_text_steps = frozenset({"note"})

    def start_from_match(self, turn: Turn, match: re.Match[str]) -> list[Reply] | None:
        """"村主任打电话给我说要交钱" tells of misconduct, it asks for no one: left to the complaint; a plain
        "转人工" inside the story still reaches a person."""
        if complaint_cues.category_in(turn.text) is not None and not PLAIN_WISH.search(turn.text):
            return None
        return self.start(turn)

    def start(self, turn: Turn) -> list[Reply]:
        turn.flow_data(NAME).clear()
        if not turn.state.county:
            turn.state.county = county.find_in_text(turn.text)
        if not turn.state.county:
            meta(turn.state)["pending"] = {"flow": NAME, "text": turn.text if mobile_in(turn.text) else ""}
            return county.ask(turn, turn._("先告诉我您在哪个县，我把那里的联系方式告诉您。"))
        typed = mobile_in(turn.text)
        if typed is not None and WISH.search(turn.text):    # "叫个人给俺打电话 号码137…": nothing left to ask
            turn.flow_data(NAME)["phone"] = typed
            return [contacts(turn), *self._file(turn, turn.flow_data(NAME), turn.text.strip())]
        turn.enter(NAME, "offer")
        ask = Reply(turn._("也可以留个电话，请工作人员给您回电。要留吗？"), options=_options(turn, OFFER))
        return [contacts(turn), ask]

    def resume(self, turn: Turn) -> list[Reply]:
        said = token(turn.text)
        step = turn.state.step
        data = turn.flow_data(NAME)
        if step == "offer":
            typed = mobile_in(turn.text)
            if typed is not None:                          # "那你让人给俺回个电话 13655556666"
                data["phone"] = typed
                return self._file(turn, data, turn.text.strip())
            if said in YES or WISH.search(turn.text):
                return self._ask_phone(turn)
            if said in NO:
                turn.finish()
                return [Reply(turn._("好的。有问题可以直接问我，回复0看菜单。"))]
            return [Reply(turn._("请回复1请工作人员回电，或回复2不用。"), options=_options(turn, OFFER))]
        if step == "phone_confirm" and mobile_in(turn.text):    # another number written instead of yes/no
            step = "phone"
        if step == "phone_confirm":
            if said in YES:
                data["phone"] = turn.inbound.known_phone
                return self._ask_note(turn)
            if said in NO:
                return self._ask_phone(turn, typed=True)
            return [Reply(turn._("请回复1用这个号码，或回复2换一个号码。"), options=_options(turn, SAME_PHONE))]
        if step == "phone":
            phone = turn.inbound.verified_phone or _phone(turn.text) or mobile_in(turn.text)
            if phone is None:
                return [Reply(turn._("号码不对，请回复11位手机号码。"), request_contact=True)]
            data["phone"] = phone
            return self._ask_note(turn)
        return self._file(turn, data, turn.text.strip())

    def explain(self, turn: Turn) -> str | None:
        return {
            "offer": turn._("工作人员可以打电话给您，当面说清楚。回复1就留电话，回复2就不留。"),
            "phone_confirm": turn._("这是问工作人员打哪个号码找您。"),
            "phone": turn._("请写下工作人员回电时打的手机号码，11位。"),
            "note": turn._("写一两句想问的事，工作人员回电前能先准备；不想写就回复“跳过”。"),
        }.get(turn.state.step or "")

    def claims(self, turn: Turn) -> bool:
        return turn.state.step == "note"      # the note is the farmer's question itself

    def skip(self, turn: Turn) -> str | None:
        return " " if turn.state.step == "note" else None

    def on_leave(self, turn: Turn) -> str | None:
        return turn._("没有留回电请求。")

    def _ask_phone(self, turn: Turn, typed: bool = False) -> list[Reply]:
        known = turn.inbound.known_phone
        if known and not typed:
            turn.enter(NAME, "phone_confirm")
            text = turn._("工作人员打{phone}找您可以吗？").format(phone=mask_phone(known))
            return [Reply(text, options=_options(turn, SAME_PHONE))]
        turn.enter(NAME, "phone")
        return [Reply(turn._("请回复您的手机号码。"), request_contact=True)]

    def _ask_note(self, turn: Turn) -> list[Reply]:
        turn.enter(NAME, "note")
        return [Reply(turn._("请用一两句话说说想问什么（不想写就回复“跳过”）。"))]

    def _file(self, turn: Turn, data: dict[str, str], note: str) -> list[Reply]:
        inbound = turn.inbound
        number = turn.services.request_callback(
            county_code=turn.state.county or "", village_id=turn.state.village_id, phone=data["phone"], note=note,
            channel=inbound.channel, sender=inbound.sender, language=reply_language(turn), now=turn.now)
        turn.finish()
        if number is None:
            turn.enter(NAME, "phone")
            return [Reply(turn._("号码不对，请回复11位手机号码。"), request_contact=True)]
        if number == 0:
            return [Reply(turn._("您已经留过回电请求，工作人员会打电话给您，不用再留。"))]
        who = turn._("村委会") if turn.state.village_id else turn._("乡镇和县里的工作人员")
        return [Reply(turn._("已记下，回电请求已转给{who}，他们会打{phone}找您。这不是正式申请，也不是举报。"
                             "有问题也可以直接问我。").format(who=who, phone=mask_phone(data["phone"])))]


def _phone(text: str) -> str | None:
    found = PHONE.match(token(text).replace(" ", ""))
    return "".join(found.groups()) if found else None


FLOW = HandoffFlow()
