"""audit_entries append-only in the database itself

The ORM already refuses to update or delete an audit entry; these triggers make the database refuse it too, so
a stray script or a console session cannot quietly rewrite history (the hash chain would still show it).
TRUNCATE is not covered: revoke it from the service's role in production.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_entries is append-only (% refused)', TG_OP; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
       FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()""",
]
SQLITE = [
    f"""CREATE TRIGGER audit_entries_no_{kind.lower()} BEFORE {kind} ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"""
    for kind in ("UPDATE", "DELETE")
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL if dialect == "postgresql" else SQLITE if dialect == "sqlite" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
