"""Notifications for an audience no running process serves (a customer's, on a desk without Telegram) are marked as
such by the dispatcher when it looks, not counted as waiting, and listed apart by `admin outbox` with why and what
to do; once a process serves them they go again (the stale ones expire instead). Processes with different
transports on one database never mark each other's lanes. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from adapters.delivery import DeliveryPolicy, Dispatcher
from adapters.sql import tables as t
from adapters.sql.retention import purge_sent
from bot.app.bootstrap import Desk
from bot.conversation.i18n import Translator
from bot.conversation.replies import render
from domain import commands as c
from domain.results import DeadLettersView
from domain.users import Front
from tests.integration.seed import seed
from tests.integration.test_outbox import Recorder, fixed, shipped, statuses

o, lane = t.outbox.c, t.outbox_lanes.c
STAFF = ("channel:", "user:", "role:")


class Team(Recorder):
    """What Slack serves: channels, people, roles."""

    prefixes = STAFF

    def accepts(self, audience: str) -> bool:
        return audience.startswith(STAFF)


class Customers(Recorder):
    """What Telegram serves: customers' contacts."""

    prefixes = ("customer:",)

    def accepts(self, audience: str) -> bool:
        return audience.startswith("customer:")


class Down(Customers):
    """Telegram configured but not connected: no lanes offered now (as HeldTransport while degraded)."""

    prefixes = ()  # type: ignore[assignment]

    def accepts(self, audience: str) -> bool:
        return False


def process(
    desk: Desk, transport: Recorder, name: str, serves: Sequence[str] | None = None, **policy: object
) -> Dispatcher:
    """One bot process's dispatcher (its own name, as every process has)."""
    chosen = replace(DeliveryPolicy(), workers=1, **policy)  # type: ignore[arg-type]
    return Dispatcher(desk.engine, desk.clock, {"t": transport}, chosen, name=name, serves=serves)  # type: ignore[dict-item]


def marked(desk: Desk) -> dict[str, bool]:
    with desk.engine.connect() as conn:
        return {a: since is not None for a, since in conn.execute(select(lane.audience, lane.unserved_since))}


def outbox_view(desk: Desk) -> DeadLettersView:
    view = desk.bus.handle(c.ListDeadLetters(), desk.context(Front.shell, "admin"))
    assert isinstance(view, DeadLettersView)
    return view


def shown(desk: Desk, language: str) -> str:
    """`admin outbox` as the admin reads it."""
    return render(outbox_view(desk), Translator(language, ZoneInfo("Asia/Shanghai")), desk.clock.now().date()).text()


def age(desk: Desk, audience: str, first: int, days: float) -> None:
    """The ``first`` rows of a lane were written ``days`` ago."""
    with desk.engine.begin() as conn:
        ids = conn.execute(select(o.id).where(o.audience == audience).order_by(o.id).limit(first)).scalars().all()
        conn.execute(update(t.outbox).where(o.id.in_(ids)).values(created_at=desk.clock.now() - timedelta(days=days)))


@pytest.fixture
def mail(any_desk: Desk) -> Desk:
    """Two for the orders channel, twelve for CUST-001's contacts, three for CUST-002's."""
    seed(any_desk)
    shipped(any_desk, [1, 2])
    shipped(any_desk, range(10, 22), "customer:CUST-001")
    shipped(any_desk, [30, 31, 32], "customer:CUST-002")
    return any_desk


