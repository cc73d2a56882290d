"""查询 / 进度: where each of the sender's applications stands, by a phone the channel has verified.

Only a verified phone is a key — the SMS sender, or on Telegram a contact the owner shared — never a number
typed into the chat, so nobody can read another household's application by guessing its phone.
"""

from __future__ import annotations

import re

from api.i18n import N_
from api.services.notices.steps import describe
from bot.engine.context import meta, reply_language
from bot.engine.types import Flow, Reply, Turn

NAME = "status"
WAIT_CONTACT = "contact"


# "俺家申请到哪一步了", "我的申请咋样了", "审批下来没": asking where one's own application stands, in plain words.
_ZH_SUBJECT = r"(?=.*(?:申请|审批|批|补助|补贴|改造|危房|钱|资金))"
PLAIN = (
    re.compile(r"^" + _ZH_SUBJECT + r"(?:俺|我|我们|咱)?家?的?.{0,10}(?:到哪一步|到哪步|到哪了|走到哪|到什么程度|"
               r"咋样了|怎么样了|怎样了|如何了|有进展|有结果|有消息|有信了|下来没|下来了|下来了没|批了没|批了吗|"
               r"批没批|批下来|通过了吗|通过没|审完了|审完没|审核完了|办到哪|弄到哪|进度)"
               r"[\s?？吗呢啊呀没有了。!！]*$"),    # "批下来没有", "通过没有"
    re.compile(r"^(?:제|우리 집|우리)?\s*(?:신청|심사|승인|보조금).{0,12}(?:어떻게 됐|어디까지|결과|됐나요|됐어요|"
               r"진행 상황|진행상황|나왔나요|나왔어요)[\s?？요.!]*$|"
               r"(?:제가|저희|우리 집|우리가?)?\s*(?:신청한|낸|접수한)\s*(?:거|것|신청).{0,10}"
               r"(?:어떻게|어디까지|진행|결과|됐)"),
    # "俺家那个危改批下来没有啊 等好久了", "我爸的申请啥情况了": the same wish with a relative or a remark on the wait
    re.compile(r"^" + _ZH_SUBJECT + r"(?:俺|我|我们|咱)?(?:家|爸|妈|爹|娘|老人)?的?.{0,12}"
               r"(?:到哪一步|到哪了|咋样了|怎么样了|啥情况|什么情况|下来没有?|批了没有?|批下来没有?|通过没有?|"
               r"有信儿?没有?|有消息没有?)[\s?？吗呢啊呀了。!！]*"
               r"(?:[\s,，。!！]+[^?？吗呢]{0,12}(?:等|急|好久|半年|几个月|一年|多久了|天天)[^?？吗呢]{0,8})?$"),
    # "帮俺查查俺叔的申请到哪了": someone else's application, answered like any status question (own phone only)
    re.compile(r"(?:帮|替|给)(?:俺|我|咱)?(?:查|问)(?:查|问|一下)?.{0,12}(?:申请|审批|审核|危改).{0,6}"
               r"(?:到哪|咋样|怎么样|进度|批了|下来)"),
    # "帮俺查查140621-2026-00004的进度", "俺是刘*强 编号140621-2026-00004": a printed application number with a
    # wish to know where it stands (answered only for the registered phone, as every status question is)
    re.compile(r"(?:查|进度|到哪|咋样|怎么样|审到|批了|啥情况|什么情况).{0,24}(?<![-A-Za-z0-9])\d{6}-20\d{2}-\d{5}|"
               r"(?<![-A-Za-z0-9])\d{6}-20\d{2}-\d{5}(?!.{0,30}(?:异议|不该|不符合|有问题|举报)).{0,24}(?:查|进度|到哪|咋样|怎么样|审到|批了)|"
               r"^(?:俺|我)是.{1,4}\s*(?:编号|申请号)?\s*\d{6}-20\d{2}-\d{5}\s*$"),
    re.compile(r"^(?:what(?:'s| is) the )?(?:status of )?(?:my|our) application(?: status)?|"
               r"^(?:where is|how is|what about|any news (?:on|about)|has|was|is) (?:my|our) application\b|"
               r"^(?:has|was|is) (?:it|my (?:subsidy|renovation)) (?:been )?approved|^application status",
               re.IGNORECASE),
)


