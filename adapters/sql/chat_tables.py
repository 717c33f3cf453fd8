"""Tables of the chat front ends: where Slack messages were posted (to update them later), the signatures
of Slack requests already served, and customers' Telegram invitations and bound chats."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, UniqueConstraint, text

from adapters.sql.meta import metadata
from adapters.sql.types import UTCDateTime

# Where the bot posted a message it will update later (an approval request: every copy, in the approvals
# channel and in each approver's DM, is updated in place after every decision).
slack_messages = Table(
    "slack_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subject", String(64), nullable=False),  # e.g. CR-12
    Column("target", String(32), nullable=False),  # where it was sent: a channel id, or a user id for a DM
    Column("channel", String(32), nullable=False),  # the channel Slack answered (a DM's own id)
    Column("ts", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("channel", "ts"),
    Index(None, "subject"),
)

# Signatures of inbound Slack requests already served: a replayed request (same signature within the
# 5-minute window Slack allows) is refused, whichever bot process it reaches.
slack_seen = Table(
    "slack_seen",
    metadata,
    Column("signature", String(80), primary_key=True),
    Column("seen_at", UTCDateTime(), nullable=False),
    Index(None, "seen_at"),
)

# Customers' contacts (issue 6): single-use invitations, stored only as the SHA-256 of their code, and the
# chats bound to a customer (one active binding per chat; a revoked or unlinked binding stays, inactive).
invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer", String(32), nullable=False),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
    Column("used_chat", String(64), nullable=False, default=""),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer", String(32), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("telegram_user", String(64), nullable=False, default=""),
    Column("name", String(200), nullable=False, default=""),
    Column("language", String(8), nullable=True),
    Column("bound_at", UTCDateTime(), nullable=False),
    Column("invited_by", String(64), nullable=False),
    Column("active", Boolean, nullable=False),
    Index(None, "chat_id", "active"),  # a chat's active binding: every message a customer sends
    # one active binding per chat, even when two invitation links are opened in the same instant
    Index(
        "ux_contacts_active_chat", "chat_id", unique=True, sqlite_where=text("active"), postgresql_where=text("active")
    ),
    Index(None, "customer", "active"),  # a customer's chats: `contacts CUST`, and every push to them
)
