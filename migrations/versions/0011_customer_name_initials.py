"""customers: name_initials — the pinyin initials of the name (沈阳鑫源机械有限公司 -> syxyjxyxgs), so a customer is
found by `new syxy …` with a LIKE in the database; filled here for the customers already there, and kept on every
save by the adapter (adapters.sql.mapping)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.sql.search_keys import name_initials

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_initials", sa.String(length=200), server_default="", nullable=False))
    customers = sa.table("customers", sa.column("id", sa.Integer), sa.column("name", sa.String),
                         sa.column("name_initials", sa.String))  # fmt: skip
    conn = op.get_bind()
    rows = conn.execute(sa.select(customers.c.id, customers.c.name)).all()
    for row_id, name in rows:
        key = name_initials(name)
        if key:
            conn.execute(customers.update().where(customers.c.id == row_id).values(name_initials=key))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("name_initials")
