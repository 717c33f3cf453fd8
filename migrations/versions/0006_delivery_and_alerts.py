"""delivery and alerts: outbox lanes, alert states, the scheduler's lease, indexes for the scans

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_lanes",
        sa.Column("audience", sa.String(length=128), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("leased_until", sa.DateTime(), nullable=True),
        sa.Column("leased_by", sa.String(length=64), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("audience", name=op.f("pk_outbox_lanes")),
    )
    op.create_table(
        "outbox_targets",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_outbox_targets_outbox_id_outbox"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("outbox_id", "target", name=op.f("pk_outbox_targets")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(), nullable=True),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("key", name=op.f("uq_alerts_key")),
    )
    op.create_index(
        "ix_alerts_active_kind",
        "alerts",
        ["kind"],
        unique=False,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_by", sa.String(length=64), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_outbox_audience_status_id"), ["audience", "status", "id"], unique=False)
    # rows leased by the old dispatcher ("sending") are simply due again: lanes replace row leases
    op.execute("UPDATE outbox SET status = 'pending' WHERE status = 'sending'")
    epoch = "TIMESTAMP '2000-01-01 00:00:00'" if op.get_bind().dialect.name == "postgresql" else "'2000-01-01 00:00:00'"
    op.execute(
        "INSERT INTO outbox_lanes (audience, not_before, leased_by, last_error) "
        f"SELECT DISTINCT audience, {epoch}, '', '' FROM outbox"
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orders_status_status_changed_at"), ["status", "status_changed_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_orders_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action_at"), ["action", "at"], unique=False)
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_started_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_column("round_started_at")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_action_at"))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_created_at"))
        batch_op.drop_index(batch_op.f("ix_orders_status_status_changed_at"))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_audience_status_id"))
        batch_op.drop_column("sent_by")
    op.drop_table("leases")
    op.drop_index("ix_alerts_active_kind", table_name="alerts", sqlite_where=sa.text("active"),
                  postgresql_where=sa.text("active"))  # fmt: skip
    op.drop_table("alerts")
    op.drop_table("outbox_targets")
    op.drop_table("outbox_lanes")
