"""A complaint after it was filed: where it stands (its TS- number), the 回访 rating, and "不满意" to reopen it.
Only the sender's own complaint is told or changed; anyone else's number is "not found".
"""

from __future__ import annotations

import re

from api.i18n import N_
from bot.engine.types import Reply, Turn

NAME = "complaint"    # the flow whose step "rate" waits for a score
# The 回访 answers, as the resolution message tells each language to send them ("评价5", "평가 5", "rate 5").
RATE_WORDS = ("评价", "평가", "rate")
REOPEN_WORDS = ("不满意", "불만족", "unsatisfied")
RATING = re.compile(r"^(?:评价|평가|rate)\s*([1-5])\s*(?:分|점)?[\s。.!！]*$", re.IGNORECASE)
# "不满意" alone or with the reason after a pause, however long; a question ("不满意怎么办？") is not a reply.
REOPENING = re.compile(r"^(?:不满意|불만족|unsatisfied|not satisfied)(?![^?？]*[?？])(?:[\s,，:：。.!！]+(.*))?$",
                       re.IGNORECASE | re.DOTALL)
STATUS_TEXT = {"received": N_("已受理，等待处理"), "in_progress": N_("正在调查处理"),
               "resolved": N_("已办结"), "reopened": N_("已重新处理")}


def status(turn: Turn, number: str | None) -> list[Reply]:
    """Where the sender's own complaint stands; anyone else's number is "not found"."""
    view = turn.services.complaint_status(number, turn.inbound.channel, turn.inbound.sender,
                                          turn.inbound.known_phone) if number else None
    if view is None:
        return [Reply(turn._("没有找到这个编号的举报。只能查您自己提交的举报。"))]
    lines = [turn._("举报{number}：{status}").format(number=view.number,
                                                  status=turn._(STATUS_TEXT[view.status.value]))]
    if view.resolution:
        lines.append(turn._("答复：{text}").format(text=view.resolution))
    return [Reply("\n".join(lines))]

def rate(turn: Turn, text: str) -> list[Reply]:
    if not (text.isdigit() and 1 <= int(text) <= 5):
        turn.enter(NAME, "rate")
        return [Reply(turn._("请回复1到5分（5分最满意）。"))]
    turn.finish()
    number = turn.services.rate_complaint(turn.inbound.channel, turn.inbound.sender, int(text), turn.now,
                                          phone=turn.inbound.known_phone)
    if number is None:
        return [Reply(turn._("没有需要评价的举报。"))]
    return [Reply(turn._("谢谢您的评价。"))]

def reopen(turn: Turn, reason: str) -> list[Reply]:
    turn.finish()
    number = turn.services.reopen_complaint(turn.inbound.channel, turn.inbound.sender, reason, turn.now,
                                            phone=turn.inbound.known_phone)
    if number is None:
        return [Reply(turn._("没有需要评价的举报。"))]
    return [Reply(turn._("举报{number}已重新交办，会再次调查处理。").format(number=number))]
