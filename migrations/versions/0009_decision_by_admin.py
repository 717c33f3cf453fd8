"""decisions: by_admin — an admin deciding for a role they do not hold (`approve CR-… as ROLE`) is kept as such,
so the approval table says "admin as ROLE" instead of passing the admin off as the role's holder

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cr_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("by_admin", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("cr_decisions", schema=None) as batch_op:
        batch_op.drop_column("by_admin")
