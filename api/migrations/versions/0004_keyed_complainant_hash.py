"""keyed complainant hash: complaints.sender_key becomes HMAC-SHA256(ANJU_COMPLAINANT_KEY, the old SHA-256)

The old value was an unkeyed SHA-256 of ``channel:sender``, which for a phone can be reversed by trying every
mobile number. Each row is re-keyed from its stored digest, so anonymous complaints (whose phone is not kept)
stay linked to their sender. Set ANJU_COMPLAINANT_KEY before upgrading: the key this runs with is the one the
service must keep using. There is no way back without the phones, so downgrade leaves the keyed values.

Revision ID: 0004
Revises: 0003
"""

import hashlib
import hmac
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def _key() -> bytes:
    from api.services.pseudonyms import complainant_key   # refuses the development key outside development

    return complainant_key()


def upgrade() -> None:
    key = _key()
    complaints = sa.table("complaints", sa.column("id", sa.Integer), sa.column("sender_key", sa.String))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(sa.select(complaints.c.id, complaints.c.sender_key)
                                  .where(complaints.c.id > last).order_by(complaints.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row_id, old in rows:
            new = hmac.new(key, old.encode("ascii"), hashlib.sha256).hexdigest()
            connection.execute(sa.update(complaints).where(complaints.c.id == row_id).values(sender_key=new))
        last = rows[-1][0]


def downgrade() -> None:
    """Nothing to undo that can be undone: the unkeyed digests cannot be recovered from the keyed ones."""
