"""The schema: every table the core keeps. Alembic migrations are generated from this metadata."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

# the chat front ends' tables live in chat_tables; imported here so every table is in the metadata
from adapters.sql.chat_tables import contacts, invitations, slack_messages, slack_seen
from adapters.sql.delivery_tables import alerts, leases, outbox_dispatchers, outbox_lanes, outbox_targets
from adapters.sql.meta import metadata, stored_enum
from adapters.sql.types import Money, Quantity, RoleSet, UTCDateTime
from domain.changes import CRStatus
from domain.lifecycle import Status
from domain.parties import MakeOrBuy, Tier
from domain.stock import MoveKind
from domain.supply import POStatus, WOStatus
from domain.users import Role

customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("tier", stored_enum(Tier), nullable=False),
    Column("credit_limit", Money(), nullable=True),
    Column("payment_terms", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("contacts", Text, nullable=False, default=""),
    # the name's pinyin initials (沈阳鑫源… -> syxy…), kept by adapters.sql.mapping on every save: `new syxy …`
    Column("name_initials", String(200), nullable=False, server_default=""),
)

products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("list_price", Money(), nullable=False),
    Column("unit_cost", Money(), nullable=False),
    Column("safety_stock", Quantity(), nullable=False),
    Column("lead_time_days", Integer, nullable=False),
    Column("make_or_buy", stored_enum(MakeOrBuy), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, default=""),
    Column("language", String(8), nullable=True),
    Column("slack_id", String(32), nullable=True, unique=True),
    Column("telegram_id", String(32), nullable=True, unique=True),
    Column("roles", RoleSet(Role), nullable=False, default=""),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("source", String(16), nullable=False),
    Column("due_date", Date, nullable=True),
    Column("rush", Boolean, nullable=False, default=False),
    Column("po_ref", String(64), nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("status", stored_enum(Status), nullable=False),
    Column("held_from", stored_enum(Status), nullable=True),
    Column("carrier", String(64), nullable=False, default=""),
    Column("tracking", String(64), nullable=False, default=""),
    Column("amount", Money(), nullable=False),
    Column("version", Integer, nullable=False),  # revisions of the terms agreed with the customer
    Column("last_line_no", Integer, nullable=False, default=0),
    Column("updated_at", UTCDateTime(), nullable=True),
    Column("status_changed_at", UTCDateTime(), nullable=True),
    # The optimistic lock: bumped by the ORM on every UPDATE of the row, stage moves included.
    Column("row_version", Integer, nullable=False, server_default="1"),
    # an imported order's own reference (the file's order_ref): a file imported twice does not double it
    Column("external_ref", String(64), nullable=True),
    # a line is promised after the date the customer asked for (kept by the order; shown, and scanned)
    Column("at_risk", Boolean, nullable=False, default=False),
    UniqueConstraint("customer_id", "external_ref"),
    # list/credit/overdue scans each walk one of these instead of the whole table
    Index(None, "customer_id", "status"),
    Index(None, "status", "due_date"),
    Index(None, "status", "id"),  # `list status X`: newest first without sorting thousands of rows
    Index(None, "owner", "status"),
    Index(None, "status", "status_changed_at"),  # the stage-SLA scan: who has been in a stage since before X
    Index(None, "created_at"),  # the daily summary's new orders
    # the at-risk scan reads only the few orders at risk
    Index("ix_orders_at_risk", "status", sqlite_where=text("at_risk"), postgresql_where=text("at_risk")),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("quantity", Quantity(), nullable=False),
    Column("unit_price", Money(), nullable=False),
    Column("requested_date", Date, nullable=True),
    Column("confirmed_date", Date, nullable=True),
    Column("reserved_qty", Quantity(), nullable=False, default=0, server_default="0"),
    Column("backorder_qty", Quantity(), nullable=False, default=0, server_default="0"),
    Column("shipped_qty", Quantity(), nullable=False, default=0, server_default="0"),
    UniqueConstraint("order_id", "line_no"),
    Index(None, "product_id"),
    # the few lines that hold or wait for stock, per product: `stock`, `atp` and receipts read only these
    Index(
        "ix_order_lines_holding",
        "product_id",
        sqlite_where=text("reserved_qty > 0 OR backorder_qty > 0"),
        postgresql_where=text("reserved_qty > 0 OR backorder_qty > 0"),
    ),
    # fewer still wait: what is backordered per product (impact analysis, promising, settling) reads only these
    Index(
        "ix_order_lines_waiting",
        "product_id",
        sqlite_where=text("backorder_qty > 0"),
        postgresql_where=text("backorder_qty > 0"),
    ),
)

order_versions = Table(
    "order_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_number", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("front", String(16), nullable=False),
    Column("action", String(32), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("snapshot", JSON, nullable=False),
    UniqueConstraint("order_number", "version"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("front", String(16), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("version", Integer, nullable=True),
    Column("detail", Text, nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Index(None, "subject", "id"),
    Index(None, "action", "at"),  # the daily summary: confirmed / shipped today
)

number_series = Table(
    "number_series",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("last", Integer, nullable=False),
)

# The only way a notification leaves the core: one row per event and audience, written in the
# transaction that made the change; dispatchers claim rows, deliver them, and mark them sent.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("audience", String(128), nullable=False),
    Column("payload", JSON, nullable=False),
    # pending | sent | dead | expired (waited longer than delivery.stale_days for a transport: never sent)
    Column("status", String(16), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("available_at", UTCDateTime(), nullable=False),  # held until then (quiet hours)
    Column("sent_at", UTCDateTime(), nullable=True),  # when it was settled: sent, or expired
    Column("sent_by", String(64), nullable=False, default="", server_default=""),  # which dispatcher
    Column("last_error", Text, nullable=False, default=""),
    Index(None, "status", "audience", "id"),
    Index(None, "audience", "status", "id"),  # a lane's next rows, in order
    Index(None, "status", "sent_at"),  # the oldest sent rows, deleted after delivery.keep_sent_days
)


# Stock per product and warehouse. The checks are the last line of defence: the code never oversells,
# and if it ever tried, the database would refuse the transaction.
stock = Table(
    "stock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("warehouse", String(16), nullable=False),
    Column("on_hand", Quantity(), nullable=False),
    Column("reserved", Quantity(), nullable=False),
    Column("on_order", Quantity(), nullable=False),
    Column("planned", Quantity(), nullable=False),
    Column("low", Boolean, nullable=False),
    UniqueConstraint("product_id", "warehouse"),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
)

stock_moves = Table(
    "stock_moves",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("warehouse", String(16), nullable=False),
    Column("kind", stored_enum(MoveKind), nullable=False),
    Column("on_hand_delta", Quantity(), nullable=False),
    Column("reserved_delta", Quantity(), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("order_number", String(32), nullable=False),
    Column("line_no", Integer, nullable=True),
    Column("ref", String(32), nullable=False),
    Index(None, "product_id", "warehouse", "id"),
    Index(None, "order_number"),
)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("supplier", String(200), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("eta", Date, nullable=True),
    Column("status", stored_enum(POStatus), nullable=False),
    Index(None, "status"),
)

purchase_lines = Table(
    "purchase_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("po_id", ForeignKey("purchase_orders.id", ondelete="CASCADE"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("quantity", Quantity(), nullable=False),
    Column("received", Quantity(), nullable=False),
    UniqueConstraint("po_id", "line_no"),
    Index(None, "product_id"),
)

work_orders = Table(
    "work_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("quantity", Quantity(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("order_number", String(32), nullable=False),
    Column("line_no", Integer, nullable=True),
    Column("due_date", Date, nullable=True),
    Column("status", stored_enum(WOStatus), nullable=False),
    Column("done", Quantity(), nullable=False),
    Column("scrap", Quantity(), nullable=False),
    Index(None, "order_number", "line_no"),
    Index(None, "product_id", "status"),
)


# Change requests to confirmed orders, their approvals, and who stands in for an approver while away.
change_requests = Table(
    "change_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("order_number", String(32), nullable=False),
    Column("customer", String(32), nullable=False),
    Column("requested_by", String(64), nullable=False),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("front", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("base_version", Integer, nullable=False),
    # Each holds what the domain replaces wholesale (never mutated in place), so plain JSON is enough.
    Column("changes", JSON, nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("impact", JSON, nullable=False),
    Column("required", JSON, nullable=False),
    Column("status", stored_enum(CRStatus), nullable=False),
    Column("round", Integer, nullable=False),
    Column("round_started_at", UTCDateTime(), nullable=True),  # approvals wait from here (alerts)
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("applied_version", Integer, nullable=True),
    Column("note", Text, nullable=False, default=""),
    Index(None, "order_number"),
    Index(None, "status"),
    Index(None, "customer", "requested_on"),  # the monthly count per customer, and the monthly report
)

cr_decisions = Table(
    "cr_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("change_request_id", ForeignKey("change_requests.id", ondelete="CASCADE"), nullable=False),
    Column("role", stored_enum(Role, 32), nullable=False),
    Column("approver", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),  # approved | rejected
    Column("at", UTCDateTime(), nullable=False),
    Column("round", Integer, nullable=False),
    Column("on_behalf_of", String(64), nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("order_version", Integer, nullable=False),
    # an admin deciding for a role they do not hold (`approve CR-… as ROLE`): shown as "admin as ROLE"
    Column("by_admin", Boolean, nullable=False, default=False),
    # one word per role and round: of two concurrent approvals for the same role, one fails on commit
    UniqueConstraint("change_request_id", "round", "role"),
)

delegations = Table(
    "delegations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("delegator", String(64), nullable=False),
    Column("backup", String(64), nullable=False),
    Column("role", stored_enum(Role, 32), nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("active", Boolean, nullable=False),
    Index(None, "backup", "active"),
)

__all__ = [
    "alerts",
    "contacts",
    "invitations",
    "leases",
    "metadata",
    "outbox_dispatchers",
    "outbox_lanes",
    "outbox_targets",
    "slack_messages",
    "slack_seen",
]
