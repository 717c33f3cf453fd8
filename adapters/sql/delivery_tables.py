"""Tables of delivery and the scheduler: the outbox's lanes (one per audience, so one destination's
messages go out in order, paced, and by one dispatcher at a time), alert states (raised once per
condition, cleared when resolved), and leases (which process runs the scheduler)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, text

from adapters.sql.meta import metadata
from adapters.sql.types import UTCDateTime

# One row per audience that ever had a message. A dispatcher leases a lane (FOR UPDATE SKIP LOCKED on
# PostgreSQL) and sends its rows in outbox order; a failure blocks only that lane until `not_before`.
outbox_lanes = Table(
    "outbox_lanes",
    metadata,
    Column("audience", String(128), primary_key=True),
    Column("not_before", UTCDateTime(), nullable=False),  # backoff, Retry-After or pacing: nothing before this
    Column("leased_until", UTCDateTime(), nullable=True),
    Column("leased_by", String(64), nullable=False, default=""),
    Column("last_error", Text, nullable=False, default=""),
    # the pacer's schedule for the lane's destinations ({key: epoch seconds}, GCRA), left by the dispatcher
    # that worked it last: the next one, in whichever process, goes on from it instead of bursting anew
    Column("pace", JSON, nullable=True),
    # set when a dispatcher looked and found no live delivering process serving the lane's audience kind (a
    # customer's lane on a desk without Telegram): `admin outbox` lists it apart, not as waiting; cleared when one
    # does (see adapters.sql.presence). It never keeps a process that serves the kind from claiming the lane.
    Column("unserved_since", UTCDateTime(), nullable=True),
)

# The processes that deliver, each with the audience kinds its transports serve ("channel:,role:,user:") and a
# heartbeat: a kind is unserved only when no live process serves it, so a Slack process and a Telegram process
# on one database never mark each other's lanes. A row is refreshed while its process delivers, deleted when it
# stops, and ignored once `expires_at` has passed (a process that died).
outbox_dispatchers = Table(
    "outbox_dispatchers",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("serves", String(200), nullable=False),
    Column("seen_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)

# The targets a notification already reached when it goes to several (a role's DMs, a customer's contacts):
# a send retried after failing half-way skips them, so nobody gets it twice.
outbox_targets = Table(
    "outbox_targets",
    metadata,
    Column("outbox_id", ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True),
    Column("target", String(64), primary_key=True),
)

# An alert's state: raised once while its condition holds (`active`), escalated to a higher `level`
# at most once per level, cleared when the condition is gone; raised again (times + 1) if it comes back.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(160), nullable=False, unique=True),  # e.g. overdue:SO-2026-000123
    Column("kind", String(32), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("level", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("raised_at", UTCDateTime(), nullable=False),
    Column("cleared_at", UTCDateTime(), nullable=True),
    Column("escalated_at", UTCDateTime(), nullable=True),  # when it last moved up a level (`admin alerts`)
    Column("times", Integer, nullable=False),
    Column("detail", JSON, nullable=False),
    # the scans read only the active alerts of their kind, however many were cleared over the years
    Index("ix_alerts_active_kind", "kind", sqlite_where=text("active"), postgresql_where=text("active")),
)

# Who runs the scheduler: a lease renewed by its holder (SQLite), or on PostgreSQL a record of who holds
# the advisory lock. `orderbot` shows it in `admin alerts`.
leases = Table(
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(128), nullable=False),
    Column("since", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)
