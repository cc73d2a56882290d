"""What a complainant hears after filing: the written reply with the 回访 question, in their own language.

Imported late by ``complaints.resolve`` (like ``events``), so the records layer loads the bot's translations and
recipient lookup only when a reply is actually written. The language is the one the complainant last chose in
their conversation (or their Telegram client's); a complaint filed on the web reaches its contact phone — on the
Telegram chat that verified it if there is one, else by SMS. An anonymous complaint is never answered.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from api.delivery.outbox import Recipient, filer, queue
from api.i18n import translator
from api.models.complaints import Complaint
from api.models.messages import OutboundMessage


def complainant(session: Session, complaint: Complaint) -> Recipient | None:
    """Where the reply goes: the chat or phone it was filed from, else the contact phone; None if anonymous."""
    if complaint.anonymous:
        return None
    return filer(session, complaint.channel, complaint.sender, complaint.contact_phone)


def resolved(session: Session, complaint: Complaint, now: dt.datetime) -> OutboundMessage | None:
    """The written reply and the 回访 question as one outbox row, in the caller's transaction."""
    recipient = complainant(session, complaint)
    if recipient is None:
        return None
    _ = translator(recipient.language)
    text = _("您的举报{number}已办结。答复：{reply}").format(number=complaint.number,
                                                         reply=complaint.resolution or "")
    text += "\n" + _("问题解决了吗？请回复“评价”加1到5分（5分最满意），例如“评价5”；"
                     "不满意请回复“不满意”，我们会重新处理。")
    # resolved again after a reopening is a new reply: the time keeps the key apart from the first one
    return queue(session, recipient, text, f"complaint:{complaint.id}:resolved:{now.isoformat()}")
