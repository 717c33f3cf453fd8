"""change requests, their decisions, delegations; orders.row_version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:12:31.204518

``orders.version`` now counts revisions of an order's terms only; the new ``row_version`` is the
optimistic lock the ORM bumps on every write. Existing rows start it at 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("sales", "sales_manager", "finance", "production", "warehouse", "tech", "admin")


def _role() -> sa.Enum:
    return sa.Enum(*ROLES, name="role", native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("row_version", sa.Integer(), server_default="1", nullable=False))

    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("order_number", sa.String(length=32), nullable=False),
        sa.Column("customer", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("front", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("impact", sa.JSON(), nullable=False),
        sa.Column("required", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "approved", "rejected", "withdrawn", "stale", name="crstatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("applied_version", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_change_requests_number")),
    )
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_requests_order_number"), ["order_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_requests_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_change_requests_customer_requested_on"), ["customer", "requested_on"], unique=False
        )

    op.create_table(
        "cr_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_request_id", sa.Integer(), nullable=False),
        sa.Column("role", _role(), nullable=False),
        sa.Column("approver", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("on_behalf_of", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("order_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["change_requests.id"],
            name=op.f("fk_cr_decisions_change_request_id_change_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cr_decisions")),
        sa.UniqueConstraint(
            "change_request_id", "round", "role", name=op.f("uq_cr_decisions_change_request_id_round_role")
        ),
    )

    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegator", sa.String(length=64), nullable=False),
        sa.Column("backup", sa.String(length=64), nullable=False),
        sa.Column("role", _role(), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegations_backup_active"), ["backup", "active"], unique=False)
    # backordered lines per product: summing what waits no longer walks every reserved line
    op.create_index(
        "ix_order_lines_waiting",
        "order_lines",
        ["product_id"],
        sqlite_where=sa.text("backorder_qty > 0"),
        postgresql_where=sa.text("backorder_qty > 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_order_lines_waiting", table_name="order_lines")
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegations_backup_active"))

    op.drop_table("delegations")
    op.drop_table("cr_decisions")
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_requests_customer_requested_on"))
        batch_op.drop_index(batch_op.f("ix_change_requests_status"))
        batch_op.drop_index(batch_op.f("ix_change_requests_order_number"))

    op.drop_table("change_requests")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("row_version")
