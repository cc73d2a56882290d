"""The ``anju`` command. Each sub-command lives in its own module with a ``register(subparsers)`` function.

Modules import their heavy dependencies inside the handler, so ``anju ask`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# One line per module; each registers one or more sub-commands.
COMMAND_MODULES = (
    "bot.cli.db",
    "bot.cli.serve",
    "bot.cli.screen",
    "bot.cli.tokens",
    "bot.cli.users",
    "bot.cli.audit",
    "bot.cli.areas",
    "bot.cli.i18n",
    "bot.cli.chat",
    "bot.cli.ask",
    "bot.cli.faq_score",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anju", description="安居 — rural housing-safety service")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a clear message, never a traceback to the user
        from api.domain.errors import DomainError

        if isinstance(exc, DomainError):
            print(f"错误 / error: {exc.message}", file=sys.stderr)
            return 2
        if isinstance(exc, OSError) and exc.filename:   # a file named on the command line: say which and why
            print(f"错误 / error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
