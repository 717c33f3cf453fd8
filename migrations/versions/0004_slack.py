"""slack: message references for in-place updates, signatures already served

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_messages")),
        sa.UniqueConstraint("channel", "ts", name=op.f("uq_slack_messages_channel_ts")),
    )
    op.create_index(op.f("ix_slack_messages_subject"), "slack_messages", ["subject"], unique=False)
    op.create_table(
        "slack_seen",
        sa.Column("signature", sa.String(length=80), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_slack_seen")),
    )
    op.create_index(op.f("ix_slack_seen_seen_at"), "slack_seen", ["seen_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_seen_seen_at"), table_name="slack_seen")
    op.drop_table("slack_seen")
    op.drop_index(op.f("ix_slack_messages_subject"), table_name="slack_messages")
    op.drop_table("slack_messages")
