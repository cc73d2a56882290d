"""``anju chat [--county C] [--lang L] [--from SENDER]``: talk to the bot in a terminal."""

from __future__ import annotations

import argparse

from bot.channels import terminal
from bot.cli.ask import add_conversation_arguments, conversation_presets, open_database


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    chat = subparsers.add_parser("chat", help="talk to the bot interactively")
    add_conversation_arguments(chat)
    chat.set_defaults(func=_chat)


def _chat(args: argparse.Namespace) -> int:
    county, language = conversation_presets(args)
    engine = open_database()
    terminal.preset(engine, "terminal", args.sender, county=county, language=language)
    terminal.chat(engine, sender=args.sender)
    return 0
