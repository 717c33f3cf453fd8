"""One conversation turn, the same for every front end: text -> parser -> command (or a command a form or a
button built) -> bus -> neutral reply."""

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
from domain.errors import OrderbotError
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
        """Typed text: parsed once, then run like any built command."""
        return self._turn(front, identity, text, None)

    def run(self, front: Front, identity: str, message: object) -> Message:
        """A command or query a form or a button built: the same door as typed text (who you are, the bus's
        permission checks and audit, the reply in your language), without text in between."""
        return self._turn(front, identity, "", message)

    def _turn(self, front: Front, identity: str, text: str, message: object | None) -> Message:
        try:
            ctx = self.desk.context(front, identity)
        except OrderbotError as err:  # UnknownUser among them: how to get in, in the language they wrote
            return render_error(err, self.translator(None, text))
        t = self.translator(ctx.user.language or self.desk.language)
        try:
            parsed = self.parser.parse(text, ctx.today, me=ctx.user.name) if message is None else message
            if isinstance(parsed, HelpRequest):
                return render_help(t, parsed.verb)
            result = self.desk.handle(parsed, ctx)
            if isinstance(parsed, SetLanguage):
                t = self.translator(parsed.language)
            msg = render(result, t, ctx.today)
            link = self.desk.invite_link(result.params["code"]) if msg.code == "invite_created" else None
            if link:  # the deep link the customer's contact opens
                msg.lines.insert(0, t("invite_link", link=link))
            return msg
        except OrderbotError as err:
            return render_error(err, t)
        except Exception:
            # Never a traceback in the chat: log it with a reference the user can quote.
            ref = uuid.uuid4().hex[:8]
            what = text or type(message).__name__
            log.exception("command failed (ref %s): %r by %s/%s", ref, what, front.value, identity)
            return Message(title=t("internal_error", ref=ref), error=True)
