"""Invitations and customers' contacts, stored and read back on SQLite and PostgreSQL; the code hash is
unique, and the invitation's row lock lets one code bind one chat when two present it at once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from domain import commands as c
from domain.commands import LineInput
from domain.contacts import Contact, Invitation, hash_code
from domain.errors import ConcurrentUpdate, InvalidInput, NotFound, OrderbotError
from domain.users import Front
from tests.integration.seed import seed

AT = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def invitation(code: str, customer: str = "CUST-001", hours: int = 72) -> Invitation:
    return Invitation(customer, hash_code(code), "lily", AT, AT + timedelta(hours=hours))


def contact(chat: str, customer: str = "CUST-001", active: bool = True, minutes: int = 0) -> Contact:
    return Contact(customer, chat, f"u{chat}", f"name {chat}", "zh", AT + timedelta(minutes=minutes), "lily", active)


def test_invitations_and_contacts_read_back(any_desk: Desk) -> None:
    with any_desk.uow() as uow:
        uow.contacts.add_invitation(invitation("code-1"))
        uow.contacts.add_contact(contact("100", minutes=1))
        uow.contacts.add_contact(contact("200", active=False, minutes=2))
        uow.contacts.add_contact(contact("300", minutes=3))
        uow.contacts.add_contact(contact("400", "CUST-002", minutes=4))
        uow.contacts.add_contact(contact("200", "CUST-002", minutes=5))
        uow.commit()
    with any_desk.uow(readonly=True) as uow:
        found = uow.contacts.invitation(hash_code("code-1"))
        assert found is not None and found.id is not None
        assert (found.customer, found.created_by, found.used_at, found.used_chat) == ("CUST-001", "lily", None, "")
        assert found.created_at == AT and found.expires_at == AT + timedelta(hours=72)
        assert found.expires_at.tzinfo is not None
        assert uow.contacts.invitation(hash_code("code-2")) is None
        assert uow.contacts.invitation("code-1") is None  # only the hash finds it

        assert [k.chat_id for k in uow.contacts.contacts_of("CUST-001")] == ["300", "200", "100"]  # newest first
        assert [k.chat_id for k in uow.contacts.active_chats("CUST-001")] == ["100", "300"]
        assert uow.contacts.active_chats("CUST-009") == []
        bound = uow.contacts.contact_for_chat("200")  # its active binding only: CUST-002
        assert bound is not None and bound.customer == "CUST-002" and bound.active
        assert uow.contacts.contact_for_chat("999") is None
        first = uow.contacts.contact_for_chat("100")
        assert first is not None and first.id is not None
        assert (first.telegram_user, first.name, first.language, first.invited_by) == ("u100", "name 100", "zh", "lily")
        assert first.bound_at == AT + timedelta(minutes=1)
        again = uow.contacts.contact(first.id)
        assert again is first
        assert uow.contacts.contact(99999) is None


def test_the_code_hash_is_unique(any_desk: Desk) -> None:
    with any_desk.uow() as uow:
        uow.contacts.add_invitation(invitation("same"))
        uow.commit()
    with any_desk.uow() as uow:
        uow.contacts.add_invitation(invitation("same", "CUST-002"))
        with pytest.raises(ConcurrentUpdate):  # a unique key lost the race: a refusal in words
            uow.commit()
    with any_desk.engine.connect() as conn:
        assert conn.execute(select(t.invitations.c.customer)).scalars().all() == ["CUST-001"]


def test_changes_to_invitations_and_contacts_are_kept(any_desk: Desk) -> None:
    with any_desk.uow() as uow:
        uow.contacts.add_invitation(invitation("code"))
        uow.contacts.add_contact(contact("100"))
        uow.commit()
    with any_desk.uow() as uow:
        found = uow.contacts.invitation(hash_code("code"), lock=True)
        bound = uow.contacts.contact_for_chat("100")
        assert found is not None and bound is not None
        found.use("100", AT + timedelta(hours=1))
        bound.active, bound.language = False, None
        uow.commit()
    with any_desk.uow(readonly=True) as uow:
        found = uow.contacts.invitation(hash_code("code"))
        assert found is not None and (found.used_at, found.used_chat) == (AT + timedelta(hours=1), "100")
        assert uow.contacts.contact_for_chat("100") is None
        (kept,) = uow.contacts.contacts_of("CUST-001")
        assert (kept.active, kept.language) == (False, None)


def test_the_lock_holds_the_invitation_until_commit(any_desk: Desk) -> None:
    """While one transaction holds the invitation, a bind with the same code waits; then it finds it used."""
    seed(any_desk, opening_stock=0)
    code = str(any_desk.bus.handle(c.InviteCustomer("CUST-001"), any_desk.context(Front.shell, "lily")).params["code"])
    guest = any_desk.guest_context(Front.telegram, "telegram:200")
    outcome: list[object] = []

    def second() -> None:
        try:
            outcome.append(any_desk.bus.handle(c.BindContact(code, "200", "u200", "B", None), guest))
        except OrderbotError as err:
            outcome.append(err)

    with any_desk.uow() as uow:
        held = uow.contacts.invitation(hash_code(code), lock=True)
        assert held is not None and held.used_at is None
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.5)
        assert other.is_alive() and outcome == []  # waiting for our lock
        held.use("100", AT)
        uow.contacts.add_contact(contact("100"))
        uow.commit()
    other.join(30)
    (refused,) = outcome
    assert isinstance(refused, InvalidInput) and refused.code == "invite_invalid"
    with any_desk.uow(readonly=True) as uow:
        assert [k.chat_id for k in uow.contacts.active_chats("CUST-001")] == ["100"]


def test_a_customer_through_the_bus_on_the_database(any_desk: Desk) -> None:
    """Bind, list (closed and cancelled left out, five a page), status, isolation — on real SQL."""
    seed(any_desk, opening_stock=0)
    lily = any_desk.context(Front.shell, "lily")
    made = []
    for cust in ("CUST-001",) * 7 + ("CUST-002",):
        done = any_desk.bus.handle(c.CreateOrder(cust, (LineInput("NUT-M8", Decimal(10)),)), lily)
        made.append(str(done.params["number"]))
    any_desk.bus.handle(c.CancelOrder(made[0], "duplicate"), lily)
    code = any_desk.bus.handle(c.InviteCustomer("CUST-001"), lily).params["code"]
    guest = any_desk.guest_context(Front.telegram, "telegram:100")
    bound = any_desk.bus.handle(c.BindContact(code, "100", "u100", "Li", "en-US"), guest)
    assert bound.code == "contact_bound" and bound.params["customer"] == "CUST-001"

    first = any_desk.bus.handle(c.MyOrders("100"), guest)
    assert [o.number for o in first.orders] == made[6:1:-1] and first.total == 6
    assert [o.number for o in any_desk.bus.handle(c.MyOrders("100", 2), guest).orders] == [made[1]]
    view = any_desk.bus.handle(c.MyOrder("100", made[3]), guest)
    assert view.order.number == made[3] and view.last_change is not None and view.last_change.tzinfo is not None
    answers = []
    for number in (made[7], "SO-2026-000999"):
        with pytest.raises(NotFound) as err:
            any_desk.bus.handle(c.MyOrder("100", number), guest)
        answers.append((err.value.code, err.value.params["kind"], str(err.value).replace(number, "N")))
    assert answers[0] == answers[1]
    with any_desk.uow(readonly=True) as uow:
        (stored,) = uow.contacts.active_chats("CUST-001")
        assert (stored.chat_id, stored.language, stored.invited_by) == ("100", "en", "lily")
        used = uow.contacts.invitation(hash_code(code))
        assert used is not None and used.used_chat == "100"


def test_a_chat_has_one_active_binding_whatever_the_race(any_desk: Desk) -> None:
    """Two invitation links opened at once from one chat: the database keeps one active binding."""
    with any_desk.uow() as uow:
        uow.contacts.add_contact(contact("300", "CUST-001"))
        uow.commit()
    with any_desk.uow() as uow:
        uow.contacts.add_contact(contact("300", "CUST-002", minutes=1))
        with pytest.raises(ConcurrentUpdate):
            uow.commit()
    with any_desk.uow() as uow:
        uow.contacts.add_contact(contact("300", "CUST-002", active=False, minutes=2))  # history may pile up
        uow.commit()
    with any_desk.engine.connect() as conn:
        rows = conn.execute(select(t.contacts.c.customer, t.contacts.c.active).order_by(t.contacts.c.id)).all()
    assert [tuple(r) for r in rows] == [("CUST-001", True), ("CUST-002", False)]
