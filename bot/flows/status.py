"""查询 / 进度: where each of the sender's applications stands, by a phone the channel has verified.

Only a verified phone is a key — the SMS sender, or on Telegram a contact the owner shared — never a number
typed into the chat, so nobody can read another household's application by guessing its phone.
"""

from __future__ import annotations

from bot.engine.context import reply_language
from bot.engine.types import Flow, Reply, Turn
from bot.i18n import N_
from bot.notify.steps import describe

NAME = "status"
WAIT_CONTACT = "contact"


class StatusFlow(Flow):
    name = NAME
    keywords = ("查询", "进度", "status", "조회", "진행상황")
    menu_label = N_("查询申请进度")

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
            return [Reply(turn._("没有找到登记这个手机号的申请。如果已经向村委会提出申请，"
                                 "请让村委会登记您的手机号。"))]
        language = reply_language(turn)
        replies = [Reply(describe(status, turn.gettext, language)) for status in statuses]
        if len(statuses) > 1:
            intro = turn._("这个手机号登记了{count}份申请：").format(count=len(statuses))
            replies.insert(0, Reply(intro))
        return replies


FLOW = StatusFlow()
