"""``uow.contacts``: invitations (found by the hash of their code only) and the chats bound to customers (a chat's
active binding, a customer's bindings newest first, the chats pushes go to oldest first)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.contacts import Contact, Invitation, hash_code
from domain.errors import ConcurrentUpdate
from tests.contract.world import Store, at


def invitation(code: str, customer: str = "CUST-001") -> Invitation:
    return Invitation(customer, hash_code(code), "lily", at(0), at(0) + timedelta(hours=72))


def contact(chat: str, customer: str = "CUST-001", active: bool = True, minutes: int = 0) -> Contact:
    return Contact(customer, chat, f"u{chat}", f"name {chat}", "en", at(minutes), "lily", active)


def test_an_invitation_is_found_by_its_hash_and_used_once(store: Store) -> None:
    with store() as uow:
        uow.contacts.add_invitation(invitation("code-1"))
        uow.contacts.add_invitation(invitation("code-2", "CUST-002"))
        uow.commit()
    with store() as uow:
        found = uow.contacts.invitation(hash_code("code-1"), lock=True)
        assert found is not None and found.id is not None
        assert (found.customer, found.created_by, found.created_at, found.expires_at) == (
            "CUST-001", "lily", at(0), at(0) + timedelta(hours=72),
        )  # fmt: skip
        assert (found.used_at, found.used_chat) == (None, "") and found.usable(at(1))
        assert uow.contacts.invitation("code-1") is None  # the code itself is never stored
        assert uow.contacts.invitation(hash_code("code-3")) is None
        found.use("4242", at(2))
        uow.commit()
    with store(readonly=True) as uow:
        used = uow.contacts.invitation(hash_code("code-1"))
        assert used is not None and (used.used_at, used.used_chat) == (at(2), "4242") and not used.usable(at(3))
        other = uow.contacts.invitation(hash_code("code-2"))
        assert other is not None and other.customer == "CUST-002" and other.used_at is None


def test_chats_bound_to_customers(store: Store) -> None:
    with store() as uow:
        uow.contacts.add_contact(contact("100", minutes=1))
        uow.contacts.add_contact(contact("200", active=False, minutes=2))  # unlinked
        uow.contacts.add_contact(contact("300", minutes=3))
        uow.contacts.add_contact(contact("400", "CUST-002", minutes=4))
        uow.contacts.add_contact(contact("200", "CUST-002", minutes=5))  # the chat bound again, elsewhere
        uow.commit()
    with store() as uow:
        assert [k.chat_id for k in uow.contacts.contacts_of("CUST-001")] == ["300", "200", "100"]  # newest first
        assert [k.chat_id for k in uow.contacts.contacts_of("CUST-002")] == ["200", "400"]
        assert uow.contacts.contacts_of("CUST-003") == []
        assert [k.chat_id for k in uow.contacts.active_chats("CUST-001")] == ["100", "300"]  # oldest first
        assert [k.chat_id for k in uow.contacts.active_chats("CUST-002")] == ["400", "200"]
        assert uow.contacts.active_chats("CUST-003") == []
        bound = uow.contacts.contact_for_chat("200")
        assert bound is not None and (bound.customer, bound.active, bound.bound_at) == ("CUST-002", True, at(5))
        assert uow.contacts.contact_for_chat("999") is None
        first = uow.contacts.contact_for_chat("100")
        assert first is not None and first.id is not None
        assert (first.telegram_user, first.name, first.language, first.invited_by) == ("u100", "name 100", "en", "lily")
        same = uow.contacts.contact(first.id)
        assert same is not None and same.chat_id == "100"
        assert uow.contacts.contact(10**6) is None
        first.active = False  # revoked
        uow.commit()
    with store(readonly=True) as uow:
        assert uow.contacts.contact_for_chat("100") is None
        assert [k.chat_id for k in uow.contacts.active_chats("CUST-001")] == ["300"]
        assert [k.active for k in uow.contacts.contacts_of("CUST-001")] == [True, False, False]


def test_one_active_binding_per_chat_and_one_invitation_per_code(store: Store) -> None:
    """The keys that settle a race (one code presented from two chats at once, one chat bound twice): the commit
    that would break one is refused and keeps nothing of its transaction."""
    with store() as uow:
        uow.contacts.add_contact(contact("100"))
        uow.contacts.add_contact(contact("100", "CUST-002", active=False))  # an old binding: no clash
        uow.contacts.add_invitation(invitation("code-1"))
        uow.commit()
    with store() as uow:
        uow.contacts.add_invitation(invitation("code-2"))
        uow.contacts.add_contact(contact("100", "CUST-003"))
        with pytest.raises(ConcurrentUpdate):
            uow.commit()
    with store() as uow:
        uow.contacts.add_contact(contact("200"))
        uow.contacts.add_invitation(invitation("code-1", "CUST-003"))
        with pytest.raises(ConcurrentUpdate):
            uow.commit()
    with store(readonly=True) as uow:
        assert uow.contacts.invitation(hash_code("code-2")) is None and uow.contacts.contact_for_chat("200") is None
        bound = uow.contacts.contact_for_chat("100")
        assert bound is not None and bound.customer == "CUST-001"
        first = uow.contacts.invitation(hash_code("code-1"))
        assert first is not None and first.customer == "CUST-001"
