"""What flows into and out of the engine, and what a flow is.

Nothing here knows a channel: an adapter builds an ``Inbound`` and renders ``Reply`` objects for its medium
(numbered options on SMS, inline keyboards on Telegram).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Inbound:
    channel: str                      # "sms" | "telegram" | "terminal"
    sender: str                       # phone number on SMS, chat id on Telegram, a name in the terminal
    text: str
    message_id: str | None = None
    verified_phone: str | None = None  # a phone the channel has proven belongs to the sender
    language_hint: str | None = None   # e.g. Telegram's language_code
    attachments: tuple[str, ...] = ()  # file references (Telegram photos), never the bytes
    received_at: dt.datetime | None = None

    @property
    def known_phone(self) -> str | None:
        """A phone the channel proved is the sender's: the SMS sender itself, or a Telegram contact they shared."""
        return self.verified_phone or (self.sender if self.channel == "sms" else None)


@dataclass(frozen=True)
class Option:
    """A choice the user can make: on SMS they reply ``key``; on Telegram a button sends ``key``."""

    key: str
    label: str


@dataclass(frozen=True)
class Reply:
    text: str
    options: tuple[Option, ...] = ()
    citation: str | None = None        # compact source, e.g. "山阴县 山危扶办〔2021〕1号 四(二)"
    request_contact: bool = False      # ask the channel to collect a verified phone (Telegram contact button)


@dataclass
class ConversationState:
    """Serialisable per (channel, sender); flows keep their own data under ``data[flow_name]``."""

    language: str | None = None        # chosen language; None until chosen or detected
    county: str | None = None          # division code once known
    village_id: int | None = None
    flow: str | None = None            # the flow awaiting this sender's next message
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: str | None = None      # ISO timestamp of the last turn, for resuming and expiry

    def to_json(self) -> dict[str, Any]:
        """A deep copy as plain JSON values: ``data`` goes through ``json`` (4× faster than ``asdict``, and it
        is what the database will store anyway)."""
        plain = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "data"}
        plain["data"] = json.loads(json.dumps(self.data, ensure_ascii=False))
        return plain

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> ConversationState:
        known = {k: v for k, v in (raw or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Turn:
    """One message being handled: the state to change, the message, and what a flow may use."""

    state: ConversationState
    inbound: Inbound
    text: str                          # normalised text (full-width folded, trimmed)
    gettext: Callable[[str], str]      # translator for state.language
    now: dt.datetime
    services: Any = None               # the records port (status, leads, objections…), injected by the boundary
    handed_back: bool = False          # the flow left the message to the dispatcher, as a new message

    def _(self, message: str) -> str:
        return self.gettext(message)

    def hand_back(self) -> list[Reply]:
        """Leave the flow and let this message be routed as if no flow had been waiting for it."""
        self.finish()
        self.handed_back = True
        return []

    def flow_data(self, flow: str) -> dict[str, Any]:
        return self.state.data.setdefault(flow, {})

    def enter(self, flow: str, step: str) -> None:
        self.state.flow, self.state.step = flow, step

    def finish(self) -> None:
        if self.state.flow:
            self.state.data.pop(self.state.flow, None)
        self.state.flow, self.state.step = None, None


class Flow(ABC):
    """A conversation the engine can start by keyword, pattern or menu and resume on the sender's next message."""

    name: ClassVar[str]
    keywords: ClassVar[tuple[str, ...]] = ()   # start this flow from any point of a conversation
    # Checked (``search``) against every message at any point, before keywords, so one message can carry
    # both the wish and its argument ("查 TS-140621-2026-00001"); anchor them, a match wins over any flow.
    patterns: ClassVar[tuple[re.Pattern[str], ...]] = ()
    # False: while this flow asks its own questions, its patterns are answers to them, not a new start
    restarts_on_pattern: ClassVar[bool] = True
    menu_label: ClassVar[str] = ""             # gettext message id for the main menu; "" keeps it off the menu
    needs_county: ClassVar[bool] = False       # the engine asks for the county first, then starts the flow
    # A flow that asks the farmer questions: the engine repairs the conversation around each of them (leave,
    # back, say again, what does it mean, skip, a policy question asked instead, an answer it cannot use).
    repairable: ClassVar[bool] = False
    state_keys: ClassVar[tuple[str, ...]] = ()          # state.data keys the flow keeps besides its own
    free_text_steps: ClassVar[frozenset[str]] = frozenset()   # steps whose answer is the farmer's own words

    @abstractmethod
    def start(self, turn: Turn) -> list[Reply]:
        """Begin; call ``turn.enter(self.name, step)`` to receive the next message."""

    @abstractmethod
    def resume(self, turn: Turn) -> list[Reply]:
        """Handle the next message while this flow is active; ``turn.finish()`` when done."""

    def start_from_match(self, turn: Turn, match: re.Match[str]) -> list[Reply] | None:
        """Begin on a message one of ``patterns`` matched; ``match`` holds what it found. Default: ``start``.

        Return None to decline (the match was not meant for this flow, e.g. nothing awaits that answer): the
        engine then restores the state and routes the message as if no pattern had matched."""
        return self.start(turn)

    def explain(self, turn: Turn) -> str | None:
        """What the current question means, in plain words; None for the engine's general explanation."""
        return None

    def skip(self, turn: Turn) -> str | None:
        """The answer that "skip" means at the current step (e.g. 不知道, anonymous), or None: it cannot be
        skipped."""
        return None

    def claims(self, turn: Turn) -> bool:
        """True when the flow understands this message at its current step although it reads like a question
        ("能不写名字不" at the contact question is the wish to stay anonymous)."""
        return False

    def correct(self, turn: Turn, right: str) -> list[Reply] | None:
        """Apply "说错了，是…" to an earlier answer the flow recognises in ``right`` (a category, a number), and
        ask the current question again; None to go one question back instead."""
        return None

    def grant(self, turn: Turn) -> str | None:
        """The answer to a wish about the flow itself asked instead of an answer ("能不写名字不"), after which
        the question is asked again; None when the message is no such wish."""
        return None

    def on_leave(self, turn: Turn) -> str | None:
        """What leaving at the current step means, when more than "nothing was filed" is true."""
        return None
