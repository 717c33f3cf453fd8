"""Customers' contacts through the one door (MessageBus) on the in-memory unit of work, the staff's side and
the binding: invitations, forged, expired and used codes (one answer, nothing changed), and unlinking,
revoking and rebinding a chat. What a bound chat may see and ask is in test_contacts_customer.py, what it
reads in test_contacts_replies.py."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.contacts import hash_code
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.ports import Context
from domain.results import ContactsView
from tests.fakes import FakeUnitOfWork, ctx
from tests.unit.contacts_support import (
    ACME,
    ACME_CHAT,
    LILY,
    LIU,
    OTHER,
    OTHER_CHAT,
    STRANGER,
    WANG,
    bind,
    guest,
    invite,
    order_of,
    seeded_uow,
    state,
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


# ------------------------------------------------------------------ invitations


def test_an_invitation_is_shown_once_and_stored_only_as_its_hash(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    done = bus.handle(c.InviteCustomer("cust-001"), ctx(LILY))
    assert done.code == "invite_created"
    code = done.params["code"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code)
    assert done.params["customer"] == ACME and done.params["name"] == "Acme Machining"
    (stored,) = uow.invitations_saved()
    assert stored.code_hash == hash_code(code) != code and stored.created_by == "lily"
    assert done.params["expires"] == stored.expires_at == ctx(LILY).now + timedelta(hours=72)
    (entry,) = [e for e in uow.audit_entries(ACME) if e.action == "invite"]
    assert entry.actor == "lily" and code not in entry.detail + entry.reason
    assert all(code not in str(e.payload()) for e in uow.outbox)
    assert bus.handle(c.InviteCustomer(ACME), ctx(LILY)).params["code"] != code  # a fresh code each time


def test_the_invitation_window_comes_from_the_policy(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    from domain.contacts import ContactPolicy

    bus.handle(c.InviteCustomer(ACME), replace(ctx(LILY), contacts=ContactPolicy(invite_hours=1)))
    assert uow.invitations_saved()[0].expires_at == ctx(LILY).now + timedelta(hours=1)


def test_only_sales_invite_list_and_revoke(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    for message in (c.InviteCustomer(ACME), c.ListContacts(ACME), c.RevokeContact(1)):
        with pytest.raises(PermissionDenied):
            bus.handle(message, ctx(LIU))
    assert [e.outcome for e in uow.audit_entries() if e.actor == "liu"] == ["denied"] * 3
    with pytest.raises(PermissionDenied):  # a customer's stand-in has no role at all
        bus.handle(c.InviteCustomer(ACME), guest(ACME_CHAT))
    with pytest.raises(NotFound):
        bus.handle(c.InviteCustomer("NOBODY"), ctx(LILY))
    assert uow.invitations_saved() == []
    assert bus.handle(c.InviteCustomer(ACME), ctx(WANG)).code == "invite_created"  # a sales manager may too


# ------------------------------------------------------------------ bad codes


def test_forged_expired_and_used_codes_get_one_answer_and_change_nothing(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    used = invite(bus)
    bus.handle(c.BindContact(used, ACME_CHAT, "u1", "Mr Li", None), guest(ACME_CHAT))
    late = invite(bus)
    before = state(uow)
    attempts: list[tuple[str, Context]] = [
        ("forged-but-well-formed", guest(STRANGER)),
        ("x" * 65, guest(STRANGER)),
        ("not a code", guest(STRANGER)),
        ("", guest(STRANGER)),
        (used, guest(STRANGER)),  # used already, by another chat
        (used, guest(ACME_CHAT)),  # ... or by the same one
        (late, guest(STRANGER, hours=72)),  # expired: exactly 72 h on
        (late, guest(STRANGER, hours=73)),
    ]
    refusals = []
    for code, who in attempts:
        with pytest.raises(InvalidInput) as err:
            bus.handle(c.BindContact(code, STRANGER, "u3", "Eve", None), who)
        refusals.append((type(err.value), err.value.code, err.value.params, str(err.value)))
    assert refusals == [(InvalidInput, "invite_invalid", {}, refusals[0][3])] * len(attempts)
    assert state(uow) == before
    with pytest.raises(Conflict):
        bus.handle(c.MyOrders(STRANGER), guest(STRANGER))
    done = bus.handle(c.BindContact(late, STRANGER, "u3", "Ann", None), guest(STRANGER, hours=71))
    assert done.code == "contact_bound"  # within the window it still works, once


# ------------------------------------------------------------------ unlink, revoke, rebind


def test_unlink_then_rebinding_the_same_chat_reactivates_its_contact(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    bind(bus, ACME_CHAT)
    assert bus.handle(c.SetContactLanguage(ACME_CHAT, "EN"), guest(ACME_CHAT)).params == {"language": "en"}
    done = bus.handle(c.Unlink(ACME_CHAT), guest(ACME_CHAT))
    assert (done.code, done.params["customer"]) == ("contact_unlinked", ACME)
    assert [k.active for k in uow.contacts_saved()] == [False]
    with pytest.raises(Conflict):
        bus.handle(c.MyOrders(ACME_CHAT), guest(ACME_CHAT))
    assert "contact_unlink" in [e.action for e in uow.audit_entries(ACME)]

    again = bind(bus, ACME_CHAT, name="Li Wei")
    assert again.params["moved_from"] == ""
    (contact,) = uow.contacts_saved()  # the same contact, active again; the language they chose stays
    assert (contact.active, contact.name, contact.language) == (True, "Li Wei", "en")


def test_a_chat_bound_to_another_customer_is_moved(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    theirs = order_of(bus, OTHER)
    bind(bus, ACME_CHAT, ACME)
    moved = bind(bus, ACME_CHAT, OTHER)
    assert (moved.params["customer"], moved.params["moved_from"]) == (OTHER, ACME)
    assert [(k.customer, k.active) for k in uow.contacts_saved()] == [(ACME, False), (OTHER, True)]
    assert [o.number for o in bus.handle(c.MyOrders(ACME_CHAT), guest(ACME_CHAT)).orders] == [theirs]
    assert "contact_moved" in [e.action for e in uow.audit_entries(ACME)]


def test_sales_list_and_revoke_contacts(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    bind(bus, ACME_CHAT, name="Mr Li")
    bind(bus, OTHER_CHAT, ACME, name="Ms Wu")
    view = bus.handle(c.ListContacts("cust-001"), ctx(LILY))
    assert isinstance(view, ContactsView) and view.customer == ACME and view.name == "Acme Machining"
    assert [k.name for k in view.contacts] == ["Ms Wu", "Mr Li"]  # newest first
    li = view.contacts[1].id
    assert li is not None

    done = bus.handle(c.RevokeContact(li), ctx(LILY))
    assert done.code == "contact_revoked" and done.params["customer"] == ACME and done.params["chat"] == ACME_CHAT
    assert [e.actor for e in uow.audit_entries(ACME) if e.action == "contact_revoke"] == ["lily"]
    assert bus.handle(c.RevokeContact(li), ctx(WANG)).code == "contact_already_revoked"
    with pytest.raises(NotFound):
        bus.handle(c.RevokeContact(9999), ctx(LILY))
    with pytest.raises(Conflict):
        bus.handle(c.MyOrders(ACME_CHAT), guest(ACME_CHAT))
    assert bus.handle(c.MyOrders(OTHER_CHAT), guest(OTHER_CHAT)).orders == []  # the other contact goes on
    listed = bus.handle(c.ListContacts(ACME), ctx(LILY)).contacts
    assert [(k.name, k.active) for k in listed] == [("Ms Wu", True), ("Mr Li", False)]
    assert [k.chat_id for k in uow.contacts_saved(ACME) if k.active] == [OTHER_CHAT]


def test_contact_language_must_be_one_we_speak(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    bind(bus, ACME_CHAT)
    with pytest.raises(InvalidInput) as err:
        bus.handle(c.SetContactLanguage(ACME_CHAT, "fr"), guest(ACME_CHAT))
    assert err.value.code == "unknown_language"
    assert uow.contacts_saved()[0].language == "zh"
