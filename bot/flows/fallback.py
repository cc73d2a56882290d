"""What a message gets when nothing else can answer it: an apology and the menu, never silence."""

from __future__ import annotations

from bot.engine.types import Flow, Reply, Turn
from bot.flows import menu


class FallbackFlow(Flow):
    name = "fallback"
    menu_label = ""
    keywords = ()

    def start(self, turn: Turn) -> list[Reply]:
        return [menu.show(turn, turn._("抱歉，我没能理解您的意思。"))]

    def resume(self, turn: Turn) -> list[Reply]:
        turn.finish()
        return self.start(turn)


FLOW = FallbackFlow()
