"""In-memory fakes of the master-data ports (``uow.customers``, ``uow.products``, ``uow.users``).

They keep customers, products and users in a ``tests.fakes_state.State``, keyed by customer code, SKU and user
name; customers and products are searched by that key or by name (customers also by the pinyin initials of the name,
computed as the SQL adapter stores them), ranked as the SQL adapter ranks them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from adapters.sql.search_keys import may_be_initials, name_initials
from domain.parties import Customer, Product
from domain.users import Front, User
from tests.fakes_state import State


class FakeCustomers:
    def __init__(self, state: State) -> None:
        self._s = state

    def add(self, customer: Customer) -> None:
        if customer.id is None:
            customer.id = self._s.new_id()
        self._s.customers[customer.code] = customer

    def get(self, code: str) -> Customer | None:
        return self._s.customers.get(code)

    def lock(self, customer: Customer) -> None:
        """One fake unit of work at a time: nothing to lock."""

    def search(self, text: str, limit: int = 20, offset: int = 0) -> Sequence[Customer]:
        found = _ranked(text, self._s.customers.values(), lambda c: c.code, name_initials)
        return found[offset : offset + limit]

    def count(self, text: str) -> int:
        return len(_ranked(text, self._s.customers.values(), lambda c: c.code, name_initials))


class FakeProducts:
    def __init__(self, state: State) -> None:
        self._s = state

    def add(self, product: Product) -> None:
        if product.id is None:
            product.id = self._s.new_id()
        self._s.products[product.sku] = product

    def get(self, sku: str) -> Product | None:
        return self._s.products.get(sku.strip().upper())

    def by_id(self, product_id: int) -> Product | None:
        return next((p for p in self._s.products.values() if p.id == product_id), None)

    def search(self, text: str, limit: int = 20, offset: int = 0) -> Sequence[Product]:
        return _ranked(text, self._s.products.values(), lambda p: p.sku)[offset : offset + limit]

    def count(self, text: str) -> int:
        return len(_ranked(text, self._s.products.values(), lambda p: p.sku))


Party = TypeVar("Party", Customer, Product)


def _ranked(
    text: str, rows: Iterable[Party], key: Callable[[Party], str], initials: Callable[[str], str] | None = None
) -> list[Party]:
    """As adapters.sql.repositories._matching: the key or name containing the text (any case), or the initials
    starting with it; the key or name exactly first, then starting with it, then containing it, then by initials."""
    needle = text.strip().lower()
    ranked = []
    for row in rows:
        fields = (key(row).lower(), row.name.lower())
        if needle in fields:
            rank = 0
        elif any(f.startswith(needle) for f in fields):
            rank = 1
        elif any(needle in f for f in fields):
            rank = 2
        elif initials is not None and may_be_initials(needle) and initials(row.name).startswith(needle):
            rank = 3
        else:
            continue
        ranked.append((rank, key(row), row))
    return [row for _rank, _key, row in sorted(ranked, key=lambda r: (r[0], r[1]))]


class FakeUsers:
    def __init__(self, state: State) -> None:
        self._s = state

    def add(self, user: User) -> None:
        if user.id is None:
            user.id = self._s.new_id()
        self._s.users[user.name] = user

    def get(self, name: str) -> User | None:
        return self._s.users.get(name)

    def by_identity(self, front: Front, identity: str) -> User | None:
        return next((u for u in self._s.users.values() if u.identity(front) == identity), None)

    def all(self) -> Sequence[User]:
        return sorted(self._s.users.values(), key=lambda u: u.name)
