"""The Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

import api.models  # noqa: F401
from api.bootstrap import prepare_database
from api.db import Base, make_engine
from api.models import Area, AreaLevel
from api.profiles import load_profiles

POSTGRES_URL = os.environ.get("ANJU_DATABASE_URL", "")


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """An empty database: a new SQLite file, or a new schema on the PostgreSQL server."""
    if not POSTGRES_URL:
        eng = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield eng
        eng.dispose()
        return
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    eng = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    yield eng
    eng.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


pytestmark = pytest.mark.db


def test_upgrade_matches_models(empty_engine: Engine) -> None:
    prepare_database(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_is_idempotent_and_seeds_counties_once(empty_engine: Engine) -> None:
    prepare_database(empty_engine)
    prepare_database(empty_engine)
    with empty_engine.connect() as conn:
        codes = conn.execute(text("SELECT code FROM areas WHERE level = :l"), {"l": AreaLevel.county.value})
        assert sorted(c for (c,) in codes) == sorted(load_profiles())
    assert set(Base.metadata.tables) <= set(inspect(empty_engine).get_table_names())
    assert Area.__tablename__ == "areas"


def test_migrated_database_refuses_to_rewrite_the_audit_log(empty_engine: Engine) -> None:
    prepare_database(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_entries (at, actor, action, entity, entity_id, prev_hash, hash) "
                          "VALUES (CURRENT_TIMESTAMP, 'a', 'x', 'e', '1', :z, :h)"), {"z": "0" * 64, "h": "1" * 64})
    for statement in ("UPDATE audit_entries SET actor = 'someone else'", "DELETE FROM audit_entries"):
        with pytest.raises(Exception, match="append-only"), empty_engine.begin() as conn:
            conn.execute(text(statement))
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_entries")).scalar_one() == "a"


def test_upgrade_rekeys_stored_complainant_hashes(empty_engine: Engine) -> None:
    """0004 turns each stored SHA-256 into its keyed form, so an anonymous complainant stays linked."""
    import hashlib

    from alembic import command
    from sqlalchemy.orm import Session

    from api.db import alembic_config
    from api.models.complaints import Complaint, ComplaintCategory, ComplaintSubject
    from api.services import complaints
    from api.services.pseudonyms import sender_key

    prepare_database(empty_engine)
    old = hashlib.sha256(b"sms:13912345678").hexdigest()
    with Session(empty_engine) as session, session.begin():
        county = session.query(Area).filter(Area.level == AreaLevel.county).first()
        assert county is not None
        session.add(Complaint(number="TS-1", county_code=county.county_code, category=ComplaintCategory.other,
                              subject=ComplaintSubject.other, text="x", channel="sms", sender=None,
                              sender_key=old, anonymous=True, routed_to_id=county.id))
    with empty_engine.begin() as connection:   # as if the rows had been written before 0004
        config = alembic_config(empty_engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.stamp(config, "0003")
        command.upgrade(config, "0004")          # the later revisions add what the schema already has
    with Session(empty_engine) as session:
        stored = session.scalar(text("SELECT sender_key FROM complaints"))
        assert stored != old and stored == sender_key("sms", "13912345678")
        assert complaints.for_sender(session, "TS-1", "sms", "13912345678") is not None
