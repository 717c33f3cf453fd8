"""The fake Bot API, proven with the real python-telegram-bot over loopback (and raw HTTP for the edges)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import threading
from typing import Any

import httpx
import pytest
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, RetryAfter
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from tests.telegram import updates
from tests.telegram.fake_bot_api import BOT_ID, BOT_USERNAME, TOKEN, Call, FakeBotApi, UploadedFile, polling

CHAT = 424242


# -- with python-telegram-bot -------------------------------------------------------------------------


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="confirm:42")]])
    await update.effective_message.reply_text(
        f"你好 {update.effective_user.first_name} {context.args}", reply_markup=keyboard
    )


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("好的")
    await query.edit_message_text(f"已确认 {query.data}")


def test_polling_drives_command_and_callback_handlers(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    fake.push_update(updates.update(message=updates.message(CHAT, "/start shop")))
    fake.push_update(
        updates.update(callback_query=updates.callback_query(CHAT, "confirm:42", message_id=7, message_text="确认？"))
    )

    async def scenario() -> None:
        app = fake.application_builder().build()
        app.add_handler(CommandHandler("start", _start))
        app.add_handler(CallbackQueryHandler(_pressed))
        async with polling(app):
            assert app.bot.username == BOT_USERNAME
            await fake.async_wait_for("sendMessage")
            await fake.async_wait_for("answerCallbackQuery")
            await fake.async_wait_for("editMessageText")

    asyncio.run(scenario())

    sent = fake.last("sendMessage")
    assert sent.token == TOKEN
    assert sent.params["chat_id"] == CHAT
    assert sent.params["text"] == "你好 Li ['shop']"
    assert sent.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "确认", "callback_data": "confirm:42"}]],
    }
    assert fake.sent_texts(CHAT) == ["你好 Li ['shop']"]
    assert fake.sent_texts(CHAT + 1) == []

    answered = fake.last("answerCallbackQuery")
    assert answered.params["text"] == "好的"
    assert isinstance(answered.params["callback_query_id"], str)

    edited = fake.last("editMessageText")
    assert edited.params == {"chat_id": CHAT, "message_id": 7, "text": "已确认 confirm:42"}

    assert fake.updates_consumed() == 2 and fake.pending_updates() == 0
    methods = [c.method for c in fake.calls]
    assert methods[0] == "getMe" and "deleteWebhook" in methods
    assert methods.index("sendMessage") < methods.index("answerCallbackQuery") < methods.index("editMessageText")
    assert all(c.ok for c in fake.calls)


def test_reply_carries_the_sent_message_back_into_ptb(fake_bot_api: FakeBotApi) -> None:
    async def scenario() -> None:
        async with fake_bot_api.bot() as bot:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
            first = await bot.send_message(CHAT, "one", reply_markup=markup)
            second = await bot.send_message(CHAT, "two")
            assert first.chat.type == "private" and first.chat.id == CHAT
            assert first.from_user is not None and first.from_user.id == BOT_ID
            assert first.reply_markup == markup and second.reply_markup is None
            assert second.message_id == first.message_id + 1
            edited = await bot.edit_message_text("one!", chat_id=CHAT, message_id=first.message_id)
            assert not isinstance(edited, bool)
            assert edited.text == "one!" and edited.edit_date is not None
            with pytest.raises(BadRequest, match="not modified"):
                await bot.edit_message_text("one!", chat_id=CHAT, message_id=first.message_id)

    asyncio.run(scenario())
    assert fake_bot_api.sent_texts() == ["one", "two"]


def test_set_my_commands_is_recorded_with_its_params(fake_bot_api: FakeBotApi) -> None:
    commands = [BotCommand("start", "开始"), BotCommand("orders", "我的订单")]

    async def scenario() -> None:
        async with fake_bot_api.bot() as bot:
            assert await bot.set_my_commands(commands, language_code="zh") is True
            assert tuple(await bot.get_my_commands(language_code="zh")) == tuple(commands)
            assert await bot.get_my_commands() == ()
            assert await bot.delete_my_commands(language_code="zh") is True

    asyncio.run(scenario())

    call = fake_bot_api.last("setMyCommands")
    assert call.params == {
        "commands": [{"command": "start", "description": "开始"}, {"command": "orders", "description": "我的订单"}],
        "language_code": "zh",
    }
    assert fake_bot_api.last("deleteMyCommands").params == {"language_code": "zh"}


def test_flood_limit_surfaces_as_retry_after(fake_bot_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22.2+ warns on every int retry_after (even while constructing RetryAfter) unless opted in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake_bot_api.fail("sendMessage", error_code=429, retry_after=3, times=1)

    async def scenario() -> RetryAfter:
        async with fake_bot_api.bot() as bot:
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(CHAT, "too fast")
            await bot.send_message(CHAT, "later")  # times=1: the next one goes through
            return caught.value

    retry_after = asyncio.run(scenario()).retry_after
    seconds = retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after
    assert seconds == 3
    assert [c.ok for c in fake_bot_api.calls_to("sendMessage")] == [False, True]
    assert fake_bot_api.sent_texts() == ["later"]


def test_bad_request_surfaces_with_telegrams_description(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.fail("sendMessage", error_code=400, description="Bad Request: chat not found")

    async def scenario() -> None:
        async with fake_bot_api.bot() as bot:
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await bot.send_message(CHAT, "hello?")

    asyncio.run(scenario())
    assert fake_bot_api.sent_texts() == []


def test_update_builders_parse_in_ptb() -> None:
    command = Update.de_json(updates.update(message=updates.message(CHAT, "/start@orderbot_test_bot x")), None)
    assert command.message is not None and command.message.text is not None
    entity = command.message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, len("/start@orderbot_test_bot"))
    assert command.message.chat.type == "private" and command.effective_user is not None
    assert command.effective_user.language_code == "zh-hans"

    plain = updates.message(CHAT, "hello", user_id=9, username="li")
    assert "entities" not in plain and plain["from"]["id"] == 9 and plain["chat"]["username"] == "li"

    first = updates.callback_query(CHAT, "a")
    pressed = Update.de_json(updates.update(callback_query=first), None)
    assert pressed.callback_query is not None and pressed.callback_query.message is not None
    assert pressed.callback_query.data == "a" and pressed.callback_query.message.message_id == 1
    assert updates.callback_query(CHAT, "a")["id"] != first["id"]
    with pytest.raises(ValueError):
        updates.update()


# -- raw HTTP edges -----------------------------------------------------------------------------------


def _post(fake: FakeBotApi, method: str, **kwargs: Any) -> httpx.Response:
    with httpx.Client(trust_env=False) as client:
        return client.post(f"{fake.base_url}{TOKEN}/{method}", timeout=10, **kwargs)


def test_get_updates_honours_offset_and_limit(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    ids = [fake.push_update({"message": updates.message(CHAT, f"m{i}")}) for i in range(3)]
    assert ids == [1, 2, 3]
    assert fake.push_update(updates.update(message=updates.message(CHAT, "x"), update_id=10)) == 10
    assert fake.push_update({"message": updates.message(CHAT, "y")}) == 11

    def get(**params: Any) -> list[int]:
        body = _post(fake, "getUpdates", json=params).json()
        assert body["ok"] is True
        return [u["update_id"] for u in body["result"]]

    assert get(limit=2) == [1, 2]
    assert get(offset=2, limit=2) == [2, 3]  # confirms 1
    assert get() == [2, 3, 10, 11]
    assert get(offset=-1) == [11]
    assert get(offset=11) == [11]
    assert get(offset=12, timeout=0) == []
    assert fake.updates_consumed() == 5 and fake.pending_updates() == 0


def test_long_poll_wakes_up_when_an_update_is_pushed(fake_bot_api: FakeBotApi) -> None:
    results: list[Any] = []
    poller = threading.Thread(
        target=lambda: results.append(_post(fake_bot_api, "getUpdates", data={"timeout": "30"}).json())
    )
    poller.start()
    fake_bot_api.push_update(updates.update(message=updates.message(CHAT, "wake up")))
    poller.join(timeout=10)
    assert not poller.is_alive()
    [body] = results
    # Either the poll was waiting and woke up, or it arrived after the push: the update is in it either way.
    assert [u["message"]["text"] for u in body["result"]] == ["wake up"]


def test_empty_long_poll_is_bounded(fake_bot_api: FakeBotApi) -> None:
    body = _post(fake_bot_api, "getUpdates", data={"timeout": "30"}).json()  # capped at one second
    assert body == {"ok": True, "result": []}
    assert fake_bot_api.last("getUpdates").params == {"timeout": 30}


def test_bodies_are_decoded_like_ptb_encodes_them(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    form = {
        "chat_id": str(CHAT),
        "text": "123",
        "disable_notification": "true",
        "reply_markup": '{"inline_keyboard": []}',
    }
    assert _post(fake, "sendMessage", data=form).json()["ok"] is True
    assert fake.last("sendMessage").params == {
        "chat_id": CHAT,
        "text": "123",
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": []},
    }

    assert _post(fake, "sendMessage", json={"chat_id": CHAT, "text": "json"}).json()["result"]["text"] == "json"

    fake.respond("sendDocument", lambda call: {"message_id": 1, "date": 0, "chat": {"id": CHAT, "type": "private"}})
    response = _post(
        fake,
        "sendDocument",
        data={"chat_id": str(CHAT), "caption": "42"},
        files={"document": ("orders.csv", b"id,qty\n1,2\n", "text/csv")},
    )
    assert response.json()["ok"] is True
    params = fake.last("sendDocument").params
    assert params["chat_id"] == CHAT and params["caption"] == "42"
    assert params["document"] == UploadedFile("orders.csv", "text/csv", b"id,qty\n1,2\n")


def test_unknown_methods_and_validation_answer_like_telegram(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    response = _post(fake, "sendPoll", data={"chat_id": str(CHAT)})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    response = _post(fake, "sendMessage", data={"chat_id": str(CHAT), "text": "x" * 4097})
    assert response.status_code == 400 and response.json()["description"] == "Bad Request: message is too long"

    fake.fail("sendMessage", error_code=429, retry_after=5, times=None)
    for _ in range(2):
        response = _post(fake, "sendMessage", data={"chat_id": str(CHAT), "text": "hi"})
        assert response.status_code == 429
        assert response.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 5",
            "parameters": {"retry_after": 5},
        }
    assert [c.ok for c in fake.calls_to("sendMessage")] == [False, False, False]
    assert fake.sent_texts() == []


def test_wait_for_is_bounded_and_reports_what_was_recorded(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    _post(fake, "sendMessage", data={"chat_id": str(CHAT), "text": "hi"})
    assert [c.params["text"] for c in fake.wait_for("sendMessage")] == ["hi"]
    with pytest.raises(AssertionError, match=r"sendMessage\(chat_id=424242, text='hi'\)"):
        fake.wait_for("sendMessage", where=lambda c: c.params["text"] == "bye", timeout=0.05)
    with pytest.raises(AssertionError, match="no editMessageText call"):
        fake.last("editMessageText")

    fake.clear()
    assert fake.calls == [] and fake.calls_to("sendMessage") == []
    assert isinstance(Call("getMe", {}, TOKEN), Call)


def test_webhook_and_menu_methods(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    fake.push_update(updates.update(message=updates.message(CHAT, "stale")))

    async def scenario() -> None:
        async with fake.bot() as bot:
            info = await bot.get_webhook_info()
            assert info.url == "" and info.pending_update_count == 0 and info.has_custom_certificate is False
            assert await bot.set_webhook("https://example.invalid/hook") is True
            assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
            assert await bot.delete_webhook(drop_pending_updates=True) is True
            assert await bot.get_updates(timeout=0) == ()
            assert await bot.set_chat_menu_button() is True
            fake.put_file("f1", b"hello")
            file = await bot.get_file("f1")
            assert bytes(await file.download_as_bytearray()) == b"hello"

    asyncio.run(scenario())
