"""The Telegram transport over the desk's port (a real desk on the in-memory unit of work) and the fake Bot API: it
reads a customer's chats through the ``CustomerChats`` query as the bot itself, asks the domain what a customer
is told (``customer_is_told``), and fans out through the fan-out the composition root gives it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Bot

from adapters.delivery import DeliveryPolicy
from adapters.telegram.transport import TelegramTransport
from bot.app.clock import FixedClock
from bot.conversation.delivery import Notification
from bot.conversation.i18n import Translator
from bot.conversation.replies import render_customer_batch
from domain import commands as c
from domain.events import Event, OrderShipped, OrderStatusChanged
from domain.users import Front
from tests.conftest import make_fake_desk
from tests.fakes import FakeUnitOfWork
from tests.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram.recording import RecordingDesk
from tests.unit.contacts_support import ACME, seeded_uow

CHATS = ("1001", "-2002")  # a private chat and a group


class RecordingFanOut:
    """Stands in for the SQL fan-out: sends to every target, and remembers which outbox row went where."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, list[str]]] = []

    def each(self, outbox_id: int, targets: Sequence[Any], key: Callable[[Any], str],
             send: Callable[[Any], None]) -> None:  # fmt: skip
        for target in targets:
            send(target)
        self.sent.append((outbox_id, [key(t) for t in targets]))


def note(event: Event, row: int = 1) -> Notification:
    return Notification(row, event.kind, "SO-2026-000001", f"customer:{ACME}", event.payload(), 0,
                        datetime(2026, 11, 22, 1, tzinfo=UTC))  # fmt: skip


SHIPPED = OrderShipped("SO-2026-000001", ACME, "顺丰", "SF1234567890", "liu")
READY = OrderStatusChanged("SO-2026-000001", ACME, "in_production", "ready", "zhao")


@pytest.fixture
def desk(clock: FixedClock) -> Iterator[RecordingDesk]:
    fake: FakeUnitOfWork = seeded_uow()
    desk = make_fake_desk(clock, fake)
    lily = desk.context(Front.shell, "lily")
    for i, chat in enumerate(CHATS):
        code = desk.handle(c.InviteCustomer(ACME), lily).params["code"]
        guest = desk.guest_context(Front.telegram, f"telegram:{chat}")
        desk.handle(c.BindContact(code, chat, f"u{i}", "Li", "en" if i else "zh"), guest)
    yield RecordingDesk(desk)
    desk.close()


@pytest.fixture
def transport(desk: RecordingDesk, fake_bot_api: FakeBotApi) -> Iterator[tuple[TelegramTransport, RecordingFanOut]]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    bot = Bot(TOKEN, base_url=fake_bot_api.base_url)
    asyncio.run_coroutine_threadsafe(bot.initialize(), loop).result(10)
    fanout = RecordingFanOut()

    def render(batch: Sequence[Notification], t: Translator) -> str:
        return render_customer_batch(batch[0].kind, [m.payload for m in batch], t)

    found = TelegramTransport(bot, loop, desk, fanout, desk.translator, render, policy=DeliveryPolicy())  # type: ignore[arg-type]
    try:
        yield found, fanout
    finally:
        asyncio.run_coroutine_threadsafe(bot.shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_what_the_customer_is_told_goes_to_each_of_its_chats_in_the_contact_s_language(
    transport: tuple[TelegramTransport, RecordingFanOut], desk: RecordingDesk, fake_bot_api: FakeBotApi
) -> None:
    tg, fanout = transport
    policy = DeliveryPolicy()
    limits = tg.limits(note(SHIPPED))
    assert [(x.key, x.per_second, x.cost) for x in limits] == [
        ("tg:1001", policy.telegram_chat.per_second, 1),
        ("tg:-2002", policy.telegram_group.per_second, 1),
        ("tg:bot", policy.telegram_bot.per_second, 2),
    ]
    desk.ran.clear()
    tg.send([note(SHIPPED, row=7)])
    assert fanout.sent == [(7, list(CHATS))]
    ((query, ctx),) = desk.ran  # the chats, read once per send through the bus as the bot itself
    assert query == c.CustomerChats(ACME) and ctx.user.name == "orderbot" and ctx.front is Front.telegram
    zh, en = (fake_bot_api.sent_texts(int(chat)) for chat in CHATS)
    assert len(zh) == len(en) == 1 and "SF1234567890" in zh[0] and "SF1234567890" in en[0] and zh != en


def test_an_internal_move_is_not_the_customer_s_business(
    transport: tuple[TelegramTransport, RecordingFanOut], desk: RecordingDesk, fake_bot_api: FakeBotApi
) -> None:
    tg, fanout = transport
    desk.ran.clear()
    assert tg.limits(note(READY)) == ()
    tg.send([note(READY)])
    assert fanout.sent == [] and desk.ran == [] and fake_bot_api.calls_to("sendMessage") == []
    assert tg.accepts(f"customer:{ACME}") and not tg.accepts("channel:orders")