def test_a_kind_no_process_serves_is_marked_and_listed_apart_with_why(mail: Desk) -> None:
    slack = process(mail, Team(), "slack-1")
    assert outbox_view(mail).backlog.pending == 17  # nobody has looked yet
    assert slack.run_once() == 2
    assert marked(mail) == {"channel:orders": False, "customer:CUST-001": True, "customer:CUST-002": True}
    b = outbox_view(mail).backlog
    assert (b.pending, b.unserved, b.unserved_audiences) == (0, 15, 2)  # not counted as waiting
    assert [(g.audience, g.count) for g in b.unserved_lanes] == [("customer:CUST-001", 12), ("customer:CUST-002", 3)]
    assert statuses(mail, "customer:CUST-001") == [("pending", 0)] * 12  # kept, not given up on

    en = shown(mail, "en")
    assert "Nothing was given up on; 0 waiting" in en
    assert "no Telegram configured: 12 notification(s) for customer CUST-001" in en
    assert "serves these 15 notification(s) (not counted as waiting)" in en and "TELEGRAM_BOT_TOKEN" in en
    zh = shown(mail, "zh")
    assert "未配置 Telegram：发给客户 CUST-001 的通知 12 条" in zh and "共 15 条，不计入待发送" in zh


def test_new_rows_on_a_marked_lane_count_as_unserved_at_once(mail: Desk) -> None:
    process(mail, Team(), "slack-1").run_once()
    shipped(mail, [40], "customer:CUST-001")
    assert outbox_view(mail).backlog.unserved == 16


def test_a_new_audience_is_marked_at_the_next_look(mail: Desk) -> None:
    slack = process(mail, Team(), "slack-1")
    slack.run_once()
    shipped(mail, [50], "customer:CUST-003")
    assert outbox_view(mail).backlog.pending == 1
    slack.run_once()  # the clock has not moved: every pass looks
    assert outbox_view(mail).backlog.unserved == 16


def test_served_again_the_young_go_and_the_stale_expire(mail: Desk) -> None:
    clock = fixed(mail)
    process(mail, Team(), "slack-1").run_once()
    age(mail, "customer:CUST-001", 4, days=10)  # older than delivery.stale_days (7)
    clock.advance(hours=1)
    telegram = Customers()
    assert process(mail, telegram, "telegram-1").run_once() == 11  # a process with Telegram started
    assert marked(mail)["customer:CUST-001"] is False
    assert telegram.texts("customer:CUST-001") == [f"SO-{i:06d}" for i in range(14, 22)]
    assert statuses(mail, "customer:CUST-001")[:4] == [("expired", 0)] * 4
    with mail.engine.connect() as conn:
        assert "stale_days" in conn.execute(select(o.last_error).where(o.status == "expired")).scalars().first()
    b = outbox_view(mail).backlog
    assert (b.pending, b.unserved, b.expired) == (0, 0, 4)
    en = shown(mail, "en")
    assert "4 notification(s) waited longer than `delivery.stale_days`" in en
    assert "not counted as waiting" not in en


def test_stale_days_zero_sends_them_all(mail: Desk) -> None:
    process(mail, Team(), "slack-1").run_once()
    age(mail, "customer:CUST-001", 4, days=100)
    assert process(mail, Customers(), "telegram-1", stale_days=0).run_once() == 15


def test_two_processes_with_different_transports_do_not_mark_each_other(mail: Desk) -> None:
    shipped(mail, [60], "user:lily")
    slack, telegram = Team(), Customers()
    s, tg = process(mail, slack, "slack-1"), process(mail, telegram, "telegram-1")
    tg.run_once()  # the Telegram process looks first: the Slack process has said nothing yet
    assert marked(mail)["channel:orders"] is True  # for the moment nobody serves the team ...
    assert s.run_once() == 3  # ... until the Slack process, looking, finds both served
    assert not any(marked(mail).values())
    assert tg.run_once() == 0 and s.run_once() == 0
    assert not any(marked(mail).values())
    assert telegram.texts() and slack.texts("user:lily") == ["SO-000060"]


def test_a_process_whose_platform_is_down_still_counts_as_serving_it(mail: Desk) -> None:
    """Telegram configured but not connected (an outage, a token being fixed): an outage, not a desk without it."""
    down = process(mail, Down(), "telegram-1", serves=("customer:",))
    assert down.run_once() == 0
    process(mail, Team(), "slack-1").run_once()
    assert not any(marked(mail).values())
    assert outbox_view(mail).backlog.pending == 15


