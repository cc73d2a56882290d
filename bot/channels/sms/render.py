"""Replies as an SMS: numbered options the user sends back, the source at the end.

A basic phone shows plain text only, so an option becomes "回复1 …" and its key is exactly what the user
types. What the text costs and where a long one is cut: api/delivery/sms_parts.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from api.i18n import N_, translator
from bot.engine.types import Reply

OPTION_FIRST = N_("回复{key} {label}")
SOURCE = N_("（依据：{source}）")


def render(replies: Sequence[Reply], language: str | None = None) -> str:
    """All replies of one turn as one SMS body (without the signature, which the gateway or sender adds)."""
    _ = translator(language)
    blocks: list[str] = []
    for reply in replies:
        lines = [reply.text.strip()] if reply.text.strip() else []
        for index, option in enumerate(reply.options):
            label = "" if option.label == option.key else option.label
            first = _(OPTION_FIRST).format(key=option.key, label=label)
            lines.append((first if index == 0 else f"{option.key} {label}").rstrip())
        if reply.citation:
            lines.append(_(SOURCE).format(source=reply.citation))
        if lines:
            blocks.append("\n".join(lines))
    return "\n".join(blocks)
