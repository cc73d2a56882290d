"""How farmers say "stop sending me messages" and "send them again", beyond the operator's TD.

A wish to stop is honoured only when it is the whole message (with politeness around it), so a complaint that
says "村里不让再发补助了" or a question about notices never switches notices off. A wish to receive again counts
only from someone who had opted out and names no village (a village means the subscription flow).
"""

from __future__ import annotations

import re

from bot.engine.normalize import token

STOP_WORDS = frozenset({"退订", "td", "stop", "unsubscribe", "取消订阅", "수신거부"})
START_WORDS = frozenset({"订阅", "subscribe", "구독"})

_FILLER = re.compile(
    r"^(?:请|麻烦|你们|您|以后|今后|往后|再也|就|可以|能|能不能|可不可以|帮我|给我|我要|我想|俺要|俺想|我|俺|"
    r"please|pls|can you|could you|i want to|i'd like to|i want|just|"
    r"제발|저는|저한테|이제|앞으로)+"
    r"|(?:了|吧|啊|呀|哈|啦|谢谢|谢了|多谢|哦|噢|行吗|好吗|可以吗|成吗|行不|中不|"
    r"please|thanks|thank you|thx|now|pls|"
    r"주세요|요|감사합니다|고맙습니다)+$",
    re.IGNORECASE)

_STOP = re.compile(
    r"(?:"
    r"td退订|退订\s*td|回复?\s*td|退订(?:一切|所有|全部)?(?:短信|消息|通知|信息|推送|提醒)?|退掉(?:短信|通知|订阅)|"
    r"(?:取消|关掉|关闭|停掉|停止|不要|不用)(?:所有的?|全部的?)?(?:短信|消息|通知|信息|推送|提醒|订阅)+|"
    r"(?:别|不要|不用|甭|莫|不必|停止|不想|不愿意?)再?(?:(?:给我|给俺|往我这)(?:发|推|推送|发送)(?:短信|消息|通知|信息)?|"
    r"(?:发|推|推送|发送)(?:短信|消息|通知|信息))(?:过来|了)?|"
    r"(?:不想|不要|不愿意?|拒绝|拒)再?(?:收|接收|接|收到)(?:你们的)?(?:短信|消息|通知|信息|推送)|拒收"
    r"|stop(?:\s+(?:sending|texting|messaging|me|the|these|those|your|messages|texts|sms|notifications|notices|alerts|"
    r"any|more|all))*"
    r"|unsubscribe(?:\s+me)?|opt\s*(?:me\s*)?out|no\s+more\s+(?:texts|messages|sms|notifications)"
    r"|(?:don'?t|do not|never)\s+(?:send|text|message)\s+me(?:\s+(?:any|more|anymore|again|messages|texts|sms|"
    r"notifications))*"
    r"|(?:문자|메시지|알림|통지|연락)(?:을|를|는)?\s*(?:그만\s*(?:보내|받|주)?\S*|보내지\s*마\S*|안\s*받(?:을|겠|고\s*싶|을게)\S*|받지\s*않(?:을|겠|고\s*싶)\S*|"
    r"끊어\S*|꺼\S*|끄\S*|사절|거부)"
    r"|수신\s*거부\S*|구독\s*취소\S*|그만\s*보내\S*"
    r")",
    re.IGNORECASE)

_START = re.compile(
    r"(?:(?:重新|再|又想|还是想|还是要|又要|继续|恢复|还是)(?:订阅|订上|订回来|接收|收|接|发)(?:短信|消息|通知|信息|推送)?"
    r"(?:吧|了)?\s*)+(?:订阅)?|"
    r"恢复(?:通知|订阅|短信|推送)|(?:又|还是)?想(?:再)?收(?:到)?(?:短信|消息|通知)了?|"
    r"subscribe\s+again|resubscribe|(?:start|resume)\s+(?:sending|messages|texts|notifications)|opt\s*(?:me\s*)?(?:back\s*)?in|"
    r"다시\s*(?:구독|받|보내)\S*|(?:알림|문자)\s*다시\S*",
    re.IGNORECASE)

_PUNCT = re.compile(r"[\s，。！？!?,.、~～…]+")


def _core(text: str) -> str:
    """The message without edge punctuation, spaces between words and the politeness around the wish."""
    bare = _PUNCT.sub(" ", token(text)).strip()
    previous = None
    while previous != bare:
        previous = bare
        bare = _FILLER.sub("", bare).strip()
    return bare


def wants_stop(text: str) -> bool:
    """The whole message asks to stop notifications (``text`` normalised)."""
    word = token(text)
    if word in STOP_WORDS:
        return True
    core = _core(text)
    if core.casefold() == "stop":        # "I want to stop" (a flow, not the notices); the bare keyword is above
        return False
    return bool(core) and (core in STOP_WORDS or _STOP.fullmatch(core) is not None)


def wants_start(text: str) -> bool:
    """The whole message asks to receive notifications again, naming no village."""
    word = token(text)
    if word in START_WORDS:
        return True
    core = _core(text)
    return bool(core) and (core in START_WORDS or _START.fullmatch(core) is not None)


_SUBSCRIBE = re.compile(r"订阅|订上|订回|subscri|구독", re.IGNORECASE)


def subscription_word(text: str) -> str | None:
    """A wish to receive again that also says 订阅: that word alone, for the subscription flow to ask the
    village after it ("又想收了 订阅" → "订阅"); None when the wish does not say it."""
    found = _SUBSCRIBE.search(text)
    if found is None:
        return None
    return {"subscri": "subscribe", "구독": "구독"}.get(found.group().casefold(), "订阅")


def may_change_preference(text: str) -> bool:
    """Whether the channel must look at this message before the dialog (``text`` normalised)."""
    return wants_stop(text) or wants_start(text)
