"""Stand-in flows for the engine's tests, so they never depend on the FAQ's or the screening's wording."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.dialog.engine import handle
from bot.engine.types import ConversationState, Flow, Inbound, Reply, Turn
from bot.flows import county, fallback, language, menu

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


class EchoFaq(Flow):
    """Answers with the county and the question; "1" while active asks for details."""

    name = "faq"
    menu_label = "政策问答"
    needs_county = True

    def start(self, turn: Turn) -> list[Reply]:
        if not turn.text:
            turn.enter(self.name, "question")
            return [Reply("FAQ? ask me")]
        turn.enter(self.name, "answered")
        turn.flow_data(self.name)["question"] = turn.text
        return [Reply(f"FAQ[{turn.state.county}]: {turn.text}", citation="doc 1")]

    def resume(self, turn: Turn) -> list[Reply]:
        if turn.text == "1" and turn.state.step == "answered":
            return [Reply(f"DETAILS: {turn.flow_data(self.name)['question']}")]
        return self.start(turn)


class Survey(Flow):
    """Two questions, started by keyword or from the menu."""

    name = "survey"
    keywords = ("资格", "能不能申请")
    menu_label = "资格自测"

    def start(self, turn: Turn) -> list[Reply]:
        turn.enter(self.name, "q1")
        return [Reply("Q1 how many people?")]

    def resume(self, turn: Turn) -> list[Reply]:
        data = turn.flow_data(self.name)
        if turn.state.step == "q1":
            data["people"] = turn.text
            turn.enter(self.name, "q2")
            return [Reply("Q2 house grade?")]
        people = data["people"]
        turn.finish()
        return [Reply(f"SURVEY DONE people={people} grade={turn.text}")]


class Exploding(Flow):
    name = "explode"
    keywords = ("boom",)

    def start(self, turn: Turn) -> list[Reply]:
        turn.state.county = "999999"   # a half-done change that must not survive the failure
        turn.enter(self.name, "armed")
        raise RuntimeError("flow bug")

    def resume(self, turn: Turn) -> list[Reply]:
        raise RuntimeError("flow bug")


def fake_flows(*extra: Flow) -> dict[str, Flow]:
    ordered: Iterable[Flow] = (menu.FLOW, EchoFaq(), Survey(), county.FLOW, language.FLOW, *extra,
                               fallback.FLOW)
    return {flow.name: flow for flow in ordered}


@dataclass
class Chat:
    """A conversation with the engine; ``say`` returns the replies flattened into one readable text."""

    flows: dict[str, Flow] = field(default_factory=fake_flows)
    state: ConversationState = field(default_factory=ConversationState)
    now: dt.datetime = NOW
    hint: str | None = None
    last: list[Reply] = field(default_factory=list)

    def say(self, text: str, *, later: dt.timedelta = dt.timedelta(seconds=30)) -> str:
        self.now += later
        inbound = Inbound("terminal", "tester", text, language_hint=self.hint)
        self.state, self.last = handle(self.state, inbound, now=self.now, flows=self.flows)
        return "\n".join(
            "\n".join([reply.text, *(f"[{o.key}] {o.label}" for o in reply.options)]) for reply in self.last)
