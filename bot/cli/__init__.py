"""The ``anju`` command. Each sub-command lives in its own module with a ``register(subparsers)`` function.

Every command module is imported at start, so a dependency that only one command needs and that costs start-up
time (the web app, APScheduler, argon2; measured with ``python -X importtime``) is imported inside that
command's handler, with a comment saying what it costs; everything else is imported at the top.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.domain.errors import DomainError
from bot.cli import areas, ask, audit, chat, db, faq_score, i18n, screen, serve, tokens, users

# One line per module; each registers one or more sub-commands.
COMMAND_MODULES = (db, serve, screen, tokens, users, audit, areas, i18n, chat, ask, faq_score)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anju", description="安居 — rural housing-safety service")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a clear message, never a traceback to the user
        if isinstance(exc, DomainError):
            print(f"错误 / error: {exc.message}", file=sys.stderr)
            return 2
        if isinstance(exc, OSError) and exc.filename:   # a file named on the command line: say which and why
            print(f"错误 / error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
