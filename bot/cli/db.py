"""``anju db upgrade``: migrate the schema and load the county profiles."""

from __future__ import annotations

import argparse

from api import bootstrap
from api import db as database


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = subparsers.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate to the newest schema and load the counties")
    up.set_defaults(func=_upgrade)


def _upgrade(_args: argparse.Namespace) -> int:
    engine = database.get_engine()
    bootstrap.prepare_database(engine)
    print(f"schema up to date: {engine.url.render_as_string(hide_password=True)}")
    return 0
