"""Issue 13 item 13 on a real database (SQLite, and PostgreSQL when ORDERBOT_TEST_DATABASE_URL is set): the pinyin
initials are stored with the customer (and filled in by migration 0011 for the customers already there), so a
chat finds a customer by name or initials through the SQL adapter; typed wildcards stay literal in `find`."""

from __future__ import annotations

from alembic import command
from sqlalchemy import insert, select

from adapters.sql import tables as t
from adapters.sql.engine import make_engine
from adapters.sql.schema import alembic_config
from bot.app.bootstrap import Desk
from bot.conversation.chat import Chat
from domain.parties import Tier
from domain.users import Front
from tests.integration.seed import seed


def test_migration_0011_fills_the_initials_of_existing_customers(any_url: str) -> None:
    engine = make_engine(any_url)
    cfg = alembic_config(any_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0010")
        conn.execute(  # the columns of 0010: no initials yet (the column's default is on the server, not sent)
            insert(t.customers).values(
                code="CUST-009", name="沈阳鑫源机械有限公司", tier=Tier.normal, payment_terms="NET30", language="zh",
                contacts="",
            )
        )  # fmt: skip
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        stored = conn.execute(select(t.customers.c.name_initials).where(t.customers.c.code == "CUST-009")).scalar()
    engine.dispose()
    assert stored == "syxyjxyxgs"


def test_a_chat_finds_customers_by_name_and_initials_on_the_database(any_desk: Desk) -> None:
    seed(any_desk)
    chat = Chat(any_desk)

    def say(line: str) -> tuple[bool, str]:
        reply = chat.handle(Front.shell, "lily", line)
        return reply.error, reply.text()

    error, text = say("new hdjx BOLT-M8X30 1000 @0.11")  # 华东机械有限公司
    assert not error and "CUST-001 华东机械有限公司" in text, text
    error, text = say("new 中车 BOLT-M8X30 10 @0.11")
    assert not error and "CUST-003 中车配套件集团" in text, text
    error, text = say("客户 有限公司")  # 华东机械有限公司 only: Acme Tools Ltd is no 有限公司 in Chinese
    assert not error and "CUST-001" in text and "CUST-002" not in text, text
    error, text = say("find %%")
    assert not error and "SO-" not in text, text
