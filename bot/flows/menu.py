"""The main menu: every flow with a ``menu_label``, numbered in registry order.

The engine, not this flow, turns a number into the chosen flow (it also has to ask for the county first); the
menu as shown is remembered so that "2" means what the user saw even if the registry changes in between.
"""

from __future__ import annotations

from bot.engine.context import active_flows, meta
from bot.engine.types import Flow, Option, Reply, Turn

NAME = "menu"


def show(turn: Turn, intro: str | None = None) -> Reply:
    """The menu as one reply, and the conversation waiting for a number."""
    entries = [flow for flow in active_flows().values() if flow.menu_label]
    meta(turn.state)["menu"] = [flow.name for flow in entries]
    turn.state.data.pop(NAME, None)
    turn.enter(NAME, "choose")
    options = tuple(Option(str(number), turn._(flow.menu_label)) for number, flow in enumerate(entries, 1))
    prompt = turn._("请回复数字选择：")
    return Reply(text=f"{intro}\n{prompt}" if intro else prompt, options=options)


def chosen(turn: Turn, key: str) -> str | None:
    """The flow name behind menu number ``key``, as last shown; None for any other reply."""
    names: list[str] = meta(turn.state).get("menu") or []
    if key.isdigit() and 1 <= int(key) <= len(names):
        return names[int(key) - 1]
    return None


def welcome(turn: Turn) -> Reply:
    return show(turn, turn._("您好！这里是安居——农村住房安全保障咨询服务。"))


class MenuFlow(Flow):
    name = NAME
    menu_label = ""
    keywords = ()

    def start(self, turn: Turn) -> list[Reply]:
        return [show(turn)]

    def resume(self, turn: Turn) -> list[Reply]:
        return [show(turn, turn._("请回复菜单中的数字。"))]


FLOW = MenuFlow()
