"""orders: external_ref (an imported order's own reference, unique per customer, so a file imported twice
does not double its orders) and at_risk (a line promised after the date the customer asked for); alerts:
escalated_at (when an alert was escalated, shown in `admin alerts`)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_ref", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("at_risk", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(
            batch_op.f("uq_orders_customer_id_external_ref"), ["customer_id", "external_ref"]
        )
        batch_op.create_index(
            "ix_orders_at_risk", ["status"], unique=False, sqlite_where=sa.text("at_risk"),
            postgresql_where=sa.text("at_risk"),
        )  # fmt: skip
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_at_risk")
        batch_op.drop_constraint(batch_op.f("uq_orders_customer_id_external_ref"), type_="unique")
        batch_op.drop_column("at_risk")
        batch_op.drop_column("external_ref")
