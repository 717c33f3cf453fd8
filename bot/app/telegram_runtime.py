"""Wires the Telegram front end: the python-telegram-bot Application on its own event loop (a background
thread, so the synchronous Slack server and the dispatcher can share the process), long polling by
default or a webhook under `orderbot serve`, and the transport that pushes to customers."""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from adapters.sql.fanout import FanOut
from adapters.telegram.front import ChatLimiter, TelegramFront
from adapters.telegram.handlers import build_application
from adapters.telegram.menu import register_commands
from adapters.telegram.transport import TelegramTransport
from bot.app.bootstrap import Desk
from bot.app.health import BadToken, Unreachable
from bot.conversation.chat import Chat
from bot.conversation.delivery import Notification
from bot.conversation.i18n import Translator
from bot.conversation.replies import render_customer_batch

log = logging.getLogger(__name__)
TELEGRAM_API = "https://api.telegram.org/bot"
SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"


@dataclass(frozen=True)
class TelegramSecrets:
    token: str
    webhook_secret: str = ""
    api_url: str = TELEGRAM_API
    webhook_url: str = ""  # the public https address of /telegram/webhook (serve only)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelegramSecrets | None:
        token = env.get("TELEGRAM_BOT_TOKEN", "")
        if not token:
            return None
        return cls(
            token, env.get("TELEGRAM_WEBHOOK_SECRET", ""), env.get("ORDERBOT_TELEGRAM_API_URL") or TELEGRAM_API,
            env.get("TELEGRAM_WEBHOOK_URL", ""),
        )  # fmt: skip


class TelegramRuntime:
    """The front end and the transport over the desk's port; what works beside the bus (the fan-out's
    bookkeeping on the database) is built here, by default on the desk's engine."""

    def __init__(self, desk: Desk, secrets: TelegramSecrets, *, fanout: FanOut | None = None) -> None:
        self.desk, self.secrets = desk, secrets
        chat = Chat(desk)
        self.front = TelegramFront(chat, desk.clock, ChatLimiter(desk.clock))
        self.application = build_application(self.front, secrets.token, secrets.api_url)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="orderbot-telegram", daemon=True)

        def translator(lang: str | None) -> Translator:
            return chat.translator(lang or desk.language)

        def render(batch: Sequence[Notification], t: Translator) -> str:
            return render_customer_batch(batch[0].kind, [m.payload for m in batch], t)

        fanout = fanout or FanOut(desk.engine)
        bot, policy = self.application.bot, desk.settings.delivery
        self.transport = TelegramTransport(bot, self.loop, desk, fanout, translator, render, policy=policy)
        self.polling = False
        self._webhook_set = False

    def _call(self, coro: Any, timeout: float = 60.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self, polling: bool = True) -> None:
        """Start the bot: register its command menu (zh, en), then long-poll, or wait for the webhook. Each step
        is done once, so after a failure (Telegram unreachable) calling it again goes on where it stopped."""
        if not self._thread.is_alive():
            self._thread.start()
        self._call(self.application.initialize())
        if not self.application.running:
            self._call(register_commands(self.application))
            self._call(self.application.start())
        if polling and not self.polling:
            updater = self.application.updater
            assert updater is not None
            self._call(updater.start_polling(poll_interval=0.0, timeout=10, drop_pending_updates=False))
            self.polling = True
        elif not polling and self.secrets.webhook_url and not self._webhook_set:
            url, secret = self.secrets.webhook_url, self.secrets.webhook_secret or None
            self._call(self.application.bot.set_webhook(url, secret_token=secret))
            self._webhook_set = True

    def connect(self, polling: bool) -> None:
        """One try at ``start`` for a ``Connector``: a token Telegram refuses is ``BadToken``
        (TELEGRAM_BOT_TOKEN), anything else that fails ``Unreachable``."""
        try:
            self.start(polling)
        except InvalidToken:  # its message repeats the token: never logged
            raise BadToken("TELEGRAM_BOT_TOKEN", "rejected by Telegram") from None
        except (TelegramError, OSError, TimeoutError) as err:
            raise Unreachable(f"Telegram cannot be reached: {err}") from None

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        if self.polling and self.application.updater is not None:
            self._call(self.application.updater.stop())
        if self.application.running:
            self._call(self.application.stop())
        self._call(self.application.shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    # -- webhook -------------------------------------------------------------------------------------
    def accepts_secret(self, environ: Mapping[str, Any]) -> bool:
        """Telegram repeats the secret given to setWebhook in a header; anything else is not Telegram."""
        expected = self.secrets.webhook_secret
        given = str(environ.get(SECRET_HEADER, ""))
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())

    def feed(self, data: Mapping[str, Any]) -> None:
        """Hand one webhook update to the bot's loop; the HTTP answer does not wait for it."""
        update = Update.de_json(dict(data), self.application.bot)
        asyncio.run_coroutine_threadsafe(self.application.process_update(update), self.loop)
