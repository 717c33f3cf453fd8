"""Tab completion at the shell's prompt: the verbs in both languages (with their aliases) and the shell's own
words; order numbers, customer codes, SKUs and user names from the desk.

Candidates come through queries on the bus as the person at the keyboard (FindOrders, ListOrders,
FindCustomers, FindProducts, ListUsers) — the same door as a typed command, never a unit of work of the
shell's own. Each is asked once per prompt: a longer prefix is narrowed from a shorter one's answer when that
answer was whole; the cache is dropped at every prompt, so what the last command created is there."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from adapters.shell.session import AS, SHELL_WORDS
from bot.conversation.language.verbs import VERBS, find_verb
from bot.conversation.ports import DeskPort
from domain import commands as c
from domain.errors import OrderbotError
from domain.users import Front

log = logging.getLogger(__name__)

Candidate = tuple[str, str]  # (what is inserted, what is shown beside it)

# Verbs whose first argument is an order number: with nothing typed yet, the newest orders are offered.
ORDER_FIRST = frozenset({
    "submit", "show", "confirm", "hold", "resume", "advance", "ship", "deliver", "close", "cancel", "history",
    "diff", "add", "remove", "set", "change", "qty", "reschedule", "changes",
})  # fmt: skip
CUSTOMER_FIRST = frozenset({"new", "invite", "contacts"})
PRODUCT_FIRST = frozenset({"stock", "atp", "ledger", "adjust", "count"})
CUSTOMER_WORDS = frozenset({"customer", "客户"})
ORDER_PREFIX = "SO-"


class Lookups:
    """What the desk knows, asked as ``user()`` through the bus and kept for one prompt."""

    def __init__(self, desk: DeskPort, user: Callable[[], str], limit: int = 50) -> None:
        self.desk, self.user, self.limit = desk, user, limit
        self._cache: dict[tuple[str, str], tuple[list[Candidate], bool]] = {}  # (kept, answer was whole)

    def reset(self) -> None:
        self._cache.clear()

    def orders(self, prefix: str) -> list[Candidate]:
        prefix = prefix.upper()
        if not prefix:
            return self._cached("recent", "", lambda _: self._orders(c.ListOrders(limit=20)), lambda *_: True)
        return self._cached("orders", prefix, lambda text: self._orders(c.FindOrders(text, self.limit)), _starts)

    def customers(self, text: str) -> list[Candidate]:
        return self._cached("customers", text, lambda q: self._choices(c.FindCustomers(q, self.limit)), _contains)

    def products(self, text: str) -> list[Candidate]:
        return self._cached("products", text, lambda q: self._choices(c.FindProducts(q, self.limit)), _contains)

    def users(self, prefix: str) -> list[Candidate]:
        def fetch(_: str) -> list[Candidate]:
            found = self._ask(c.ListUsers())
            return [(u.name, u.display_name) for u in found.users] if found is not None else []

        return [(v, m) for v, m in self._cached("users", "", fetch, lambda *_: True) if v.startswith(prefix)]

    # -- asking once ---------------------------------------------------------------------------------
    def _cached(
        self, kind: str, text: str, fetch: Callable[[str], list[Candidate]], keep: Callable[[str, str, str], bool]
    ) -> list[Candidate]:
        key = (kind, text)
        if key not in self._cache:
            # a shorter text whose answer was whole holds every answer to this one
            whole = next(
                (found for (k, shorter), (found, complete) in self._cache.items()
                 if k == kind and text.startswith(shorter) and complete),
                None,
            )  # fmt: skip
            if whole is None:
                found = fetch(text)
                self._cache[key] = ([x for x in found if keep(*x, text)], len(found) < self.limit)
            else:
                self._cache[key] = ([x for x in whole if keep(*x, text)], True)
        return self._cache[key][0]

    def _ask(self, query: object) -> Any:
        """The query's result, or None when it cannot be answered (an unknown user, too short a text): then
        completion offers nothing rather than failing the prompt."""
        try:
            return self.desk.handle(query, self.desk.context(Front.shell, self.user()))
        except OrderbotError:
            return None
        except Exception:  # a lost database must not end the session from inside the line editor
            log.exception("completion lookup %s failed", type(query).__name__)
            return None

    def _orders(self, query: object) -> list[Candidate]:
        page = self._ask(query)
        if page is None:
            return []
        return [(o.number, f"{o.customer.code} {o.customer.name}") for o in page.orders]

    def _choices(self, query: object) -> list[Candidate]:
        found = self._ask(query)
        if found is None:
            return []
        return [(value, label.removeprefix(value).strip()) for value, label in found.options]


def _starts(value: str, meta: str, text: str) -> bool:
    return value.startswith(text)


def _contains(value: str, meta: str, text: str) -> bool:
    """How FindCustomers and FindProducts match: the text anywhere in the code or the name."""
    return text.casefold() in value.casefold() or text.casefold() in meta.casefold()


def verb_candidates(prefix: str) -> list[Candidate]:
    """Every verb and alias that starts with ``prefix``, each shown with its other name, and the shell's words."""
    low = prefix.lower()
    out: list[Candidate] = []
    for verb in VERBS:
        if verb.name.startswith(low):
            out.append((verb.name, " / ".join(verb.aliases[:2])))
    for verb in VERBS:
        out += [(a, verb.name) for a in verb.aliases if a.startswith(prefix) and a.isalnum()]
    return out + [(w, "") for w in SHELL_WORDS if w.startswith(low)]


def argument_candidates(lookups: Lookups, verb_word: str, before: list[str], word: str) -> list[Candidate]:
    """What may be typed as ``word`` after the verb and the words ``before`` it."""
    if verb_word in AS:
        return lookups.users(word) if not before else []
    verb = find_verb(verb_word)
    name = verb.name if verb is not None else ""
    first = not before
    if word.upper().startswith(ORDER_PREFIX) or (first and not word and name in ORDER_FIRST):
        return lookups.orders(word)
    if not word or not (word[0].isalpha() or ord(word[0]) > 0x2E7F):  # a quantity, a price, a date offset
        return []
    if (first and name in CUSTOMER_FIRST) or (before and before[-1].lower() in CUSTOMER_WORDS):
        return lookups.customers(word)
    if first and name in PRODUCT_FIRST:
        return lookups.products(word)
    return lookups.customers(word) + lookups.products(word)


class ShellCompleter(Completer):
    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        before = document.text_before_cursor
        word = document.get_word_before_cursor(WORD=True)
        tokens = before.split()
        if len(tokens) <= 1 and not before[-1:].isspace():
            found: Iterable[Candidate] = verb_candidates(word)
        else:
            args = tokens[1:] if not word else tokens[1:-1]
            found = argument_candidates(self.lookups, tokens[0], args, word)
        for value, meta in found:
            yield Completion(value, start_position=-len(word), display_meta=meta or None)
