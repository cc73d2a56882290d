"""audit chain linked in the database: per-entry MAC and nonce, the chain's unsigned tip

Entries written from here on are ``hmac-link`` entries: their keyed MAC (``mac``, over the entry and ``nonce``)
is computed by the service before the chain's head is taken, and the database links them with keyless
SHA-256 (``hash`` over ``prev_hash`` and ``mac``) in the one statement that holds the head; the service signs
the head after the commit (docs/AUDIT.md). Existing entries keep their scheme and verify by its old rule;
nothing is rewritten. The tip row (``main:tip``) is created by the first append after the upgrade.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy), so SQLite keeps the append-only triggers of 0002.
    op.add_column("audit_entries", sa.Column("nonce", sa.String(length=32), nullable=True))
    op.add_column("audit_entries", sa.Column("mac", sa.String(length=64), nullable=True))
    op.add_column("audit_heads", sa.Column("base_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Entries written as hmac-link cannot be verified without these columns: downgrade only an empty log.
    op.drop_column("audit_heads", "base_id")
    op.drop_column("audit_entries", "mac")
    op.drop_column("audit_entries", "nonce")