# After a status answer: how long the step takes, or a wish to hurry it ("那还得等几天", "能不能快点审", "언제쯤").
_HOW_LONG = re.compile(r"多久|多长时间|几天|几个?月|啥时候|什么时候|还得|还要等|快点|快些|加快|催|等了|等多久|"
                       r"how long|when will|hurry|faster|speed up|언제|얼마나|빨리", re.IGNORECASE)
# …or asks how someone else looks theirs up, or names someone else ("那他自己咋查", "俺是东村刘*强家的 你给查查").
_SOMEONE = re.compile(r"(?:他|她|本人|自己|人家|俺哥|俺弟|俺姐|俺妹|俺爹|俺娘|邻居|亲戚).{0,6}"
                      r"(?:咋查|怎么查|查询|查查|查一下|进度)|"
                      r"给查查|帮.{0,3}查|按(?:名字|姓名|编号)查|"
                      r"(?:his|her|their) (?:own )?application|how (?:can|do) (?:he|she|they) check|"
                      r"본인|어떻게 (?:조회|확인)", re.IGNORECASE)
# The FAQ entry that states how long each step may take, in the county's own document.
STEP_TOPIC = {"submitted": "procedure", "village_review": "procedure", "village_publicity": "publicity_period",
              "township_review": "township_review", "township_publicity": "publicity_period",
              "department_check": "department_check", "appraisal": "appraisal", "approved": "agreement_start",
              "agreement_signed": "agreement_start", "completed": "acceptance", "accepted": "payment"}
ASKED = "status_asked"          # engine meta: the stage told in the last status answer, for one follow-up


class StatusFlow(Flow):
    name = NAME
    keywords = ("查询", "进度", "status", "조회", "진행상황")
    patterns = PLAIN
    menu_label = N_("查询申请进度")
    repairable = True

    def explain(self, turn: Turn) -> str | None:
        return turn._("为了不把别人的申请告诉您，只能用您本人的手机号查。点下面的按钮分享手机号就行。")

    def start(self, turn: Turn) -> list[Reply]:
        phone = turn.inbound.known_phone
        if phone is None:
            turn.enter(self.name, WAIT_CONTACT)
            return [Reply(turn._("为保护您的信息，请点下面的按钮分享您本人的手机号；"
                                 "我们只告诉您登记了这个号码的申请。"), request_contact=True)]
        turn.finish()
        return self.answer(turn, phone)

    def resume(self, turn: Turn) -> list[Reply]:
        if turn.inbound.known_phone is None:
            return [Reply(turn._("只能用您分享的本人手机号查询，不能输入别人的号码。请点下面的按钮。"),
                          request_contact=True)]
        return self.start(turn)

    def answer(self, turn: Turn, phone: str) -> list[Reply]:
        statuses = turn.services.application_statuses(phone)
        if not statuses:
            meta(turn.state)[ASKED] = {"stage": None}
            return [Reply(turn._("没有找到登记这个手机号的申请。如果已经向村委会提出申请，"
                                 "请让村委会登记您的手机号。") + "\n" +
                          turn._("为保护申请人的信息，只能用申请时登记的本人手机号查询，不能按编号或姓名查。"))]
        language = reply_language(turn)
        meta(turn.state)[ASKED] = {"stage": statuses[0].state.value if len(statuses) == 1 else None}
        replies = [Reply(describe(status, turn.gettext, language)) for status in statuses]
        if len(statuses) > 1:
            intro = turn._("这个手机号登记了{count}份申请：").format(count=len(statuses))
            replies.insert(0, Reply(intro))
        return replies


def follow_up(turn: Turn, text: str) -> tuple[str | None, list[Reply]] | None:
    """A message right after a status answer that asks about it: someone else's application (told again that
    only the registered phone looks one up), or how long the step takes (the FAQ entry of that step, whose
    document states its time limit: returned as ``(topic, [])`` for the FAQ to answer). None otherwise."""
    told = meta(turn.state).pop(ASKED, None)
    if told is None or len(text) > 30:
        return None
    if _SOMEONE.search(text):
        only_own = turn._("为保护申请人的信息，只能用申请时登记的本人手机号查询，不能按编号或姓名查。")
        how = turn._("请申请人本人用登记的手机号发“查询”，或请村委会帮忙查询、登记手机号。")
        return None, [Reply(only_own + "\n" + how)]
    if _HOW_LONG.search(text):
        return STEP_TOPIC.get(told.get("stage") or "", "procedure"), []
    return None


FLOW = StatusFlow()
