"""What the commands that read or change records share: the database and who the audit log names."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from api import bootstrap
from api import db as database


def cli_actor() -> str:
    """Who the audit log records for a command run on the server."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


@contextmanager
def records() -> Iterator[Session]:
    """One unit of work on the configured database, migrated and its counties loaded first."""
    engine = database.get_engine()
    bootstrap.prepare_database(engine)
    with database.transaction(engine) as session:
        yield session
