"""What a customer's contact may type in a chat bound to their customer (any front end, Telegram first).

/orders [page]   /status SO-…   /change SO-… <the change items of the staff `change` verb>   /unlink
/lang zh|en   /help   /start [CODE]

The leading "/" is optional, and a bot's name after the command (/status@orderbot_bot) is dropped. Every
result carries the chat: its binding is the only authority a customer has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.conversation.language import change_parser as cp
from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError, UnknownVerb
from bot.conversation.language.parser import HelpRequest, Reader
from bot.conversation.language.tokens import DateTaker, integer, tokenize
from bot.conversation.language.verbs import nearest_word
from domain import commands as c

CustomerParsed = c.Command | c.Query | HelpRequest


@dataclass(frozen=True)
class _Chat:
    """What the front end knows about the sender, for the commands that need it."""

    chat_id: str
    telegram_user: str
    name: str
    language: str | None


def _orders(r: Reader, who: _Chat) -> c.MyOrders:
    page = 1
    if r.more() and r.peek().lower() in ("page", "页", "第"):
        r.next("page")
    if r.more():
        page = max(1, integer(r.next("page"), "page"))
    r.done()
    return c.MyOrders(who.chat_id, page)


def _status(r: Reader, who: _Chat) -> c.MyOrder:
    number = r.order_number()
    r.done()
    return c.MyOrder(who.chat_id, number)


def _change(r: Reader, who: _Chat) -> c.CustomerChange:
    number = r.order_number()
    items, reason, evidence = cp.changes_and_notes(r)
    if not items:
        raise ParseError("missing_argument", what="qty / date / add / remove / price / cancel / hold", verb=r.verb)
    return c.CustomerChange(who.chat_id, number, tuple(items), reason, evidence)


def _unlink(r: Reader, who: _Chat) -> c.Unlink:
    r.done()
    return c.Unlink(who.chat_id)


def _lang(r: Reader, who: _Chat) -> c.SetContactLanguage:
    word = r.next("zh / en").lower()
    r.done()
    return c.SetContactLanguage(
        who.chat_id, {"中文": "zh", "chinese": "zh", "english": "en", "英文": "en"}.get(word, word)
    )


def _help(r: Reader, who: _Chat) -> HelpRequest:
    r.rest()  # `/help change` shows the same short list: a customer has only a handful of commands
    return HelpRequest(None)


def _start(r: Reader, who: _Chat) -> c.BindContact | HelpRequest:
    """`/start` alone (a chat opened by hand): the help. `/start CODE` (an invitation's deep link): bind."""
    if not r.more():
        return HelpRequest(None)
    code = r.next("code")
    r.done()
    return c.BindContact(code, who.chat_id, who.telegram_user, who.name, who.language)


# verb -> (aliases, parse)
CUSTOMER_VERBS: dict[str, tuple[tuple[str, ...], Callable[[Reader, _Chat], CustomerParsed]]] = {
    "orders": (("我的订单", "订单"), _orders),
    "status": (("状态", "查询"), _status),
    "change": (("变更",), _change),
    "unlink": (("解绑", "解除绑定"), _unlink),
    "lang": (("语言", "language"), _lang),
    "help": (("帮助", "?", "？"), _help),
    "start": (("绑定", "bind"), _start),
}
_BY_WORD = {w: name for name, (aliases, _) in CUSTOMER_VERBS.items() for w in (name, *aliases)}


def command_word(token: str) -> str:
    """`/Status@OrderBot_bot` -> `status`."""
    return token.lstrip("/").split("@", 1)[0].lower()


class CustomerParser:
    """One per process, like ``CommandParser``: holds the date rules."""

    def __init__(self, dates: DateReader) -> None:
        self.dates = dates

    def parse(
        self,
        text: str,
        today: date,
        chat_id: str,
        *,
        telegram_user: str = "",
        name: str = "",
        language: str | None = None,
    ) -> CustomerParsed:
        """``telegram_user``, ``name`` and ``language`` only fill in a BindContact (from `/start CODE`)."""
        tokens = tokenize(text)
        if not tokens:
            raise ParseError("empty_command")
        verb = _BY_WORD.get(command_word(tokens[0]))
        if verb is None:
            raise UnknownVerb(tokens[0][:40], nearest_word(command_word(tokens[0])[:40], _BY_WORD))
        reader = Reader(verb, tokens[1:], DateTaker(self.dates, today))
        return CUSTOMER_VERBS[verb][1](reader, _Chat(chat_id, telegram_user, name, language))
