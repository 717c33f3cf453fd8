"""The Telegram handlers in the real python-telegram-bot ``Application``, fed one update at a time with
``await app.process_update(update)`` (its Bot talks to the fake Bot API on loopback), over a real desk on the
in-memory unit of work. What the front ran is recorded at the desk's port: a click builds its query (no text
typed again) and runs it in the chat's guest context, as the typed command would; a click we do not know is
answered and runs nothing; a failure is logged and never reaches the chat as a traceback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Update

from adapters.telegram.front import ChatLimiter, TelegramFront
from adapters.telegram.handlers import build_application
from adapters.telegram.markup import MAX_DATA
from bot.app.clock import FixedClock
from bot.conversation.chat import Chat
from domain import commands as c
from domain.users import Front
from tests.conftest import make_fake_desk
from tests.fakes import FakeUnitOfWork
from tests.telegram import updates
from tests.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram.recording import RecordingDesk
from tests.unit.contacts_support import ACME, OTHER, order_of, seeded_uow

ACME_CHAT, OTHER_CHAT, UNBOUND_CHAT = 1001, 2002, 3003
App = Any


@pytest.fixture
def fake_uow() -> FakeUnitOfWork:
    return seeded_uow()


@pytest.fixture
def desk(fake_uow: FakeUnitOfWork, clock: FixedClock) -> Iterator[RecordingDesk]:
    desk = make_fake_desk(clock, fake_uow)
    yield RecordingDesk(desk)
    desk.close()


@pytest.fixture
def front(desk: RecordingDesk, clock: FixedClock) -> TelegramFront:
    return TelegramFront(Chat(desk), clock, ChatLimiter(clock))  # type: ignore[arg-type]


Scenario = Callable[[App], Coroutine[Any, Any, None]]


@asynccontextmanager
async def running(front: TelegramFront, fake: FakeBotApi) -> AsyncIterator[App]:
    app = build_application(front, TOKEN, fake.base_url)
    await app.initialize()  # getMe: CommandHandler needs the bot's username
    try:
        yield app
    finally:
        await app.shutdown()


def run(front: TelegramFront, fake: FakeBotApi, scenario: Scenario) -> None:
    async def main() -> None:
        async with running(front, fake) as app:
            await scenario(app)

    asyncio.run(main())


async def feed(app: App, **payload: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(updates.update(**payload), app.bot))


def invite(desk: RecordingDesk, customer: str = ACME) -> str:
    done = desk.desk.handle(c.InviteCustomer(customer), desk.desk.context(Front.shell, "lily"))
    return str(done.params["code"])


def seven_orders(desk: RecordingDesk) -> list[str]:
    """Seven confirmed orders of Acme (more than a page of five), one of another customer's last."""
    made = [order_of(desk.desk.bus) for _ in range(7)]
    made.append(order_of(desk.desk.bus, OTHER))
    return made


def bound(front: TelegramFront, fake: FakeBotApi, desk: RecordingDesk) -> list[str]:
    made = seven_orders(desk)

    async def scenario(app: App) -> None:
        await feed(app, message=updates.message(ACME_CHAT, f"/start {invite(desk)}"))

    run(front, fake, scenario)
    assert ACME in fake.sent_texts(ACME_CHAT)[-1]
    desk.ran.clear()
    fake.clear()
    return made


def click(chat: int, data: str) -> dict[str, Any]:
    return updates.callback_query(chat, data, message_id=7, message_text="…")


# -- the deep link ----------------------------------------------------------------------------------------------
def test_the_deep_link_s_payload_binds_the_chat_as_the_sender(
    front: TelegramFront, fake_bot_api: FakeBotApi, desk: RecordingDesk, fake_uow: FakeUnitOfWork
) -> None:
    code = invite(desk)

    async def scenario(app: App) -> None:
        await feed(app, message=updates.message(ACME_CHAT, "/start", first_name="Li"))
        await feed(app, message=updates.message(ACME_CHAT, f"/start {code}", first_name="Li", language_code="en-US"))

    run(front, fake_bot_api, scenario)
    ((bind, bind_ctx),) = desk.asked(c.BindContact)  # `/start` alone binds nothing
    assert bind == c.BindContact(code, str(ACME_CHAT), str(ACME_CHAT), "Li", "en")
    assert bind_ctx.user.name == f"telegram:{ACME_CHAT}" and not bind_ctx.user.roles
    help_text, bound_text = fake_bot_api.sent_texts(ACME_CHAT)
    assert "/orders" in help_text and ACME in bound_text
    assert [(k.chat_id, k.customer, k.name, k.language) for k in fake_uow.contacts_saved()] == [
        (str(ACME_CHAT), ACME, "Li", "en")
    ]


