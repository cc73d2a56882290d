"""What an SMS costs and where a long one is cut: segments, encodings, the signature.

Operators bill per segment: one GSM-7 message carries 160 characters (153 per part when
concatenated), one UCS-2 message (anything with Chinese or Korean) 70 (67 per part); the signature 【安居】
is part of the text and counts.
The SMS channel renders replies (bot/channels/sms/render.py); notifications are counted here too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from api.i18n import N_, translator
from api.settings import get_settings

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")  # sent as ESC + char: two septets each
LIMITS = {"gsm7": (160, 153), "ucs2": (70, 67)}  # (single message, each part of a concatenated one)

_SENTENCE_ENDS = "。！？!?；;\n"
_SOFT_BREAKS = "，、,：: "
CONTINUE = N_("回复0继续")


@dataclass(frozen=True)
class SmsCost:
    encoding: str   # "gsm7" | "ucs2"
    units: int      # septets (GSM-7) or UTF-16 code units (UCS-2), signature included
    segments: int


_GSM7_ALL = frozenset(GSM7_BASIC) | frozenset(GSM7_EXTENDED)


def encoding(text: str) -> str:
    """"gsm7" when every character is in the GSM 03.38 alphabet, else "ucs2"."""
    return "gsm7" if _GSM7_ALL.issuperset(text) else "ucs2"


def units(text: str, charset: str | None = None) -> int:
    """Length as the network counts it: extended GSM characters and astral characters take two."""
    if (charset or encoding(text)) == "gsm7":
        return len(text) + sum(text.count(ch) for ch in GSM7_EXTENDED)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2   # an astral character is two UTF-16 units


def segments_for(count: int, charset: str) -> int:
    single, part = LIMITS[charset]
    return 1 if count <= single else math.ceil(count / part)


def cost(text: str, signature: str | None = None) -> SmsCost:
    """Encoding, length and segment count of ``text`` as sent, with the signature."""
    full = _signature(signature) + text
    charset = encoding(full)
    count = units(full, charset)
    return SmsCost(charset, count, segments_for(count, charset))


def split_for_sms(text: str, max_parts: int, *, signature: str | None = None,
                  language: str | None = None) -> list[str]:
    """``text`` cut into messages of at most ``max_parts`` segments each, signature included.

    Cuts fall at a sentence end where one is near, else at a comma or space; every message but the last ends
    with "回复0继续", so the SMS channel sends the first now and the next when the user replies 0.
    """
    sign = _signature(signature)
    more = "\n" + translator(language)(CONTINUE)
    messages: list[str] = []
    rest = text.strip()
    while rest:
        if cost(rest, sign).segments <= max_parts:
            messages.append(rest)
            break
        charset = encoding(sign + rest + more)
        single, part = LIMITS[charset]
        capacity = single if max_parts <= 1 else part * max_parts
        budget = max(1, capacity - units(sign, charset) - units(more, charset))
        cut = _cut(rest, budget, charset)
        messages.append(rest[:cut].rstrip() + more)
        rest = rest[cut:].lstrip()
    return messages


def _cut(text: str, budget: int, charset: str) -> int:
    """Where to cut ``text`` to fit ``budget`` units: a sentence end, else a soft break, else hard."""
    used, limit = 0, 0
    for index, ch in enumerate(text):
        used += units(ch, charset)
        if used > budget:
            break
        limit = index + 1
    head = text[:limit]
    for breaks in (_SENTENCE_ENDS, _SOFT_BREAKS):
        best = max(head.rfind(ch) for ch in breaks)
        if breaks == _SENTENCE_ENDS:  # a Latin full stop ends a sentence only before a space (not in 1.5)
            best = max(best, _latin_stop(head))
        if best + 1 >= limit // 3 and best >= 0:
            return best + 1
    return max(1, limit)


_LATIN_STOP = re.compile(r"(?<![\d\s])\. ")   # "done. Next", not a list's "3. 140621-…" nor "No. 5"


def _latin_stop(head: str) -> int:
    """Index of the last full stop that ends a Latin sentence in ``head``, or -1."""
    found = -1
    for match in _LATIN_STOP.finditer(head):
        if not head[:match.start()].endswith(("No", "no")):
            found = match.start()
    return found


def _signature(signature: str | None) -> str:
    return signature if signature is not None else get_settings().sms_signature
