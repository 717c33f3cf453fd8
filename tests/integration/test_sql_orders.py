"""The order core on a real database (SQLite, and PostgreSQL when ORDERBOT_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.conversation.chat import Chat
from domain import commands as c
from domain.errors import ConcurrentUpdate, ConfirmationFailed, PermissionDenied
from domain.users import Front
from tests.integration.seed import seed


@pytest.fixture
def chat(any_desk: Desk) -> Chat:
    seed(any_desk)
    return Chat(any_desk)


def say(chat: Chat, who: str, line: str) -> str:
    reply = chat.handle(Front.shell, who, line)
    assert not reply.error, reply.text()
    return reply.text()


def outbox_kinds(desk: Desk) -> list[str]:
    with desk.engine.connect() as conn:
        return list(conn.execute(select(t.outbox.c.kind).order_by(t.outbox.c.id)).scalars())


def test_whole_life_of_an_order(chat: Chat) -> None:
    desk = chat.desk
    out = say(chat, "lily", "new CUST-001 BOLT-M8X30 1000 @0.11 WASHER-M8 3000 due 12月5日 po PO-7781")
    assert "SO-2026-000001" in out
    number = "SO-2026-000001"
    assert "v2" in say(chat, "lily", f"set {number} due 12月8日")  # a draft's terms change: a new version
    assert "confirmed" in say(chat, "lily", f"confirm {number}")
    say(chat, "lily", f"hold {number} waiting for drawing")
    say(chat, "lily", f"resume {number}")
    say(chat, "zhao", f"advance {number}")
    say(chat, "zhao", f"advance {number}")
    say(chat, "liu", f"ship {number} 顺丰 SF1234567890")
    say(chat, "liu", f"deliver {number}")
    say(chat, "wang", f"close {number}")
    shown = say(chat, "lily", f"show {number}")
    assert "SF1234567890" in shown and "closed" in shown
    history = say(chat, "lily", f"history {number}")
    # each action in words (issue 13 item 10), not its code (in_production, delivered, closed)
    actions = ("create", "confirm", "put on hold", "resume", "start production", "mark ready to ship", "ship",
               "record the delivery", "close")  # fmt: skip
    for action in actions:
        assert action in history
    assert "in_production" not in history and "delivered" not in history
    last = [line.split() for line in history.splitlines() if line.strip().startswith("v")][-1]
    assert last[0] == "v2" and last[-1] == "close"  # every stage move is audited at the version it was on
    diff = say(chat, "lily", f"diff {number} v1 v2")
    assert "2026-12-05" in diff and "2026-12-08" in diff
    with desk.engine.connect() as conn:
        versions = conn.execute(select(func.count()).select_from(t.order_versions)).scalar_one()
        amount = conn.execute(select(t.orders.c.amount)).scalar_one()
    assert versions == 2  # as entered, and after the one edit; stage moves are audit entries
    assert amount == Decimal("180.50")  # 1000 × 0.11 + 3000 × 0.0235, exact
    # every stage move goes to the team and to the customer (their chat front end picks what to tell)
    moved = ["order_status_changed"] * 2
    assert outbox_kinds(desk) == [
        "order_created",
        "order_updated",
        *["order_confirmed"] * 2,
        *moved * 4,  # hold, resume, in production, ready
        *["order_shipped"] * 2,
        *moved * 2,  # delivered, closed
    ]
    # the customer hears of their own order only; the team of everything
    with desk.engine.connect() as conn:
        told = conn.execute(select(t.outbox.c.kind).where(t.outbox.c.audience == "customer:CUST-001")).scalars()
        assert list(told) == ["order_confirmed", *["order_status_changed"] * 4, "order_shipped",
                              *["order_status_changed"] * 2]  # fmt: skip


def test_failed_command_changes_nothing_and_writes_no_outbox_row(chat: Chat) -> None:
    say(chat, "lily", "new CUST-002 BOLT-M8X30 10000 due 2026-12-20")  # 1 200 over a 500 credit limit
    before = outbox_kinds(chat.desk)
    reply = chat.handle(Front.shell, "lily", "confirm SO-2026-000001")
    assert reply.error and "credit" in reply.text()
    assert outbox_kinds(chat.desk) == before
    with chat.desk.engine.connect() as conn:
        status = conn.execute(select(t.orders.c.status)).scalar_one()
    assert status == "draft"


def test_all_confirmation_problems_reported_at_once(chat: Chat) -> None:
    say(chat, "lily", "new CUST-002 BOLT-M8X30 20000 @0.05")
    ctx = chat.desk.context(Front.shell, "lily")
    with pytest.raises(ConfirmationFailed) as failed:
        chat.desk.bus.handle(c.ConfirmOrder("SO-2026-000001"), ctx)
    assert [code for code, _ in failed.value.problems] == ["check_no_due_date", "check_discount", "check_credit"]


def test_permission_refusal_is_audited_in_its_own_transaction(chat: Chat) -> None:
    say(chat, "lily", "new CUST-001 BOLT-M8X30 100 due 2026-12-20")
    ctx = chat.desk.context(Front.shell, "liu")
    with pytest.raises(PermissionDenied):
        chat.desk.bus.handle(c.ConfirmOrder("SO-2026-000001"), ctx)
    with chat.desk.engine.connect() as conn:
        rows = conn.execute(
            select(t.audit_log.c.actor, t.audit_log.c.action, t.audit_log.c.outcome).where(
                t.audit_log.c.outcome == "denied"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("liu", "confirm", "denied")]
    assert "liu" in say(chat, "lily", "history SO-2026-000001")


def test_stale_write_is_refused_not_lost(chat: Chat) -> None:
    """Someone else wrote a newer version meanwhile: the write is refused, never applied over it."""
    say(chat, "lily", "new CUST-001 BOLT-M8X30 100 due 2026-12-20")
    with chat.desk.uow() as uow:
        order = uow.orders.get("SO-2026-000001")
        assert order is not None
        # the other writer, as the database sees it: any write moves the row's lock counter
        uow.session.execute(text("UPDATE orders SET row_version = row_version + 1"))
        order.notes = "stale edit"
        with pytest.raises(ConcurrentUpdate):
            uow.commit()
    with chat.desk.engine.connect() as conn:
        assert conn.execute(select(t.orders.c.notes)).scalar_one() == ""


def test_order_numbers_stay_unique_under_concurrent_creation(any_desk: Desk) -> None:
    seed(any_desk)
    ctx = any_desk.context(Front.shell, "lily")
    numbers: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                numbers.append(any_desk.bus.handle(c.CreateOrder("CUST-001"), ctx).order.number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert sorted(numbers) == [f"SO-2026-{i:06d}" for i in range(1, 21)]


def test_timestamps_are_stored_utc_and_come_back_aware(chat: Chat) -> None:
    say(chat, "lily", "new CUST-001 BOLT-M8X30 100")
    with chat.desk.uow(readonly=True) as uow:
        order = uow.orders.get("SO-2026-000001")
    assert order is not None and order.created_at == chat.desk.clock.now()
    assert order.created_at.utcoffset() is not None
    shown = say(chat, "lily", "show SO-2026-000001")
    assert "2026-11-22 09:00" in shown  # 01:00 UTC shown in Asia/Shanghai


def test_list_filters_and_find(chat: Chat) -> None:
    say(chat, "lily", "new CUST-001 BOLT-M8X30 100 due 2026-12-20 po PO-XYZ")
    say(chat, "lily", "new CUST-002 NUT-M8 100 due 2026-12-21")
    say(chat, "lily", "confirm SO-2026-000002")
    assert "SO-2026-000001" not in say(chat, "lily", "list status confirmed")
    assert "SO-2026-000002" in say(chat, "lily", "list customer CUST-002")
    assert "SO-2026-000001" in say(chat, "lily", "find PO-XYZ")
    assert "SO-2026-000002" in say(chat, "lily", "find Acme")
    chat.desk.clock.advance(days=40)  # type: ignore[attr-defined]
    overdue = say(chat, "lily", "list overdue")
    assert "SO-2026-000001" in overdue and "SO-2026-000002" in overdue


def test_bad_input_gets_one_line_in_the_users_language(chat: Chat) -> None:
    reply = chat.handle(Front.shell, "wang", "确认 SO-2026-999999")
    assert reply.error and reply.title == "找不到订单 SO-2026-999999。"
    for line, expected in [
        ("confirm SO-2026-999999", "No order SO-2026-999999"),
        ("new CUST-404 BOLT-M8X30 1", "No customer CUST-404"),
        ("new CUST-001 NOPE-1 1", "No product NOPE-1"),
        ("new CUST-001 BOLT-M8X30 0", "not a quantity"),
        ("发货 SO-2026-000001", "Missing carrier"),
    ]:
        reply = chat.handle(Front.shell, "lily", line)
        assert reply.error
        assert expected in reply.title, (line, reply.title)
        assert "Traceback" not in reply.text() and "\n" not in reply.title


def test_schema_outdated_is_refused(any_url: str, clock: object) -> None:
    from adapters.sql.engine import make_engine
    from adapters.sql.schema import SchemaOutdated, require_current

    engine = make_engine(any_url)
    with pytest.raises(SchemaOutdated):
        require_current(engine)
    engine.dispose()


def test_migrations_match_the_tables(any_desk: Desk) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with any_desk.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        assert compare_metadata(ctx, t.metadata) == []


def test_sqlite_pragmas(desk: Desk) -> None:
    with desk.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_each_user_gets_their_own_language(chat: Chat) -> None:
    assert chat.handle(Front.shell, "wang", "whoami").title.startswith("你是 wang")
    assert chat.handle(Front.shell, "wang", "lang en").title == "I will answer you in English."
    assert chat.handle(Front.shell, "wang", "whoami").title.startswith("You are wang")
    refused = chat.handle(Front.shell, "wang", "lang fr")
    assert refused.error and "fr" in refused.title
