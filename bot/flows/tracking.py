"""Tracking numbers as residents type them, for the 举报 and 异议 flows' "查 + number" in one message.

A number is ``TS-140621-2026-00001`` (complaint) or ``YY-…`` (objection); people drop or change the dashes,
type lower case or full-width (folded by the engine's normalize). ``lookup`` is a flow pattern: the whole
message is the number, alone or after a word asking for it ("查", "查询", "查举报", "조회", "status"), so a
description that merely mentions a number is never taken for a lookup.
"""

from __future__ import annotations

import re

ASK_WORDS = r"(?:查询|查看|查一下|查|조회|status|check)?\s*(?:举报|投诉|异议|신고|이의)?\s*(?:进度|编号|结果|号)?"


def number_pattern(kind: str) -> str:
    return rf"(?<![a-z])({kind})[-\s]?(\d{{6}})[-\s]?(\d{{4}})[-\s]?(\d{{5}})(?!\d)"


def lookup(kind: str) -> re.Pattern[str]:
    """The whole message asks for the status of a ``kind`` ("TS" or "YY") number."""
    return re.compile(rf"^{ASK_WORDS}[\s:：]*{number_pattern(kind)}[\s。.!！?？]*$", re.IGNORECASE)


def find(kind: str, text: str) -> str | None:
    """The canonical number of ``kind`` anywhere in ``text`` ("ts 140621 2026 1" is not one: digits count)."""
    found = re.search(number_pattern(kind), text, re.IGNORECASE)
    return canonical(found) if found else None


def canonical(match: re.Match[str]) -> str:
    """``TS-140621-2026-00001`` from a match of ``number_pattern``/``lookup`` (its last four groups)."""
    kind, county, year, serial = match.groups()[-4:]
    return f"{kind.upper()}-{county}-{year}-{serial}"
