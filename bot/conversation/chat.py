"""One conversation turn, the same for every front end: text -> parser -> bus -> neutral reply."""

from __future__ import annotations

import logging
import re
import uuid

from bot.conversation.i18n import Translator, language_of
from bot.conversation.language.parser import HelpRequest
from bot.conversation.language.verbs import CommandParser
from bot.conversation.ports import DeskPort
from bot.conversation.replies import Message, render, render_error, render_help
from domain.commands import SetLanguage
from domain.errors import OrderbotError, UnknownUser
from domain.users import Front

log = logging.getLogger(__name__)
_CJK = re.compile(r"[\u4e00-\u9fff]")


class Chat:
    def __init__(self, desk: DeskPort, parser: CommandParser | None = None) -> None:
        self.desk = desk
        self.parser = parser or CommandParser(desk.dates)

    def translator(self, lang: str | None, text: str = "") -> Translator:
        """The user's own language (`lang`), else the configured one; for a stranger, the one they wrote in."""
        default = self.desk.language
        if lang is None and text:
            default = "zh" if _CJK.search(text) else ("en" if text.isascii() and text.strip() else default)
        return Translator(language_of(lang, default), self.desk.zone)

    def handle(self, front: Front, identity: str, text: str) -> Message:
        try:
            ctx = self.desk.context(front, identity)
        except UnknownUser as unknown:
            return render_error(unknown, self.translator(None, text))
        except OrderbotError as err:
            return render_error(err, self.translator(None, text))
        t = self.translator(ctx.user.language or self.desk.language)
        try:
            parsed = self.parser.parse(text, ctx.today, me=ctx.user.name)
            if isinstance(parsed, HelpRequest):
                return render_help(t, parsed.verb)
            result = self.desk.handle(parsed, ctx)
            if isinstance(parsed, SetLanguage):
                t = self.translator(parsed.language)
            msg = render(result, t, ctx.today)
            bot = self.desk.telegram_bot
            if msg.code == "invite_created" and bot:  # the deep link the customer's contact opens
                msg.lines.insert(0, t("invite_link", link=f"https://t.me/{bot}?start={result.params['code']}"))
            return msg
        except OrderbotError as err:
            return render_error(err, t)
        except Exception:
            # Never a traceback in the chat: log it with a reference the user can quote.
            ref = uuid.uuid4().hex[:8]
            log.exception("command failed (ref %s): %r by %s/%s", ref, text, front.value, identity)
            return Message(title=t("internal_error", ref=ref), error=True)
