"""Make a database ready to serve: newest schema, and one area per county profile."""

from __future__ import annotations

from sqlalchemy import Engine, select

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


def prepare_database(engine: Engine) -> None:
    upgrade(engine)
    seed_counties(engine)
