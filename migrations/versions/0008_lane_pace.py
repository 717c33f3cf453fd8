"""lane pace: the pacer's schedule travels with a lane, so a lane taken over by another process keeps to
the platform's rate limit instead of starting a fresh burst

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_lanes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pace", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_lanes", schema=None) as batch_op:
        batch_op.drop_column("pace")
