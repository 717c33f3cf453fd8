"""Change requests (with their decisions) and approvers' delegations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapters.sql import tables as t
from domain.changes import ChangeRequest, CRStatus, Delegation


class SqlChanges:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, cr: ChangeRequest) -> None:
        self.session.add(cr)

    def get(self, number: str, lock: bool = False) -> ChangeRequest | None:
        """With ``lock``: re-read and hold the request's row until commit (SELECT ... FOR UPDATE).

        On SQLite FOR UPDATE is not rendered; a writer there already holds the database's write lock
        (BEGIN IMMEDIATE), which serialises the last approvals just as well.
        """
        stmt = select(ChangeRequest).where(t.change_requests.c.number == number)
        if lock:
            # populate_existing: a request read earlier in this transaction is overwritten with what is
            # committed now, and its selectin-loaded decisions are re-read with it (another approver's too)
            stmt = stmt.with_for_update(of=t.change_requests).execution_options(populate_existing=True)
        return self.session.scalars(stmt).one_or_none()

    def of_order(self, order_number: str) -> Sequence[ChangeRequest]:
        c = t.change_requests.c
        return self.session.scalars(select(ChangeRequest).where(c.order_number == order_number).order_by(c.id)).all()

    def pending(self) -> Sequence[ChangeRequest]:
        c = t.change_requests.c
        stmt = select(ChangeRequest).where(c.status == CRStatus.pending).order_by(c.requested_at, c.id)
        return self.session.scalars(stmt).all()

    def requested_between(self, first: date, last: date) -> Sequence[ChangeRequest]:
        c = t.change_requests.c
        stmt = select(ChangeRequest).where(c.requested_on >= first, c.requested_on <= last).order_by(c.id)
        return self.session.scalars(stmt).all()

    def count_for_customer(self, customer: str, since: date) -> int:
        c = t.change_requests.c
        stmt = (
            select(func.count()).select_from(t.change_requests).where(c.customer == customer, c.requested_on >= since)
        )
        return int(self.session.scalar(stmt) or 0)

    def add_delegation(self, delegation: Delegation) -> None:
        self.session.add(delegation)

    def delegations(self, on: date | None = None) -> Sequence[Delegation]:
        """Active delegations (covering ``on`` when given), oldest first."""
        c = t.delegations.c
        stmt = select(Delegation).where(c.active.is_(True))
        if on is not None:
            stmt = stmt.where(c.starts <= on, c.ends >= on)
        return self.session.scalars(stmt.order_by(c.id)).all()
