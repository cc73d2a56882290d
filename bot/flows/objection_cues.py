"""What an objection's own words already say: the number printed on the notice, a question about the list, the
reason, and the closing words of a farmer who has said everything ("俺叫张三 电话就这个 就这些 确认提交").

Farmers put it all into one message; the objection flow reads from it whatever is there and asks only for the
rest. Closing words are recognised only as whole pieces of a message (between spaces or punctuation), so a
reason that merely contains "没了" or "确认" stays the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine import keywords
from bot.flows.complaint_cues import ANONYMOUS_WISH

# The application number printed on the notice: 140621-2026-00001 (not inside a YY- or TS- tracking number).
_NUMBER = r"(?<![A-Za-z0-9-])(?<![TtYy][SsYy]\s)(\d{6})[-\s]?(\d{4})[-\s]?(\d{5})(?!\d)"
APP_NUMBER = re.compile(_NUMBER)
# A message holding a number is an objection when it says so, or says the household should not be on the list.
OBJECTING = re.compile(r"异议|意见|不该|不应该|不应当|不符合|不够条件|不够格|不合格|不困难|有问题|评上|"
                       r"\bobject|\bobjection|이의", re.IGNORECASE)
# Said of someone on a list: the farmer objects (no number needed when the village is named).
OBJECTS = re.compile(r"异议|有意见|不该评|不应该评|不够条件|不符合条件|不困难|\bobject|이의", re.IGNORECASE)
# …unless the message asks how ("有人说俺家不该评上 这咋整").
ASKING = re.compile(r"咋办|咋整|咋弄|怎么|怎样|如何|[吗么呢]\W*$|[?？]|\b(?:how|what|can|should)\b|어떻게|뭐",
                    re.IGNORECASE)
# A message that holds a number and objects, wherever either stands in it.
NUMBER_OBJECTING = re.compile(r"^(?=[\s\S]*?(?:" + OBJECTING.pattern + r"))[\s\S]*?" + _NUMBER, re.IGNORECASE)
# The serial of a number alone ("00001那家"), or a list position with 号 ("1号", "2号那家"), once a list is shown.
SERIAL = re.compile(r"(?<![\d-])(\d{5})(?![\d-])")
POSITION = re.compile(r"(?<![\d-])第?\s*([1-9]\d?)\s*(?:号|户|家)(?!码)|"
                      r"第\s*([一二三四五六七八九十])\s*(?:号|户|家|个|位)")
_CHINESE_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九十", 1)}

# A question about a village's list under publicity, to be answered from the records: is there one, who is on
# it, how many days are left, the report phone printed on it.
ABOUT_LIST = re.compile(
    r"(?:有|在)(?:没有)?(?:公示|名单)(?:没|吗|么|不)|(?:有没有|有没)(?:在)?公示|公示了?(?:没|吗|么)|"
    r"(?:公示|名单)(?:上|里|中)?(?:的|都|是|面)?.{0,6}?(?:有谁|是谁|哪几户|哪几家|哪些|哪家|几户|几家|谁家)|"
    r"(?:还剩|还有|剩下?)(?:几|多少)天|(?:到|在)?(?:哪天|几号|什么时候|啥时候|哪一天)(?:截止|结束|到期|公示)|"
    r"(?:截止|结束|到期)(?:到|是)?(?:哪天|几号|什么时候|啥时候)|(?:公示|名单)\S{0,6}举报电话|"
    r"(?:公示|名单)(?:上|里)?的?(?:人|户)?(?:呢|让我看看|让俺看看|给我看看|给俺看看|发给我|发给俺|发来|看看)|"
    r"(?:看看|看一下|瞅瞅|瞧瞧)\S{0,8}(?:公示|名单)(?!是|啥|什么|怎么)|"
    r"\bwho is on (?:the |our |my )?(?:\w+ )?(?:publicity )?list|\bhow many days (?:are )?left|"
    r"\b(?:report(?:ing)?|complaint) (?:phone|number)\b.{0,20}\blist|공시.{0,10}(?:누구|며칠|언제까지|신고 전화)",
    re.IGNORECASE)

# Pieces of a message: split at punctuation, and at spaces next to Chinese (English and Korean words keep theirs).
_PIECES = re.compile(r"((?:[,，。;；!！、]|\.(?=\s|$)|(?<=[\u3400-\u9fff*])\s|\s(?=[\u3400-\u9fff]))"
                     r"[\s,，。;；!！、.]*)")
_INTENT = re.compile(
    r"^(?:那?(?:我|俺|咱)(?:们)?)?(?:就|也)?(?:要|想)?(?:对.{0,24}?)?(?:提|提出|有|提个|有点)?(?:个)?(?:异议|意见)"
    r"(?:了|啊|呢|吧)?$|"
    r"^(?:i|we) (?:want|would like|wish|need) to (?:file |make |raise |lodge |submit )?(?:an )?object(?:ion)?\b.*$|"
    r"^i object\b.*$|^(?:number|no|编号|申请编号|号码)$|"
    r"^.{0,20}이의\s*(?:를|가)?\s*(?:제기|신청|있어요|있습니다|하고 싶어요|할래요).{0,6}$", re.IGNORECASE)
_NAME = re.compile(r"^(?:我|俺)(?:叫|的名字是|名字叫|姓名是?)\S{1,6}$|^my name is .{1,40}$|^(?:제 )?이름은 .{1,20}$",
                   re.IGNORECASE)
_OWN_PHONE = re.compile(
    r"^(?:就|就用|用|留|打|就打|联系)?(?:我|俺)?的?(?:电话|手机|手机号|号码|联系方式|联系电话)?(?:就|就是|就用|用|留|是|打)?"
    r"(?:我|俺)?(?:这个|本机|发短信的这个|现在这个|这)(?:个)?(?:号|号码|电话|手机号|手机)?(?:码)?"
    r"(?:就行|就可以|吧|就好|联系我|联系)?$|^(?:电话|号码)同上$|"
    r"^(?:please )?(?:use|call|contact me (?:at|on)|reach me (?:at|on)) (?:this|my) "
    r"(?:contact|number|phone(?: number)?)(?: please)?$|^this number$|"
    r"^이 번호(?:로)?(?:\s*연락)?(?:\s*해)?(?:\s*주세요)?$", re.IGNORECASE)
# English and Korean closers inside a longer piece (their words are not split at spaces).
_OWN_PHONE_INSIDE = re.compile(r"\b(?:use|call|contact me (?:at|on)|reach me (?:at|on)) (?:this|my) "
                               r"(?:contact|number|phone)\b|이 번호", re.IGNORECASE)
_CONFIRM_INSIDE = keywords.DONE_FOREIGN
# A piece that is nothing but closing words: the common vocabulary, and a few short ones only safe whole.
_CONFIRM = re.compile(r"^(?:" + keywords.alternatives(*keywords.DONE_WORDS, "就这样", "没了", "没有了", "确定", "好了",
                                                          "可以了", "confirm", "done", "확인") + r")$", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\d)(1\d{10})(?!\d)")


@dataclass(frozen=True)
class Closing:
    """The closing words of a message and what is left of it."""

    phone: str | None         # a mobile number written out
    own_phone: bool           # "电话就这个", "use this number": the sender's own
    anonymous: bool           # "不留名", "匿名"
    confirm: bool             # "就这些", "确认提交", "that is all, submit"
    rest: str                 # the message without them (and without the name the farmer gave)

    @property
    def contact_said(self) -> bool:
        return bool(self.phone) or self.own_phone or self.anonymous


def app_number(text: str) -> str | None:
    """The application number the message holds, as printed on the notice."""
    found = APP_NUMBER.search(text)
    return "-".join(found.groups()) if found else None


def objecting(text: str) -> bool:
    return OBJECTING.search(text) is not None


def objects_to_entry(text: str) -> bool:
    """The message objects to someone (异议, 有意见, 不该评上, object, 이의) and does not ask how to."""
    return OBJECTS.search(text) is not None and ASKING.search(text) is None


def asks_about_list(text: str) -> bool:
    return ABOUT_LIST.search(text) is not None


def serial_or_position(text: str, numbers: list[str], *, positions: bool = True) -> int | None:
    """The list entry a message means by the serial printed on the notice ("00001那家") or by 1号."""
    serials = SERIAL.findall(APP_NUMBER.sub(" ", text))
    hits = {i for i, number in enumerate(numbers) for s in serials if number.endswith("-" + s)}
    if len(hits) == 1:
        return hits.pop()
    position = POSITION.search(text) if positions else None
    if position:
        raw = position.group(1) or position.group(2)
        n = int(raw) if raw.isdigit() else _CHINESE_DIGITS[raw]
        return n - 1 if 1 <= n <= len(numbers) else None
    return None


def pieces(text: str) -> list[str]:
    """The pieces of a message between punctuation (and spaces next to Chinese), stripped."""
    return [piece.strip() for piece, _ in _pieces(text) if piece.strip()]


def _pieces(text: str) -> list[tuple[str, str]]:
    """(piece, the separator after it) in order."""
    parts = _PIECES.split(text)
    parts += [""] * (len(parts) % 2)
    return [(parts[i], parts[i + 1]) for i in range(0, len(parts), 2)]


def closing_in(text: str) -> Closing:
    """Read the closing words: a phone, the wish to use the sender's own or to stay anonymous, done/submit."""
    phone = _PHONE.search(text)
    own = anonymous = confirm = False
    kept: list[tuple[str, str]] = []
    for piece, sep in _pieces(text):
        bare = piece.strip()
        if _OWN_PHONE.match(bare) and bare:
            own = True
        elif _CONFIRM.match(bare):
            confirm = True
        elif _NAME.match(bare):
            pass
        elif ANONYMOUS_WISH.search(bare) and len(bare) <= 8:
            anonymous = True
        else:
            kept.append((piece, sep))
            continue
    anonymous = anonymous or ANONYMOUS_WISH.search(text) is not None
    own = own or _OWN_PHONE_INSIDE.search(text) is not None
    confirm = confirm or _CONFIRM_INSIDE.search(text) is not None
    rest = _join(kept) if len(kept) < len(_pieces(text)) else text.strip()
    if phone:
        rest = _PHONE.sub("", rest).strip(" ,，。.:：")
    return Closing(phone.group(1) if phone else None, own, anonymous, confirm, rest)


def reason_in(text: str) -> str:
    """The reason a message gives: without the number, the words that only say "I object", and closing words."""
    without = APP_NUMBER.sub(" ", text)
    kept = [(piece, sep) for piece, sep in _pieces(without) if not _INTENT.match(piece.strip())]
    rest = _join(kept) if len(kept) < len(_pieces(without)) or without != text else text.strip()
    return closing_in(rest).rest


def _join(pieces: list[tuple[str, str]]) -> str:
    joined = "".join(piece + sep for piece, sep in pieces if piece.strip())
    return joined.strip(" ,，。.;；!！、:：")
