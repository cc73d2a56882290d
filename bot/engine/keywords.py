"""Words that work at any point of a conversation, in every language we serve.

They are compared with the whole message (after ``normalize.token``), so a question that merely contains
"帮助" is still a question. Flow keywords may also be found inside a short message ("我能不能申请"), because
farmers rarely send a bare keyword.
"""

from __future__ import annotations

from collections.abc import Iterable

MENU_WORDS = frozenset({"0", "菜单", "主菜单", "帮助", "返回", "메뉴", "도움말",
                        "menu", "help", "/menu", "/help"})
GREETINGS = frozenset({"你好", "您好", "在吗", "喂", "hi", "hello", "안녕", "안녕하세요", "start", "/start"})
LANGUAGE_WORDS = frozenset({"语言", "語言", "언어", "language", "lang", "/language"})
LANGUAGE_NAMES: dict[str, str] = {
    "中文": "zh_Hans", "汉语": "zh_Hans", "普通话": "zh_Hans", "chinese": "zh_Hans", "중국어": "zh_Hans",
    "한국어": "ko", "조선어": "ko", "朝鲜语": "ko", "韩语": "ko", "korean": "ko",
    "english": "en", "英语": "en", "英文": "en", "영어": "en",
}

# A flow keyword inside a message this short starts the flow; a longer message is a question for the FAQ.
SHORT_MESSAGE = 12


def global_command(tok: str) -> tuple[str, str | None] | None:
    """("menu"|"greeting"|"language", None) or ("set_language", code) when ``tok`` is a global word."""
    if tok in MENU_WORDS:
        return "menu", None
    if tok in GREETINGS:
        return "greeting", None
    if tok in LANGUAGE_WORDS:
        return "language", None
    if tok in LANGUAGE_NAMES:
        return "set_language", LANGUAGE_NAMES[tok]
    return None


def matches(tok: str, keywords: Iterable[str]) -> bool:
    """The message is one of ``keywords``, or is short and contains one of at least two characters."""
    compact = tok.replace(" ", "")
    for keyword in keywords:
        key = keyword.casefold()
        if compact == key.replace(" ", "") or tok == key:
            return True
        if len(key) >= 2 and len(compact) <= SHORT_MESSAGE and key in compact:
            return True
    return False
