"""unserved lanes: the delivering processes say which audience kinds they serve (outbox_dispatchers, a heartbeat
row each), and a lane no live process serves is marked (outbox_lanes.unserved_since) so `admin outbox` lists it
apart instead of counting it as waiting; outbox.status gains 'expired' (too old to send when a transport came)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_dispatchers",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("serves", sa.String(length=200), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_dispatchers")),
    )
    with op.batch_alter_table("outbox_lanes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unserved_since", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_lanes", schema=None) as batch_op:
        batch_op.drop_column("unserved_since")
    op.drop_table("outbox_dispatchers")
    # the older code knows no 'expired': such a row was given up on, which is what 'dead' says (and lists)
    op.execute("UPDATE outbox SET status = 'dead' WHERE status = 'expired'")
