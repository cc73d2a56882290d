"""``anju ask [--county C] [--from SENDER] [--lang L] [--channel CH] TEXT``: one message in, the replies out.

Successive calls with the same --from continue one conversation, kept in the database under ./data (created
on first use). This is the cold-start path, so everything heavy is imported inside the handler and the web
stack (FastAPI, uvicorn, python-telegram-bot) is never imported at all.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from api import bootstrap
from api import db as database
from api.db import MIGRATIONS_DIR
from api.profiles import get_profile
from bot.channels import terminal
from bot.channels.sms.render import render
from content import CONTENT_DIR

if TYPE_CHECKING:
    from sqlalchemy import Engine

CHANNELS = ("terminal", "sms", "telegram")
DEFAULT_SENDER = "local"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ask = subparsers.add_parser("ask", help="send one message to the bot and print its replies")
    add_conversation_arguments(ask)
    ask.add_argument("--channel", choices=CHANNELS, default="terminal",
                     help="the channel to pose as (sms renders as the SMS would read)")
    ask.add_argument("text", nargs="+", help="the message, e.g. 山阴县补助多少")
    ask.set_defaults(func=_ask)


def add_conversation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--county", help="division code or name, e.g. 140621 or 山阴县")
    parser.add_argument("--from", dest="sender", default=DEFAULT_SENDER,
                        help="who is talking; the same sender continues the same conversation")
    parser.add_argument("--lang", choices=("zh", "ko", "en"), help="reply language")


def open_database() -> Engine:
    """The configured database, migrated and seeded; skipped when nothing changed since the last time.

    Alembic alone costs a few hundred milliseconds to import, most of ``anju ask``'s budget, so a SQLite
    database remembers (in a file beside it) the migrations and county profiles it was prepared with.
    """

    engine = database.get_engine()
    marker = _prepared_marker(engine)
    ready = marker and marker[0].exists() and Path(str(engine.url.database)).exists()
    if marker and ready and marker[0].read_text(encoding="utf-8") == marker[1]:
        return engine

    bootstrap.prepare_database(engine)
    if marker:
        marker[0].write_text(marker[1], encoding="utf-8")
    return engine


def _prepared_marker(engine: Engine) -> tuple[Path, str] | None:
    """(marker file, fingerprint of the migrations and county profiles) for a SQLite file database."""
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        return None

    files = sorted((MIGRATIONS_DIR / "versions").glob("*.py")) + sorted((CONTENT_DIR / "counties").glob("*"))
    listing = "\n".join(f"{path.name}:{path.stat().st_size}:{path.stat().st_mtime_ns}" for path in files)
    fingerprint = hashlib.sha256(listing.encode()).hexdigest()
    return Path(f"{engine.url.database}.prepared"), fingerprint


def conversation_presets(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """(county code, language code) from --county and --lang; an unknown county raises UnknownCounty."""
    county = None
    if args.county:

        county = get_profile(args.county).code
    language = {"zh": "zh_Hans", "ko": "ko", "en": "en"}.get(args.lang or "")
    return county, language


def _ask(args: argparse.Namespace) -> int:
    county, language = conversation_presets(args)
    engine = open_database()
    terminal.preset(engine, args.channel, args.sender, county=county, language=language)
    replies = terminal.send(engine, " ".join(args.text), sender=args.sender, channel=args.channel)
    shown = terminal.current_language(engine, args.channel, args.sender)
    if args.channel == "sms":

        print(render(replies, shown))
    else:
        print(terminal.render(replies, shown))
    return 0
