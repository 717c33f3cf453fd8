"""What every Slack listener shares: the conversation, the Web API client, the Slack store, the clock, and a way
to get notifications delivered right after a change (the dispatcher's wake-up).

The desk is seen through its port only (``DeskPort``): a command or a query runs as somebody through the bus
(``desk.handle``), never in a unit of work of the front end's own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from adapters.slack import blocks
from adapters.sql.slack_store import SlackStore
from bot.conversation.chat import Chat
from bot.conversation.i18n import Translator
from bot.conversation.ports import DeskPort
from bot.conversation.replies import Message
from domain.errors import OrderbotError
from domain.ports import Clock
from domain.users import Front


@dataclass
class SlackFront:
    chat: Chat
    client: WebClient
    store: SlackStore
    clock: Clock
    wake: Callable[[], None] = lambda: None

    @property
    def desk(self) -> DeskPort:
        return self.chat.desk

    def translator(self, user_id: str) -> Translator:
        """The user's own language, else the desk's (also for someone the bot does not know)."""
        try:
            ctx = self.desk.context(Front.slack, user_id)
        except OrderbotError:
            return self.chat.translator(None)
        return self.chat.translator(ctx.user.language)

    def run(self, user_id: str, command: object) -> Message:
        """A command a form or a button built, through the same door as typed text."""
        return self._woken(self.chat.run(Front.slack, user_id, command))

    def say(self, user_id: str, text: str) -> Message:
        """Typed text (a slash command): parsed once by the shared parser, then run."""
        return self._woken(self.chat.handle(Front.slack, user_id, text))

    def ask(self, user_id: str, query: object) -> Any:
        """A query with the user's own context (None for someone the bot does not know, or a refusal)."""
        try:
            return self.desk.handle(query, self.desk.context(Front.slack, user_id))
        except OrderbotError:
            return None

    def reply(self, respond: Respond, user_id: str, msg: Message, *, private: bool = False) -> None:
        """The answer to a slash command or a click, through its response_url: for the asker alone unless the
        message is public (and not ``private``). A click in the Home tab has no message to answer under (no
        response_url): the answer goes to the user's DM."""
        text, body = blocks.render(msg)
        if respond.response_url is None:
            self.client.chat_postMessage(channel=user_id, text=text, blocks=body)
            return
        public = msg.public and not private
        respond(text=text, blocks=body, response_type="in_channel" if public else "ephemeral", replace_original=False)

    def _woken(self, msg: Message) -> Message:
        if not msg.error:
            self.wake()
        return msg


def refusal(t: Translator, err: OrderbotError) -> Message:
    """One line saying why nothing was done (a button that is not one of ours, a form out of date)."""
    return Message(title=t(err.code, **err.params), error=True, code=err.code)
