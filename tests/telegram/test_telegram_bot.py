"""The real python-telegram-bot, long polling a fake Bot API on loopback (and once by webhook): a customer's
contact binds by deep link, lists its orders, reads a status with the tracking number, asks for a new date
that an approver approves in the shell, and is told — and never sees another customer's orders."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from adapters.delivery import DeliveryPolicy, Dispatcher
from adapters.delivery.pacing import MARGIN
from adapters.sql import tables as t
from adapters.sql.outbox import write_events
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from bot.app.slack_runtime import http_server
from bot.app.telegram_runtime import TelegramRuntime, TelegramSecrets
from bot.conversation.chat import Chat
from domain import commands as c
from domain.commands import LineInput
from domain.events import OrderShipped
from domain.users import Front
from tests.conftest import T0, UNPACED, make_desk, sqlite_url
from tests.integration.seed import seed
from tests.slack import signing
from tests.telegram import updates
from tests.telegram.fake_bot_api import FakeBotApi

TOKEN = "123456:TEST-TOKEN"
ACME_CHAT, OTHER_CHAT, STAFF_CHAT = 1001, 2002, 3003


@dataclass
class World:
    desk: Desk
    fake: FakeBotApi
    runtime: TelegramRuntime
    dispatcher: Dispatcher

    def bus(self, user: str, message: object) -> Any:
        return self.desk.bus.handle(message, self.desk.context(Front.shell, user))

    def say(self, chat_id: int, text: str) -> str:
        """The contact types ``text``; returns what the bot answered in that chat."""
        before = len(self.fake.sent_texts(chat_id))
        self.fake.push_update(updates.update(message=updates.message(chat_id, text, user_id=chat_id)))
        calls = self.fake.wait_for("sendMessage", count=before + 1, where=lambda call: _chat(call) == chat_id)
        return str(calls[-1].params["text"])


def _chat(call: Any) -> int:
    return int(call.params.get("chat_id", 0))


def orders(world: World) -> dict[str, str]:
    lily, liu = "lily", "liu"
    made = {}
    for key, cust in (("shipped", "CUST-001"), ("open", "CUST-001"), ("theirs", "CUST-002")):
        lines = (LineInput("NUT-M8", Decimal(10)),)
        number = world.bus(lily, c.CreateOrder(cust, lines, date(2026, 12, 20))).order.number
        world.bus(lily, c.ConfirmOrder(number))
        made[key] = number
    world.bus("zhao", c.AdvanceOrder(made["shipped"]))
    world.bus("zhao", c.AdvanceOrder(made["shipped"]))
    world.bus(liu, c.ShipOrder(made["shipped"], "顺丰", "SF1234567890"))
    return made


@pytest.fixture
def world(tmp_path: Path, fake_bot_api: FakeBotApi) -> Iterator[World]:
    desk = make_desk(sqlite_url(tmp_path), FixedClock(T0), delivery=UNPACED)
    seed(desk)
    runtime = TelegramRuntime(desk, TelegramSecrets(TOKEN, "whsec-test", fake_bot_api.base_url))
    dispatcher = Dispatcher(desk.engine, desk.clock, {"telegram": runtime.transport})
    runtime.start(polling=True)
    try:
        yield World(desk, fake_bot_api, runtime, dispatcher)
    finally:
        runtime.stop()
        desk.close()


def invite(world: World, customer: str = "CUST-001") -> str:
    return str(world.bus("lily", c.InviteCustomer(customer)).params["code"])


def test_the_customer_story_from_deep_link_to_being_told(world: World) -> None:
    made = orders(world)
    langs = {call.params.get("language_code") for call in world.fake.calls_to("setMyCommands")}
    assert {"zh", "en"} <= langs  # the command menu in both languages

    assert "CUST-001" in world.say(ACME_CHAT, f"/start {invite(world)}")
    listed = world.say(ACME_CHAT, "/orders")
    assert made["shipped"] in listed and made["open"] in listed and made["theirs"] not in listed
    status = world.say(ACME_CHAT, f"/status {made['shipped']}")
    assert "SF1234567890" in status and "顺丰" in status

    asked = world.say(ACME_CHAT, f"/change {made['open']} date 2026-12-30 reason 工地延期")
    assert "CR-1" in asked
    cr = world.bus("wang", c.ShowChange("CR-1")).cr
    assert cr.requested_by == "customer:CUST-001" and cr.evidence == "customer via Telegram"
    shell = Chat(world.desk)  # the approver decides in the shell, as they would in Slack
    assert "CR-1" in shell.handle(Front.shell, "wang", "approve CR-1").text()
    cr = world.bus("wang", c.ShowChange("CR-1")).cr
    assert cr.status.value == "approved"
    world.dispatcher.run_once()
    told = world.fake.sent_texts(ACME_CHAT)
    assert any("CR-1" in text for text in told[-3:]) and any("2026-12-30" in text for text in told[-3:])


def test_another_customers_order_gets_the_same_answer_as_no_order(world: World) -> None:
    made = orders(world)
    world.say(ACME_CHAT, f"/start {invite(world)}")
    world.say(OTHER_CHAT, f"/start {invite(world, 'CUST-002')}")
    for command in ("/status {n}", "/change {n} date 2026-12-30 reason x"):
        theirs = world.say(ACME_CHAT, command.format(n=made["theirs"]))
        missing = world.say(ACME_CHAT, command.format(n="SO-2026-000999"))
        assert theirs.replace(made["theirs"], "N") == missing.replace("SO-2026-000999", "N")
    assert made["theirs"] in world.say(OTHER_CHAT, "/orders")
    assert made["shipped"] not in world.say(OTHER_CHAT, "/orders")


def test_unbound_chats_and_bad_codes_get_nothing(world: World) -> None:
    orders(world)
    code = invite(world)
    refused = world.say(OTHER_CHAT, "/orders")
    assert "SO-2026" not in refused
    forged = world.say(OTHER_CHAT, "/start not-a-real-code")
    world.say(ACME_CHAT, f"/start {code}")
    reused = world.say(OTHER_CHAT, f"/start {code}")
    assert forged == reused and "SO-2026" not in world.say(OTHER_CHAT, "/orders")
    late = invite(world)
    world.desk.clock.advance(hours=73)  # type: ignore[attr-defined]
    assert world.say(OTHER_CHAT, f"/start {late}") == forged


def test_paging_buttons_carry_ids_and_every_callback_is_answered(world: World) -> None:
    made = orders(world)
    world.say(ACME_CHAT, f"/start {invite(world)}")
    world.say(ACME_CHAT, "/orders")
    markup = world.fake.last("sendMessage").params.get("reply_markup")
    assert markup and all(len(b["callback_data"].encode()) <= 64 for row in markup["inline_keyboard"] for b in row)
    query = updates.callback_query(ACME_CHAT, f"s:{made['shipped']}", user_id=ACME_CHAT)
    world.fake.push_update(updates.update(callback_query=query))
    world.fake.wait_for("answerCallbackQuery")
    page = updates.callback_query(ACME_CHAT, "p:1", user_id=ACME_CHAT, message_id=2)
    world.fake.push_update(updates.update(callback_query=page))
    edited = world.fake.wait_for("editMessageText")[0].params
    assert made["open"] in edited["text"] and made["theirs"] not in edited["text"]
    assert len(world.fake.wait_for("answerCallbackQuery", count=2)) == 2
    text = world.fake.wait_for("sendMessage", where=lambda call: "SF1234567890" in str(call.params.get("text")))
    assert text


def test_a_chat_sending_too_much_is_asked_to_wait(world: World) -> None:
    limiter = world.runtime.front.limiter
    assert all(limiter.allow(4004) for _ in range(limiter.burst))
    assert not limiter.allow(4004) and limiter.allow(4005)  # per chat
    world.desk.clock.advance(seconds=61)  # type: ignore[attr-defined]
    assert limiter.allow(4004)


def test_staff_mapped_to_a_user_speak_the_whole_language(world: World) -> None:
    made = orders(world)
    with world.desk.uow() as uow:
        lily = uow.users.get("lily")
        assert lily is not None
        lily.telegram_id = str(STAFF_CHAT)
        uow.commit()
    assert made["theirs"] in world.say(STAFF_CHAT, f"show {made['theirs']}")


def test_the_webhook_refuses_a_wrong_or_missing_secret(tmp_path: Path, fake_bot_api: FakeBotApi) -> None:
    desk = make_desk(sqlite_url(tmp_path), FixedClock(T0), delivery=UNPACED)
    seed(desk)
    runtime = TelegramRuntime(desk, TelegramSecrets(TOKEN, "whsec-test", fake_bot_api.base_url))
    server = http_server(None, "127.0.0.1", 0, telegram=runtime)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    runtime.start(polling=False)
    try:
        url = f"http://127.0.0.1:{server.server_port}/telegram/webhook"
        body = json.dumps(updates.update(message=updates.message(ACME_CHAT, "/help", user_id=ACME_CHAT)))
        header = "X-Telegram-Bot-Api-Secret-Token"
        assert signing.post(url, body, {}, "application/json")[0] == 401
        assert signing.post(url, body, {header: "wrong"}, "application/json")[0] == 401
        assert fake_bot_api.calls_to("sendMessage") == []
        assert signing.post(url, body, {header: "whsec-test"}, "application/json")[0] == 200
        assert fake_bot_api.wait_for("sendMessage")[0].params["chat_id"] in (ACME_CHAT, str(ACME_CHAT))
    finally:
        server.shutdown()
        server.server_close()
        runtime.stop()
        desk.close()


def test_invite_gives_the_salesperson_a_deep_link_that_binds(world: World) -> None:
    world.desk.settings = replace(world.desk.settings, telegram_bot="acme_orders_bot")
    answer = Chat(world.desk).handle(Front.shell, "lily", "invite CUST-001").text()
    link = next(word for word in answer.split() if word.startswith("https://t.me/acme_orders_bot?start="))
    code = link.split("start=")[1]
    assert len(code) <= 64 and code.replace("-", "").replace("_", "").isalnum()
    assert "CUST-001" in world.say(ACME_CHAT, f"/start {code}")


def test_pushes_to_a_chat_are_paced_and_retry_after_is_waited_out(world: World) -> None:
    """Telegram's ~1 message a second per chat: a burst of pushes queues; a 429's retry_after holds the lane
    exactly that long, and is not a failed try."""
    assert "CUST-001" in world.say(ACME_CHAT, f"/start {invite(world)}")
    clock = world.desk.clock
    assert isinstance(clock, FixedClock)
    transport = world.runtime.transport
    transport.policy = DeliveryPolicy()  # the real limits (the world's desk is unpaced)
    dispatcher = Dispatcher(world.desk.engine, clock, {"telegram": transport}, DeliveryPolicy(workers=1))
    shipped = [OrderShipped(f"SO-2026-{i:06d}", "CUST-001", "SF", f"T{i}", "liu") for i in range(6)]
    with world.desk.engine.begin() as conn:
        write_events(conn, shipped, lambda e: ("customer:CUST-001",), clock.now())
    before = len(world.fake.sent_texts(ACME_CHAT))
    assert dispatcher.run_once() == 3  # the burst
    assert dispatcher.next_due() == clock.now() + timedelta(seconds=1 + MARGIN)
    world.fake.fail("sendMessage", error_code=429, retry_after=5)
    clock.advance(seconds=1 + MARGIN)
    assert dispatcher.run_once() == 0
    assert dispatcher.next_due() == clock.now() + timedelta(seconds=5)
    clock.advance(seconds=5)
    assert dispatcher.run_once() == 3  # the chat's burst refilled while it waited
    told = world.fake.sent_texts(ACME_CHAT)[before:]
    assert [next(f"T{i}" for i in range(6) if f"T{i}" in text) for text in told] == [f"T{i}" for i in range(6)]
    with world.desk.engine.connect() as conn:
        attempts = conn.execute(select(t.outbox.c.attempts).where(t.outbox.c.audience == "customer:CUST-001"))
        assert set(attempts.scalars()) == {0}
