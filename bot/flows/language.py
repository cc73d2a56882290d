"""Choosing the language of the replies: 1 中文 2 한국어 3 English.

The prompt is shown in all three languages at once, since whoever asks may not read the current one.
"""

from __future__ import annotations

from api.i18n import LANGUAGES, N_, language_name, translator
from bot.engine.keywords import LANGUAGE_NAMES
from bot.engine.normalize import token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.flows import menu
from bot.nlu import language as lang

NAME = "language"
MAX_TRIES = 2
PROMPT = N_("请选择语言：")


def _prompt() -> str:
    return " / ".join(translator(code)(PROMPT) for code in LANGUAGES)


def options() -> tuple[Option, ...]:
    return tuple(Option(str(number), language_name(code)) for number, code in enumerate(LANGUAGES, 1))


def confirm(turn: Turn, code: str) -> list[Reply]:
    """Switch to ``code`` and say so in it, with the menu in the new language."""
    lang.choose(turn, code)
    turn.finish()
    return [menu.show(turn, turn._("好的，以后用中文回复您。"))]


class LanguageFlow(Flow):
    name = NAME
    menu_label = N_("切换语言 / Language / 언어")
    keywords = ()
    repairable = True

    def claims(self, turn: Turn) -> bool:
        return True        # the answer is a language's number or name

    def start(self, turn: Turn) -> list[Reply]:
        turn.enter(NAME, "choose")
        return [Reply(text=_prompt(), options=options())]

    def resume(self, turn: Turn) -> list[Reply]:
        tok = token(turn.text)
        if tok.isdigit() and 1 <= int(tok) <= len(LANGUAGES):
            return confirm(turn, LANGUAGES[int(tok) - 1])
        if tok in LANGUAGE_NAMES:
            return confirm(turn, LANGUAGE_NAMES[tok])
        data = turn.flow_data(NAME)
        data["tries"] = data.get("tries", 0) + 1
        if data["tries"] >= MAX_TRIES:
            turn.finish()
            return [menu.show(turn, turn._("没有更改语言。"))]
        return [Reply(text=_prompt(), options=options())]


FLOW = LanguageFlow()
