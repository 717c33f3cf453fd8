"""Invitations and customers' contacts (the chats bound to a customer)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.sql import tables as t
from domain.contacts import Contact, Invitation


class SqlContacts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_invitation(self, invitation: Invitation) -> None:
        self.session.add(invitation)

    def invitation(self, code_hash: str, lock: bool = False) -> Invitation | None:
        """With ``lock``: re-read and hold the invitation's row until commit (SELECT ... FOR UPDATE), so of two
        chats presenting one code at once, one binds and the other finds it used.

        On SQLite FOR UPDATE is not rendered; a writer there already holds the database's write lock
        (BEGIN IMMEDIATE), which serialises the two just as well."""
        stmt = select(Invitation).where(t.invitations.c.code_hash == code_hash)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(stmt).one_or_none()

    def add_contact(self, contact: Contact) -> None:
        self.session.add(contact)

    def contact_for_chat(self, chat_id: str) -> Contact | None:
        c = t.contacts.c
        stmt = select(Contact).where(c.chat_id == chat_id, c.active.is_(True)).order_by(c.id.desc()).limit(1)
        return self.session.scalars(stmt).first()

    def contacts_of(self, customer: str) -> Sequence[Contact]:
        c = t.contacts.c
        return self.session.scalars(select(Contact).where(c.customer == customer).order_by(c.id.desc())).all()

    def contact(self, contact_id: int) -> Contact | None:
        return self.session.get(Contact, contact_id)

    def active_chats(self, customer: str) -> list[Contact]:
        c = t.contacts.c
        stmt = select(Contact).where(c.customer == customer, c.active.is_(True)).order_by(c.id)
        return list(self.session.scalars(stmt).all())
