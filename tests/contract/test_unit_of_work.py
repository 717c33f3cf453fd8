"""The unit of work itself: nothing is kept unless committed; ``rollback`` throws away what the transaction did so
far and the transaction goes on; and the desk runs the same on every store (the config's admins let in through
the bus, audited exactly as before; a conversation through ``Chat``)."""

from __future__ import annotations

from decimal import Decimal

from bot.app.bootstrap import bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from bot.conversation.chat import Chat
from domain.history import AuditEntry
from domain.parties import Customer, Product
from domain.users import Front, Role, User
from tests.conftest import T0
from tests.contract.world import Store, seed_parties


def test_rollback_forgets_the_transaction_so_far_and_it_goes_on(store: Store) -> None:
    with store() as uow:
        uow.customers.add(Customer("CUST-001", "first"))
        uow.rollback()
        assert uow.customers.get("CUST-001") is None
        uow.customers.add(Customer("CUST-002", "second"))
        uow.commit()
    with store() as uow:
        assert uow.customers.get("CUST-001") is None and uow.customers.get("CUST-002") is not None
        uow.customers.add(Customer("CUST-003", "third"))  # left without a commit
    with store(readonly=True) as uow:
        assert [c.code for c in uow.customers.search("")] == ["CUST-002"]


def test_what_a_transaction_reads_it_can_change_and_keep(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        nut = uow.products.get("NUT-M8")
        assert nut is not None
        nut.list_price, nut.safety_stock = Decimal("0.0525"), Decimal(1000)
        uow.commit()
    with store(readonly=True) as uow:
        again = uow.products.get("NUT-M8")
        assert again is not None and (again.list_price, again.safety_stock) == (Decimal("0.0525"), 1000)
        assert uow.products.search("nut")[0].list_price == Decimal("0.0525")


def test_the_config_admins_are_let_in_the_same_on_every_store(store: Store, clock: FixedClock) -> None:
    with store() as uow:
        uow.users.add(User("mei", "Mei", None, "U0MEI", None, {Role.finance}))
        uow.commit()
    desk = bootstrap(Settings(admins=("admin", "slack:U0MEI", "telegram:4242")), clock, uow_factory=store.factory)
    desk.ensure_admins()
    desk.ensure_admins()  # every start: nothing more to do
    with store(readonly=True) as uow:
        rows = [
            (e.at, e.actor, e.front, e.action, e.subject, e.outcome, e.version, e.detail, e.reason)
            for subject in ("admin", "U0MEI", "4242", "mei")
            for e in uow.history.audit_of(subject)
        ]
        assert rows == [
            (T0, "config", "config", "grant", subject, "ok", None, "admin", "")
            for subject in ("admin", "U0MEI", "4242")
        ]
        mei, new = uow.users.get("mei"), uow.users.by_identity(Front.telegram, "4242")
        assert mei is not None and mei.roles == {Role.finance, Role.admin}
        assert new is not None and (new.name, new.display_name, new.roles) == ("4242", "4242", {Role.admin})
        assert isinstance(uow.history.audit_of("admin")[0], AuditEntry)


def test_a_conversation_runs_the_same_on_every_store(store: Store, clock: FixedClock) -> None:
    with store() as uow:
        uow.customers.add(Customer("ACME", "Acme Machining"))
        uow.products.add(Product("BOLT-M8", "bolt", list_price=Decimal("0.50")))
        uow.commit()
    desk = bootstrap(Settings(), clock, uow_factory=store.factory)
    desk.ensure_admins()
    chat = Chat(desk)
    assert chat.handle(Front.shell, "admin", "admin grant @lily sales").code == "role_granted"
    created = chat.handle(Front.shell, "lily", "new ACME BOLT-M8 100 due 12月5日")
    assert created.code == "order_created" and "SO-2026-000001" in created.text()
    refused = chat.handle(Front.shell, "nobody", "list")
    assert refused.code == "unknown_user"
    with store(readonly=True) as uow:
        order = uow.orders.get("SO-2026-000001")
        assert order is not None and (order.owner, order.amount) == ("lily", Decimal("50.00"))
        assert [e.action for e in uow.history.audit_of("SO-2026-000001")] == ["create"]
        assert [e.actor for e in uow.history.audit_of("lily")] == ["admin"]
