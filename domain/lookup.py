"""Finding a customer from what a salesperson types, wherever a command expects one (`new`, `list customer`,
`invite`, `contacts`): in the domain, so every front end finds customers the same way.

The order of trust:
1. the code, exactly (any case): CUST-001;
2. the name, exactly (any case) — a customer named 华东机械 is not made ambiguous by 华东机械二厂;
3. the one customer whose code or name contains the text (沈阳鑫源, 鑫源), or whose name's pinyin initials start
   with it (syxy for 沈阳鑫源…): the repository's search, which ranks exact and prefix matches first.
Several candidates are never guessed between — a wrong customer is a wrong order — so the user gets a numbered
list of them with their codes and is asked to type the command again with the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.errors import InvalidInput, NotFound
from domain.parties import Customer
from domain.ports import UnitOfWork

MAX_CHOICES = 8  # a list one can read at a glance; the rest are counted


class AmbiguousCustomer(InvalidInput):
    """Several customers match what was typed; ``notes`` lists them (numbered, with codes) and says how to go on."""

    code = "customer_ambiguous"
    default = "{count} customers match '{text}': type the command again with one of their codes."

    def __init__(self, text: str, candidates: Sequence[Customer], total: int) -> None:
        super().__init__("customer_ambiguous", text=text, count=total)
        self.candidates = list(candidates)
        self.notes: list[tuple[str, dict[str, Any]]] = [
            ("choice_line", {"n": n, "code": cust.code, "name": cust.name})
            for n, cust in enumerate(self.candidates, start=1)
        ]
        if total > len(self.candidates):
            self.notes.append(("choice_more", {"more": total - len(self.candidates), "text": text}))
        self.notes.append(("choice_retype", {"text": text, "code": self.candidates[0].code}))


def resolve_customer(uow: UnitOfWork, typed: str) -> Customer:
    """The one customer ``typed`` names (code, name, part of the name, pinyin initials), or a typed error:
    NotFound when nothing matches, AmbiguousCustomer when several do."""
    text = typed.strip()
    if not text:
        raise NotFound("customer", typed)
    exact = uow.customers.get(text.upper())
    if exact is not None:
        return exact
    found = list(uow.customers.search(text, MAX_CHOICES + 1))
    if not found:
        raise NotFound("customer", text)
    named = [cust for cust in found if cust.name.casefold() == text.casefold()]
    if len(named) == 1:
        return named[0]
    if len(found) == 1:
        return found[0]
    raise AmbiguousCustomer(text, found[:MAX_CHOICES], uow.customers.count(text))
