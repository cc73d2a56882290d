"""``anju areas import FILE``: townships and villages from a CSV (county,township,village[,code])."""

from __future__ import annotations

import argparse

from api.services.areas import import_csv
from bot.cli.records import cli_actor, records


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    areas = subparsers.add_parser("areas", help="the area tree below the counties")
    areas_sub = areas.add_subparsers(dest="areas_command", required=True)
    imp = areas_sub.add_parser("import", help="import a CSV; all rows or none, safe to run again")
    imp.add_argument("file", help="UTF-8 CSV with columns county,township,village[,code]")
    imp.set_defaults(func=_import)


def _import(args: argparse.Namespace) -> int:
    with open(args.file, encoding="utf-8-sig", newline="") as fh, records() as session:
        counts = import_csv(session, fh, by=cli_actor())
    print(f"imported {args.file}: {counts['townships']} townships, {counts['villages']} villages added, "
          f"{counts['codes_added']} codes filled in, {counts['unchanged']} already present")
    return 0
