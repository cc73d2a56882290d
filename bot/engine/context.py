"""What the engine keeps for itself between turns, and what it lends the flows during one turn.

The engine's own memory (a question waiting for the county, the menu as last shown, whether the language
was chosen) lives in ``state.data["engine"]``, beside each flow's ``data[flow_name]``, so it is stored and
expires with the rest of the state.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from bot.engine.types import ConversationState, Flow, Turn

ENGINE_KEY = "engine"

_active_flows: ContextVar[Mapping[str, Flow] | None] = ContextVar("anju_active_flows", default=None)


def meta(state: ConversationState) -> dict[str, Any]:
    return state.data.setdefault(ENGINE_KEY, {})


def reply_language(turn: Turn) -> str | None:
    """The language this turn's replies are in (chosen, detected or hinted): use it for dates and money."""
    return meta(turn.state).get("reply_language") or turn.state.language


def has_pending(state: ConversationState) -> bool:
    """A question is waiting for the county to be known."""
    return bool(meta(state).get("pending"))


def active_flows() -> Mapping[str, Flow]:
    """The flows of the turn being handled (``handle`` sets them; outside a turn, none)."""
    return _active_flows.get() or {}


def set_active_flows(flows: Mapping[str, Flow]):  # type: ignore[no-untyped-def]
    return _active_flows.set(flows)


def reset_active_flows(token) -> None:  # type: ignore[no-untyped-def]
    _active_flows.reset(token)


REFUSED = "refused"     # meta: what the last reply could not do and what to do instead, for "那咋办" next


def refused(state: ConversationState, instead: str) -> None:
    """A flow could not start for a missing prerequisite (no villages, no open list): ``instead`` is the way
    the farmer can go, said again with the county's contacts when they ask "那咋办" next."""
    meta(state)[REFUSED] = instead
