"""Masking personal names for publicity lists, logs and replies to third parties.

Publicity notices must let villagers recognise a household without printing the full name everywhere it
travels afterwards, so the shape (length, surname, last character) stays and the rest becomes ``*``.
"""

from __future__ import annotations

import re

__all__ = ["mask_name"]

# Separators kept visible: spaces, hyphens and the interpuncts of transliterated names (买买提·艾力).
_SEPARATORS = frozenset(" -·•‧・･.．")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_WORD = re.compile("[^\\s" + re.escape("".join(sorted(_SEPARATORS))) + "]+")


def _mask_cjk(name: str) -> str:
    """Keep the first character, and the last one when there are three or more; separators stay."""
    letters = [i for i, ch in enumerate(name) if ch not in _SEPARATORS]
    keep = {letters[0]} if len(letters) <= 2 else {letters[0], letters[-1]}
    return "".join(ch if i in keep or ch in _SEPARATORS else "*" for i, ch in enumerate(name))


def _mask_word(match: re.Match[str]) -> str:
    word = match.group()
    return word[0] + "*" * (len(word) - 1)


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明; ``John Smith`` → ``J*** S****``; empty stays empty.

    A single character is returned as is: it is at most a surname. Latin-script names keep the initial of
    each word, which is how such names are abbreviated anyway.
    """
    name = " ".join(name.split())
    if not name:
        return ""
    if _CJK.search(name):
        return _mask_cjk(name)
    return _WORD.sub(_mask_word, name)
