"""The dialog engine: one message in, the new state and the replies out — no database, no channel.

Routing, in order: a message without letters or digits gets a hint and the menu; global words (菜单, 语言, a
language's name, greetings), then any flow's patterns (unless the flow declines the match), then any flow's
keywords work at every point; a number answers the menu when it is shown; otherwise the active flow resumes;
otherwise free text goes to the "faq" flow (or the fallback). A flow that needs the county waits behind the
county question and is started once the county is known — unless a pattern started it: what the pattern
matched (a tracking number) is all the flow needs.
A flow that raises is logged, reset and answered with an apology; only a bug in the engine itself propagates.
What the failed step wrote through ``turn.services`` is rolled back with it (a savepoint, ``step_guard``), so
a turn's records and its state commit together or not at all. Inside a ``repairable`` flow, ``repair`` handles
leaving, going back, repeating, explaining, skipping and asides around each question (bot.dialog.repair).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from api.i18n import translator
from bot.dialog import repair
from bot.engine import context
from bot.engine.keywords import asks, global_command, matches
from bot.engine.normalize import has_content, normalize, token
from bot.engine.types import ConversationState, Flow, Inbound, Reply, Turn
from bot.flows import county, fallback, menu, registry
from bot.flows import language as language_flow
from bot.nlu import language

log = logging.getLogger(__name__)

FAQ = "faq"
# An unanswered question older than this is stale: the county and language stay, the flow's step does not.
FLOW_TTL = dt.timedelta(hours=24)


def handle(
    state: ConversationState,
    inbound: Inbound,
    *,
    now: dt.datetime,
    services: Any = None,
    flows: Mapping[str, Flow] | None = None,
) -> tuple[ConversationState, list[Reply]]:
    """The state after ``inbound`` and the replies to send; ``state`` itself is left untouched."""
    if flows is None:
        flows = registry.flows()
    new = _copy(state)
    text = normalize(inbound.text)
    expired = _expire(new, now)
    reply_language = language.resolve(new, text, inbound.language_hint)
    context.meta(new)["reply_language"] = reply_language
    turn = Turn(state=new, inbound=inbound, text=text, gettext=translator(reply_language), now=now,
                services=services)
    active = context.set_active_flows(flows)
    try:
        replies = _Router(turn, flows, _copy(new)).route(expired)
    finally:
        context.reset_active_flows(active)
    if not replies:
        replies = [menu.show(turn)]
    repair.remember(turn, (flows.get(new.flow) or _core(new.flow)) if new.flow else None, replies)
    context.meta(new).pop("reply_language", None)
    new.updated_at = now.isoformat()
    return new, replies


def _copy(state: ConversationState) -> ConversationState:
    return ConversationState.from_json(state.to_json())   # to_json copies deeply


def _expire(state: ConversationState, now: dt.datetime) -> bool:
    """Drop a flow step (and a pending question) left unanswered for longer than FLOW_TTL."""
    if not state.updated_at or not (state.flow or context.has_pending(state)):
        return False
    try:
        last = dt.datetime.fromisoformat(state.updated_at)
    except ValueError:
        return False
    if (last.tzinfo is None) != (now.tzinfo is None):
        last, now = last.replace(tzinfo=None), now.replace(tzinfo=None)
    if now - last <= FLOW_TTL:
        return False
    if state.flow:
        state.data.pop(state.flow, None)
    state.flow = state.step = None
    context.meta(state).pop("pending", None)
    return True


class _Router:
    """One turn's routing; ``before`` is the state as it came in, restored when a flow fails."""

    def __init__(self, turn: Turn, flows: Mapping[str, Flow], before: ConversationState) -> None:
        self.turn, self.flows, self.before = turn, flows, before
        self.state = turn.state

    def route(self, expired: bool) -> list[Reply]:
        turn, tok = self.turn, token(self.turn.text)
        if not has_content(turn.text) and not turn.inbound.attachments:
            current = self.flows.get(self.state.flow or "")
            if current is not None and current.repairable and turn.text.strip():
                return repair.resume(self, current)   # "？？？", "😂": an answer the question cannot use
            return [menu.show(turn, turn._("没有收到文字。请用文字或数字回复。"))]
        command = global_command(tok)
        if command:
            return self._command(*command)
        for matched in self._pattern_matches():     # a flow that declines its match leaves it to the next
            replies = self.start_from_match(*matched)
            if replies is not None:
                return replies
        for flow in self.flows.values():
            if flow.name == self.state.flow and flow.repairable and asks(turn.text):
                continue        # "他们会知道是我举报的吗" inside the complaint: a question to it, not a fresh start
            if flow.keywords and matches(tok, flow.keywords):
                return self.start(flow, turn.text)
        if self.state.flow == menu.NAME:
            name = menu.chosen(turn, tok)
            if name and name in self.flows:
                return self.start(self.flows[name], "")
            if tok.isdigit():
                return [menu.show(turn, turn._("没有这个选项。"))]
            self.state.flow = self.state.step = None
        elif self.state.flow:
            current = self.flows.get(self.state.flow) or _core(self.state.flow)
            if current is not None and current.repairable:
                return repair.resume(self, current)
            if current is not None:
                return self._run(current, current.resume)
            self.state.flow = self.state.step = None
        if tok.isdigit():
            intro = turn._("上次的对话已超时，请重新选择。") if expired else None
            return [menu.show(turn, intro)]
        target = self.flows.get(FAQ) or fallback.FLOW
        return self.start(target, turn.text)

    def _command(self, kind: str, argument: str | None) -> list[Reply]:
        turn = self.turn
        context.meta(self.state).pop("pending", None)
        turn.finish()
        if kind == "menu":
            return [menu.show(turn)]
        if kind == "greeting":
            return [menu.welcome(turn)]
        if kind == "set_language" and argument:
            return language_flow.confirm(turn, argument)
        return self._run(language_flow.FLOW, language_flow.FLOW.start)

    def start(self, flow: Flow, text: str) -> list[Reply]:
        """Start ``flow`` on ``text``; ask for the county first when the flow needs it and none is known."""
        turn = self.turn
        turn.finish()
        context.meta(self.state).pop("pending", None)
        if flow.needs_county and not self.state.county:
            found = county.find_in_text(text)
            if not found:
                context.meta(self.state)["pending"] = {"flow": flow.name, "text": text}
                return county.ask(turn)
            self.state.county = found
        turn.text = text
        return self._run(flow, flow.start)

    def _pattern_matches(self) -> Iterator[tuple[Flow, re.Match[str]]]:
        """Each flow (in registry order) with a pattern found in this message, and its first match."""
        for flow in self.flows.values():
            if flow.name == self.state.flow and not flow.restarts_on_pattern:
                continue                  # its own pattern inside its own question is an answer to it
            found = next((m for m in (p.search(self.turn.text) for p in flow.patterns) if m), None)
            if found:
                yield flow, found

    def start_from_match(self, flow: Flow, found: re.Match[str]) -> list[Reply] | None:
        """Start ``flow`` on what its pattern matched, whatever the conversation was doing; None when the flow
        declines the match — the state is then as it was, and the message routes as if nothing had matched."""
        self.turn.finish()
        context.meta(self.state).pop("pending", None)
        declined = False

        def step(turn: Turn) -> list[Reply]:
            nonlocal declined
            replies = flow.start_from_match(turn, found)
            declined = replies is None
            return replies or []

        replies = self._run(flow, step)
        if not declined:
            return replies
        for name, value in vars(_copy(self.before)).items():   # the state as the turn found it
            setattr(self.state, name, value)
        return None

    def _run(self, flow: Flow, step: Callable[[Turn], list[Reply]]) -> list[Reply]:
        """One call into a flow; a failure becomes an apology; a county just answered runs what waited."""
        guard = getattr(self.turn.services, "step_guard", None) if self.turn.services is not None else None
        try:
            with guard() if guard is not None else contextlib.nullcontext():
                replies = list(step(self.turn) or [])
        except Exception:
            log.exception("flow %s failed on %s/%s", flow.name, self.turn.inbound.channel, _mask(self.turn))
            return self._recover(flow)
        if self.turn.handed_back:              # not the flow's message after all: routed afresh
            self.turn.handed_back = False
            return replies + self.route(False)
        pending = context.meta(self.state).get("pending")
        if pending and self.state.flow is None:
            context.meta(self.state).pop("pending", None)
            waiting = self.flows.get(pending["flow"])
            if waiting is not None and self.state.county:
                replies += self.start(waiting, pending["text"])
        return replies

    def _recover(self, flow: Flow) -> list[Reply]:
        """Back to the state before this turn, less the failed flow, and an apology with the menu."""
        keep_language = self.state.language
        for field in ("county", "village_id", "data"):
            setattr(self.state, field, copy.deepcopy(getattr(self.before, field)))
        self.state.language = keep_language
        self.state.data.pop(flow.name, None)
        self.state.flow = self.state.step = None
        context.meta(self.state).pop("pending", None)
        context.meta(self.state)["reply_language"] = context.reply_language(self.turn)
        return [menu.show(self.turn, self.turn._("抱歉，系统出了点问题，请稍后再试。"))]


def _core(name: str) -> Flow | None:
    """The engine's own flows work even when a caller passes a registry without them."""
    return {flow.name: flow for flow in (county.FLOW, language_flow.FLOW, fallback.FLOW, menu.FLOW)}.get(name)


def _mask(turn: Turn) -> str:
    sender = turn.inbound.sender
    return sender[:3] + "****" + sender[-2:] if len(sender) > 6 else "***"