def test_a_stopped_process_unserves_at_once_and_a_dead_one_after_its_presence(mail: Desk) -> None:
    clock = fixed(mail)
    s = process(mail, Team(), "slack-1", presence=300.0)
    tg = process(mail, Customers(), "telegram-1", presence=300.0)
    tg.run_once(), s.run_once()
    tg.close()  # stopped cleanly: it says so
    shipped(mail, [70], "customer:CUST-001")
    s.run_once()
    assert marked(mail)["customer:CUST-001"] is True

    tg2 = process(mail, Customers(), "telegram-2", presence=300.0)
    assert tg2.run_once() == 1  # a new Telegram process: served again
    assert marked(mail)["customer:CUST-001"] is False
    shipped(mail, [71], "customer:CUST-001")  # then it dies without a word
    clock.advance(seconds=299)
    s.run_once()
    assert marked(mail)["customer:CUST-001"] is False  # still presumed alive
    clock.advance(seconds=2)
    s.run_once()
    assert marked(mail)["customer:CUST-001"] is True
    assert outbox_view(mail).backlog.unserved == 1


def test_a_process_that_serves_nothing_marks_nothing(mail: Desk) -> None:
    process(mail, Down(), "idle", serves=()).run_once()
    assert not any(marked(mail).values())


def test_retention_deletes_unserved_rows_like_sent_ones_and_keeps_what_a_process_serves(mail: Desk) -> None:
    process(mail, Team(), "slack-1").run_once()  # the channel's two rows are sent
    age(mail, "customer:CUST-001", 5, days=40)
    age(mail, "customer:CUST-002", 3, days=40)
    with mail.engine.begin() as conn:  # CUST-002 is served after all (a Telegram process) but its rows wait on
        conn.execute(update(t.outbox_lanes).where(lane.audience == "customer:CUST-002").values(unserved_since=None))
    assert purge_sent(mail.engine, mail.clock.now() - timedelta(days=30)) == 5
    assert statuses(mail, "customer:CUST-001") == [("pending", 0)] * 7
    assert statuses(mail, "customer:CUST-002") == [("pending", 0)] * 3


def test_the_shell_of_a_desk_without_telegram_says_why_customers_are_not_told(any_desk: Desk) -> None:
    """`make run` on a fresh machine: the shell delivers to the team and nothing serves customers."""
    from bot.app.shell_app import run_shell

    seed(any_desk)
    out = io.StringIO()
    script = "new CUST-001 NUT-M8 10 due 2026-12-31\nconfirm SO-2026-000001\n/as admin\nadmin outbox\n"
    assert run_shell(any_desk, "lily", io.StringIO(script), out, deliver=True) == 0
    said = out.getvalue().split("admin> admin outbox")[1]
    assert "待发送 0 条" in said  # the team's notifications were printed; the customer's are not "waiting"
    assert "未配置 Telegram：发给客户 CUST-001 的通知 1 条" in said and "TELEGRAM_BOT_TOKEN" in said


def test_a_telegram_process_serves_customers_while_telegram_is_still_connecting(mail: Desk) -> None:
    """The runtime says what is configured, not what is up: until Telegram answers, customers' lanes wait (not
    marked), and the team's, which no process here serves, are marked."""
    from bot.app.runtime import build_runtime
    from bot.app.telegram_runtime import TelegramSecrets

    rt = build_runtime(mail, None, TelegramSecrets("123:abc", api_url="http://127.0.0.1:9"), scheduler=False)
    try:
        assert not rt.health.ok("telegram")
        assert rt.loop.dispatcher.serves == ("customer:",)
        assert rt.loop.dispatcher.run_once() == 0
        assert marked(mail) == {"channel:orders": True, "customer:CUST-001": False, "customer:CUST-002": False}
    finally:
        rt.loop.dispatcher.close()
        rt.telegram.stop()