# -- the buttons ------------------------------------------------------------------------------------------------
def test_a_paging_click_runs_the_chat_s_order_list_query_and_shows_the_page_in_place(
    front: TelegramFront, fake_bot_api: FakeBotApi, desk: RecordingDesk
) -> None:
    made = bound(front, fake_bot_api, desk)
    fake = fake_bot_api

    async def listed(app: App) -> None:
        await feed(app, message=updates.message(ACME_CHAT, "/orders"))

    run(front, fake, listed)
    markup = fake.last("sendMessage").params["reply_markup"]["inline_keyboard"]
    data = [b["callback_data"] for row in markup for b in row]
    assert all(len(d.encode()) <= MAX_DATA for d in data)
    assert data[-1] == "p:2" and sum(d.startswith("s:") for d in data) == 5
    first = fake.last("sendMessage").params["text"]
    typed = desk.commands_and_queries()
    desk.ran.clear()

    async def paged(app: App) -> None:
        await feed(app, callback_query=click(ACME_CHAT, "p:2"))

    run(front, fake, paged)
    assert desk.commands_and_queries() == [c.MyOrders(str(ACME_CHAT), 2)]
    assert typed == [c.MyOrders(str(ACME_CHAT), 1)]  # what `/orders` ran: the same query, page 1
    ((_, ctx),) = desk.asked(c.MyOrders)
    assert ctx.user.name == f"telegram:{ACME_CHAT}" and not ctx.user.roles and ctx.front is Front.telegram
    assert len(fake.calls_to("answerCallbackQuery")) == 1
    edited = fake.last("editMessageText").params
    assert edited["message_id"] == 7 and edited["chat_id"] == ACME_CHAT
    on_page_two = [n for n in made if n in edited["text"]]
    assert len(on_page_two) == 2 and not set(on_page_two) & {n for n in made if n in first}
    assert made[-1] not in edited["text"]  # the other customer's order is on no page
    back = [b["callback_data"] for row in edited["reply_markup"]["inline_keyboard"] for b in row]
    assert "p:1" in back and "p:3" not in back


def test_a_status_click_runs_the_chat_s_order_query(
    front: TelegramFront, fake_bot_api: FakeBotApi, desk: RecordingDesk
) -> None:
    made = bound(front, fake_bot_api, desk)
    theirs = made[-1]

    async def scenario(app: App) -> None:
        await feed(app, callback_query=click(ACME_CHAT, f"s:{made[0]}"))
        await feed(app, callback_query=click(ACME_CHAT, f"s:{theirs}"))
        await feed(app, callback_query=click(ACME_CHAT, "s:SO-2026-000999"))

    run(front, fake_bot_api, scenario)
    chat = str(ACME_CHAT)
    ran = [c.MyOrder(chat, made[0]), c.MyOrder(chat, theirs), c.MyOrder(chat, "SO-2026-000999")]
    assert desk.commands_and_queries() == ran
    assert all(ctx.user.name == f"telegram:{ACME_CHAT}" and not ctx.user.roles for _, ctx in desk.asked(c.MyOrder))
    assert len(fake_bot_api.calls_to("answerCallbackQuery")) == 3
    mine, other, missing = fake_bot_api.sent_texts(ACME_CHAT)
    assert made[0] in mine and "NUT-M8" in mine
    # another customer's order: exactly the answer an order that does not exist gets
    assert other.replace(theirs, "N") == missing.replace("SO-2026-000999", "N")


