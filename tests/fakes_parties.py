"""In-memory fakes of the master-data ports (``uow.customers``, ``uow.products``, ``uow.users``).

They keep customers, products and users in a ``tests.fakes_state.State``, keyed by customer code, SKU and user
name; customers and products are searched by that key or by name.
"""

from __future__ import annotations

from collections.abc import Sequence

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

    def search(self, text: str, limit: int = 20) -> Sequence[Customer]:
        needle = text.strip().lower()
        found = [c for c in self._s.customers.values() if needle in c.code.lower() or needle in c.name.lower()]
        return sorted(found, key=lambda c: c.code)[:limit]


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

    def search(self, text: str, limit: int = 20) -> Sequence[Product]:
        needle = text.strip().lower()
        found = [p for p in self._s.products.values() if needle in p.sku.lower() or needle in p.name.lower()]
        return sorted(found, key=lambda p: p.sku)[:limit]


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
