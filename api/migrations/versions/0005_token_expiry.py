"""API tokens expire, are rotated and record their last use

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 11:30:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tokens issued before expiry existed get the default lifetime from the upgrade on, not an instant lock-out.
EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_api_tokens_replaced_by_id_api_tokens'), 'api_tokens',
                                    ['replaced_by_id'], ['id'])
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=EXISTING_TOKEN_DAYS)
    tokens = sa.table('api_tokens', sa.column('expires_at', sa.DateTime(timezone=True)))
    op.get_bind().execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=until))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_tokens_replaced_by_id_api_tokens'), type_='foreignkey')
        batch_op.drop_column('replaced_by_id')
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
