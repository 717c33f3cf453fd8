"""outbox retention: an index on (status, sent_at), so the scheduler finds sent rows old enough to delete
without reading the whole outbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 10:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_outbox_status_sent_at"), "outbox", ["status", "sent_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_status_sent_at"), table_name="outbox")
