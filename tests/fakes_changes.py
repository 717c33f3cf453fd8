"""In-memory fakes of the change-request and contact ports (``uow.changes``, ``uow.contacts``).

Change requests and approvers' delegations, invitations and customers' contacts, kept in a
``tests.fakes_state.State`` with the ids the SQL tables give them, and (``unique_clash``) the unique keys they keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.changes import ChangeRequest, CRStatus, Delegation
from domain.contacts import Contact, Invitation
from tests.fakes_state import State, see


class FakeChanges:
    """``ChangeRepository`` in memory: change requests by number, delegations in the order added."""

    def __init__(self, state: State, seen: list[Any]) -> None:
        self._s, self._seen = state, seen

    def _see(self, cr: ChangeRequest) -> ChangeRequest:
        see(self._seen, cr)
        return cr

    def number_decisions(self) -> None:
        """Give ids to decisions appended since the request was stored, as the database would on flush."""
        for cr in self._s.crs.values():
            for d in cr.decisions:
                if d.id is None:
                    d.id = self._s.new_id()

    def add(self, cr: ChangeRequest) -> None:
        if cr.number in self._s.crs:
            raise AssertionError(f"duplicate change request {cr.number}")
        cr.id = cr.id or self._s.new_id()
        for d in cr.decisions:
            d.id = d.id or self._s.new_id()
        self._s.crs[cr.number] = self._see(cr)

    def get(self, number: str, lock: bool = False) -> ChangeRequest | None:
        found = self._s.crs.get(number)
        return self._see(found) if found is not None else None

    def of_order(self, order_number: str) -> Sequence[ChangeRequest]:
        found = [cr for cr in self._s.crs.values() if cr.order_number == order_number]
        return [self._see(cr) for cr in sorted(found, key=lambda cr: cr.id or 0)]

    def pending(self) -> Sequence[ChangeRequest]:
        found = [cr for cr in self._s.crs.values() if cr.status is CRStatus.pending]
        return [self._see(cr) for cr in sorted(found, key=lambda cr: (cr.requested_at, cr.id or 0))]

    def requested_between(self, first: date, last: date) -> Sequence[ChangeRequest]:
        found = [cr for cr in self._s.crs.values() if first <= cr.requested_on <= last]
        return [self._see(cr) for cr in sorted(found, key=lambda cr: cr.id or 0)]

    def count_for_customer(self, customer: str, since: date) -> int:
        return sum(1 for cr in self._s.crs.values() if cr.customer == customer and cr.requested_on >= since)

    def add_delegation(self, delegation: Delegation) -> None:
        delegation.id = delegation.id or self._s.new_id()
        self._s.delegations.append(delegation)

    def delegations(self, on: date | None = None) -> Sequence[Delegation]:
        return [d for d in self._s.delegations if d.active and (on is None or d.starts <= on <= d.ends)]


class FakeContacts:
    """``ContactRepository`` in memory: invitations by code hash, contacts (their keys checked on commit, see
    ``unique_clash``)."""

    def __init__(self, state: State) -> None:
        self._s = state

    def add_invitation(self, invitation: Invitation) -> None:
        invitation.id = invitation.id or self._s.new_id()
        self._s.invitations.append(invitation)

    def invitation(self, code_hash: str, lock: bool = False) -> Invitation | None:
        return next((i for i in self._s.invitations if i.code_hash == code_hash), None)

    def add_contact(self, contact: Contact) -> None:
        contact.id = contact.id or self._s.new_id()
        self._s.contacts.append(contact)

    def contact_for_chat(self, chat_id: str) -> Contact | None:
        return next((k for k in reversed(self._s.contacts) if k.chat_id == chat_id and k.active), None)

    def contacts_of(self, customer: str) -> Sequence[Contact]:
        return sorted((k for k in self._s.contacts if k.customer == customer), key=lambda k: -(k.id or 0))

    def contact(self, contact_id: int) -> Contact | None:
        return next((k for k in self._s.contacts if k.id == contact_id), None)

    def active_chats(self, customer: str) -> list[Contact]:
        return [k for k in self._s.contacts if k.customer == customer and k.active]


def unique_clash(state: State) -> str | None:
    """The unique key a commit of ``state`` would break, as the SQL tables' constraints refuse it (then the SQL
    unit of work rolls back and raises ``ConcurrentUpdate``): one active binding per chat, one invitation per
    code hash, one decision per role and round of a change request."""
    active = [k.chat_id for k in state.contacts if k.active]
    if len(active) != len(set(active)):
        return "ux_contacts_active_chat"
    hashes = [i.code_hash for i in state.invitations]
    if len(hashes) != len(set(hashes)):
        return "invitations_code_hash_key"
    refs = [(o.customer.id, o.external_ref) for o in state.orders.values() if o.external_ref is not None]
    if len(refs) != len(set(refs)):
        return "uq_orders_customer_id_external_ref"
    for cr in state.crs.values():
        words = [(d.round, d.role) for d in cr.decisions]
        if len(words) != len(set(words)):
            return "cr_decisions_change_request_id_round_role_key"
    return None
