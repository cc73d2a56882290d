"""keyed audit chain, its signed head, area columns for scoped reading; number counters

Existing entries keep their plain SHA-256 hashes (scheme ``sha256``) and no area; the first entry written
after the upgrade is keyed and links to the newest of them, which anchors the old part of the chain. The
number counters start at the highest number already filed in each series.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Numbers end in five digits after their series' prefix ("140621-2026-" + "00012").
SEED_SERIES = """
INSERT INTO number_series (head, last)
SELECT substr(number, 1, length(number) - 5), max(CAST(substr(number, length(number) - 4) AS INTEGER))
FROM {table} GROUP BY substr(number, 1, length(number) - 5)
"""


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy), so SQLite keeps the append-only triggers of 0002.
    op.add_column("audit_entries", sa.Column("scheme", sa.String(length=32), server_default="sha256",
                                             nullable=False))
    op.add_column("audit_entries", sa.Column("area_id", sa.Integer(), nullable=True))
    op.add_column("audit_entries", sa.Column("county_code", sa.String(length=6), nullable=True))
    op.create_index(op.f("ix_audit_entries_area_id"), "audit_entries", ["area_id"], unique=False)
    op.create_index(op.f("ix_audit_entries_county_code"), "audit_entries", ["county_code"], unique=False)
    op.create_index(op.f("ix_audit_entries_actor"), "audit_entries", ["actor"], unique=False)
    op.create_table(
        "audit_heads",
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_heads")),
    )
    op.create_table(
        "number_series",
        sa.Column("head", sa.String(length=32), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("head", name=op.f("pk_number_series")),
    )
    for table in ("applications", "complaints", "objections"):
        op.execute(SEED_SERIES.format(table=table))


def downgrade() -> None:
    op.drop_table("number_series")
    op.drop_table("audit_heads")
    op.drop_index(op.f("ix_audit_entries_actor"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_county_code"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_area_id"), table_name="audit_entries")
    with op.batch_alter_table("audit_entries") as batch_op:
        batch_op.drop_column("county_code")
        batch_op.drop_column("area_id")
        batch_op.drop_column("scheme")