def test_a_click_from_a_chat_that_is_not_bound_is_refused_in_one_line(
    front: TelegramFront, fake_bot_api: FakeBotApi, desk: RecordingDesk
) -> None:
    seven_orders(desk)

    async def scenario(app: App) -> None:
        await feed(app, callback_query=click(UNBOUND_CHAT, "p:1"))

    run(front, fake_bot_api, scenario)
    edited = fake_bot_api.last("editMessageText").params["text"]
    assert "SO-2026" not in edited and "\n" not in edited.strip() and "Traceback" not in edited
    assert desk.commands_and_queries() == [c.MyOrders(str(UNBOUND_CHAT), 1)]


@pytest.mark.parametrize(
    "data", ["x:1", "p:0", "p:abc", "p:", "p:1:2", "s:", "s:DROP TABLE orders", "s:SO-2026-1 x", "orders 2", "s:CR-1"]
)
def test_callback_data_that_is_not_ours_is_answered_and_runs_nothing(
    front: TelegramFront, fake_bot_api: FakeBotApi, desk: RecordingDesk, data: str
) -> None:
    bound(front, fake_bot_api, desk)

    async def scenario(app: App) -> None:
        await feed(app, callback_query=click(ACME_CHAT, data))

    run(front, fake_bot_api, scenario)
    assert len(fake_bot_api.calls_to("answerCallbackQuery")) == 1
    assert desk.ran == []
    assert fake_bot_api.calls_to("sendMessage") == [] and fake_bot_api.calls_to("editMessageText") == []


def test_the_same_page_clicked_twice_is_not_an_error(
    front: TelegramFront, fake_bot_api: FakeBotApi, desk: RecordingDesk, caplog: pytest.LogCaptureFixture
) -> None:
    bound(front, fake_bot_api, desk)
    fake_bot_api.fail("editMessageText", description="Bad Request: message is not modified")

    async def scenario(app: App) -> None:
        await feed(app, callback_query=click(ACME_CHAT, "p:1"))

    with caplog.at_level(logging.ERROR):
        run(front, fake_bot_api, scenario)
    assert len(fake_bot_api.calls_to("answerCallbackQuery")) == 1
    assert fake_bot_api.calls_to("sendMessage") == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- the error handler ------------------------------------------------------------------------------------------
def test_a_failure_is_logged_and_the_chat_gets_one_line_with_a_reference_not_a_traceback(
    front: TelegramFront, fake_bot_api: FakeBotApi, desk: RecordingDesk, caplog: pytest.LogCaptureFixture
) -> None:
    bound(front, fake_bot_api, desk)
    desk.broken = RuntimeError("database at 10.0.0.5 went away")

    async def scenario(app: App) -> None:
        await feed(app, message=updates.message(ACME_CHAT, "/orders", language_code="en"))

    with caplog.at_level(logging.ERROR, logger="adapters.telegram"):
        run(front, fake_bot_api, scenario)
    told = fake_bot_api.sent_texts(ACME_CHAT)
    assert len(told) == 1 and "\n" not in told[0]
    assert "went away" not in told[0] and "Traceback" not in told[0] and "RuntimeError" not in told[0]
    assert "something went wrong" in told[0]  # in the sender's language (en)
    logged = [r for r in caplog.records if r.name == "adapters.telegram.handlers.errors"]
    assert len(logged) == 1 and logged[0].exc_info is not None
    ref = logged[0].getMessage().split("ref ")[1].rstrip(")")
    assert ref in told[0]


def test_a_failure_of_telegram_itself_is_only_logged(
    front: TelegramFront, fake_bot_api: FakeBotApi, desk: RecordingDesk, caplog: pytest.LogCaptureFixture
) -> None:
    made = bound(front, fake_bot_api, desk)
    fake_bot_api.fail("sendMessage", error_code=403)

    async def scenario(app: App) -> None:
        await feed(app, callback_query=click(ACME_CHAT, f"s:{made[0]}"))

    with caplog.at_level(logging.ERROR, logger="adapters.telegram"):
        run(front, fake_bot_api, scenario)
    assert len(fake_bot_api.calls_to("sendMessage")) == 1  # the answer that failed; nothing sent about it
    assert len(fake_bot_api.calls_to("answerCallbackQuery")) == 1
    assert [r.name for r in caplog.records] == ["adapters.telegram.handlers.errors"]
