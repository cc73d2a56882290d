"""The terminal as a channel: a line in, the replies printed as a clerk or a developer reads them.

Options are shown as "[1] …" with the key to type; everything goes through ``store.process`` exactly as an SMS
or a Telegram message does, so a terminal conversation exercises the same engine, state and dedup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from api.db import transaction
from api.i18n import N_, translator
from api.settings import get_settings
from bot.channels.inbox import clean_text, receive, with_lock_retries
from bot.channels.store import load_state, save_state
from bot.engine.context import meta
from bot.engine.types import Inbound, Reply

SOURCE = N_("依据：{source}")
if TYPE_CHECKING:
    from sqlalchemy import Engine

EXIT_WORDS = frozenset({"exit", "quit", "/exit", "/quit", "退出"})


def render(replies: Sequence[Reply], language: str | None = None) -> str:
    """Each reply as a paragraph, its options as "[key] label" lines; replies separated by a blank line."""
    _ = translator(language)
    blocks = []
    for reply in replies:
        lines = [reply.text] if reply.text else []
        lines += [f"  [{option.key}] {option.label}" for option in reply.options]
        if reply.citation:
            lines.append("  — " + _(SOURCE).format(source=reply.citation))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def preset(engine: Engine, channel: str, sender: str, *, county: str | None = None,
           language: str | None = None) -> None:
    """Start the conversation already knowing the county and the language (``--county``, ``--lang``)."""
    if not county and not language:
        return

    with transaction(engine) as session:
        state = load_state(session, channel, sender, lock=True)
        if county:
            state.county = county
        if language:
            state.language = language
            meta(state)["language_chosen"] = True
        save_state(session, channel, sender, state)


def send(engine: Engine, text: str, *, sender: str, channel: str = "terminal",
         language_hint: str | None = None) -> list[Reply]:
    """One message through the one inbox every channel uses (dedup, opt-out, flood limit, engine): posing as
    SMS, 退订 is the SMS opt-out here too."""

    inbound = Inbound(channel=channel, sender=sender, text=clean_text(text), language_hint=language_hint)

    def attempt() -> list[Reply]:
        with transaction(engine) as session:
            return receive(session, inbound, now=dt.datetime.now(dt.UTC), settings=get_settings())

    return with_lock_retries(attempt)


def current_language(engine: Engine, channel: str, sender: str) -> str | None:

    with transaction(engine) as session:
        return load_state(session, channel, sender).language


def chat(engine: Engine, *, sender: str, read: Callable[[str], str] = input,
         write: Callable[[str], None] = print) -> None:
    """Talk to the bot until EOF or "exit"."""
    language = current_language(engine, "terminal", sender)
    write(translator(language)("输入问题或“菜单”开始，输入 exit 退出。"))
    while True:
        try:
            line = read("> ")
        except EOFError:
            write("")
            return
        if line.strip().casefold() in EXIT_WORDS:
            return
        replies = send(engine, line, sender=sender)
        write(render(replies, current_language(engine, "terminal", sender)) + "\n")
