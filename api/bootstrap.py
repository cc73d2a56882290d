"""Make a database ready to serve: newest schema, and one area per county profile.

Several processes may start at once on a fresh database (two ``anju`` commands, the workers of a deployment):
``prepare_database`` lets one of them migrate and seed while the others wait, then finds nothing left to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, select, text

from api.db import transaction, upgrade
from api.models import Area, AreaLevel
from api.profiles import load_profiles


def seed_counties(engine: Engine) -> None:
    """Idempotent: a county already present is left as it is."""
    with transaction(engine) as session:
        present = set(session.scalars(select(Area.code).where(Area.level == AreaLevel.county)))
        for profile in load_profiles().values():
            if profile.code not in present:
                session.add(Area(level=AreaLevel.county, name=profile.name, code=profile.code,
                                 county_code=profile.code))


PREPARE_LOCK_KEY = 0x616E6A75_70726570 & 0x7FFFFFFFFFFFFFFF   # "anjuprep"; PostgreSQL advisory locks are bigint


@contextmanager
def _one_at_a_time(engine: Engine) -> Iterator[None]:
    """Across processes: a PostgreSQL advisory lock, or an exclusive lock on a file next to the SQLite file."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PREPARE_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PREPARE_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    import fcntl  # POSIX only: imported where SQLite files are locked, so the module loads everywhere

    with open(Path(database).with_name(Path(database).name + ".prepare-lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_database(engine: Engine) -> None:
    with _one_at_a_time(engine):
        upgrade(engine)
        seed_counties(engine)
