"""Customers' contacts through the one door (MessageBus) on the in-memory unit of work, the customer's side:
a bound chat lists its orders, reads one and asks for a change that goes through approval; it never learns
anything of another customer's orders, and an unbound chat is refused everything."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.app.config import DEFAULT_ROUTES
from bot.app.routing import Router
from bot.conversation.replies import render_error
from domain import commands as c
from domain.bus import MessageBus
from domain.changes import CRStatus
from domain.commands import ChangeInput
from domain.errors import Conflict, OrderbotError
from domain.events import ChangeRequested, CustomerChangeDecided
from domain.lifecycle import Status
from domain.ports import Context
from domain.results import CustomerOrderView, Done, OrderPage
from domain.users import Role
from tests.fakes import FakeUnitOfWork, ctx, events_of
from tests.unit.contacts_support import (
    ACME,
    ACME_CHAT,
    CHEN,
    DUE,
    EN,
    LILY,
    OTHER,
    OTHER_CHAT,
    STRANGER,
    WANG,
    ZH,
    ZHAO,
    D,
    bind,
    guest,
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


def approve_all(bus: MessageBus, cr: str) -> None:
    by_role = {Role.sales_manager: WANG, Role.finance: CHEN, Role.production: ZHAO}
    for _ in range(4):
        view = bus.handle(c.ShowChange(cr), ctx(WANG))
        if view.cr.is_decided:
            return
        bus.handle(c.ApproveChange(cr), ctx(by_role[view.cr.pending_roles()[0]]))


# ------------------------------------------------------------------ the story


def test_invite_bind_then_my_orders_status_and_a_change_through_approval(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    first, second = order_of(bus), order_of(bus)
    draft = order_of(bus, confirm=False)
    theirs = order_of(bus, OTHER)

    done = bind(bus, ACME_CHAT)
    assert (done.code, done.params["customer"], done.params["name"]) == ("contact_bound", ACME, "Acme Machining")
    (contact,) = uow.contacts_saved(ACME)
    assert (contact.chat_id, contact.telegram_user, contact.name, contact.language) == (
        ACME_CHAT,
        "u1001",
        "Mr Li",
        "zh",
    )
    assert contact.invited_by == "lily" and contact.active
    (used,) = uow.invitations_saved()
    assert (used.used_at, used.used_chat) == (guest(ACME_CHAT).now, ACME_CHAT)
    assert [e.action for e in uow.audit_entries(ACME)][-1] == "contact_bind"

    page = bus.handle(c.MyOrders(ACME_CHAT), guest(ACME_CHAT))
    assert isinstance(page, OrderPage) and page.title_code == "my_orders_title"
    assert [o.number for o in page.orders] == [draft, second, first] and theirs not in [o.number for o in page.orders]

    view = bus.handle(c.MyOrder(ACME_CHAT, first), guest(ACME_CHAT))
    assert isinstance(view, CustomerOrderView) and view.order.number == first
    assert view.last_change == max(e.at for e in uow.audit_entries(first))

    later = c.ChangeInput("due_date", when=DUE + timedelta(days=14))
    filed = bus.handle(c.CustomerChange(ACME_CHAT, first, (later,), ""), guest(ACME_CHAT))
    assert isinstance(filed, Done) and filed.code == "customer_change_filed" and filed.order is None
    cr_number = filed.params["cr"]
    assert filed.params["number"] == first and filed.params["changes"][0][0] == "due_date"
    cr = uow.change(cr_number)
    assert (cr.requested_by, cr.front, cr.evidence, cr.reason) == (
        "customer:CUST-001", "telegram", "customer via Telegram", "requested by customer"
    )  # fmt: skip
    assert events_of(uow.outbox, ChangeRequested)[-1].by == "customer:CUST-001"
    assert [e.actor for e in uow.audit_entries(first) if e.action == "change_request"] == ["customer:CUST-001"]
    assert uow.order(first).version == 1  # nothing applied before the approvals

    approve_all(bus, cr_number)
    assert uow.change(cr_number).status is CRStatus.approved
    assert uow.order(first).due_date == DUE + timedelta(days=14) and uow.order(first).version == 2
    (told,) = events_of(uow.outbox, CustomerChangeDecided)
    assert told == CustomerChangeDecided(first, ACME, cr_number, "approved", "", 2)
    assert Router(DEFAULT_ROUTES)(told) == ("channel:orders", "customer:CUST-001")


def test_a_rejected_customer_change_is_told_too_and_staff_requests_are_not(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    number = order_of(bus)
    bind(bus, ACME_CHAT)
    qty = ChangeInput("quantity", "NUT-M8", quantity=D(800))
    filed = bus.handle(c.CustomerChange(ACME_CHAT, number, (qty,), "budget", "mail 11-21"), guest(ACME_CHAT))
    cr_number = filed.params["cr"]
    assert uow.change(cr_number).evidence == "customer via Telegram: mail 11-21"
    bus.handle(c.RejectChange(cr_number, "already in production"), ctx(WANG))
    (told,) = events_of(uow.outbox, CustomerChangeDecided)
    assert (told.outcome, told.reason, told.version, told.cr) == ("rejected", "already in production", None, cr_number)

    staff = bus.handle(c.RequestChange(number, (qty,), "phone call"), ctx(LILY))
    bus.handle(c.RejectChange(staff.cr.number, "no"), ctx(WANG))
    approve_all(bus, bus.handle(c.RequestChange(number, (qty,), "phone call"), ctx(LILY)).cr.number)
    assert len(events_of(uow.outbox, CustomerChangeDecided)) == 1  # only the customer's own request


def test_a_customer_cannot_change_a_draft(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    draft = order_of(bus, confirm=False)
    bind(bus, ACME_CHAT)
    before = state(uow)
    with pytest.raises(Conflict) as err:
        bus.handle(c.CustomerChange(ACME_CHAT, draft, (ChangeInput("cancel"),), "no"), guest(ACME_CHAT))
    assert err.value.code == "customer_change_not_confirmed"
    assert state(uow) == before


def test_my_orders_leave_closed_and_cancelled_out_and_page_by_five(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    numbers = [order_of(bus, confirm=False) for _ in range(7)]
    bus.handle(c.CancelOrder(numbers[0], "duplicate"), ctx(LILY))
    bind(bus, ACME_CHAT)
    first = bus.handle(c.MyOrders(ACME_CHAT), guest(ACME_CHAT))
    assert [o.number for o in first.orders] == numbers[:0:-1][:5] and first.total == 6 and first.offset == 0
    second = bus.handle(c.MyOrders(ACME_CHAT, 2), guest(ACME_CHAT))
    assert [o.number for o in second.orders] == [numbers[1]] and second.offset == 5
    assert bus.handle(c.MyOrders(ACME_CHAT, 3), guest(ACME_CHAT)).orders == []
    assert bus.handle(c.MyOrders(ACME_CHAT, -4), guest(ACME_CHAT)).offset == 0
    # a cancelled order is still theirs to look up
    assert bus.handle(c.MyOrder(ACME_CHAT, numbers[0]), guest(ACME_CHAT)).order.status is Status.cancelled


# ------------------------------------------------------------------ isolation


def _reply(bus: MessageBus, message: object, who: Context) -> tuple[str, str, dict[str, Any], str, str]:
    try:
        result = bus.handle(message, who)
    except OrderbotError as err:
        return type(err).__name__, err.code, err.params, render_error(err, EN).text(), render_error(err, ZH).text()
    return "ok", type(result).__name__, {}, "", ""


def test_another_customers_order_is_answered_exactly_like_no_order(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    mine, theirs = order_of(bus, ACME), order_of(bus, OTHER)
    bind(bus, ACME_CHAT, ACME)
    bind(bus, OTHER_CHAT, OTHER)
    missing = "SO-2026-000999"

    def customer_commands(number: str) -> list[object]:
        return [
            c.MyOrder(ACME_CHAT, number),
            c.CustomerChange(ACME_CHAT, number, (ChangeInput("cancel"),), "no longer needed"),
            c.CustomerChange(ACME_CHAT, number, (ChangeInput("quantity", "NUT-M8", quantity=D(5)),), ""),
            c.CustomerChange(ACME_CHAT, number, (ChangeInput("quantity", "NOPE", quantity=D(5)),), ""),
        ]

    before = state(uow)
    for other, absent in zip(customer_commands(theirs), customer_commands(missing), strict=True):
        got, expected = _reply(bus, other, guest(ACME_CHAT)), _reply(bus, absent, guest(ACME_CHAT))
        assert got[0] == "NotFound"
        assert repr(got).replace(theirs, "N") == repr(expected).replace(missing, "N")
    assert state(uow) == before
    # and each sees its own
    assert bus.handle(c.MyOrder(OTHER_CHAT, theirs), guest(OTHER_CHAT)).order.number == theirs
    assert [o.number for o in bus.handle(c.MyOrders(ACME_CHAT), guest(ACME_CHAT)).orders] == [mine]
    assert [o.number for o in bus.handle(c.MyOrders(OTHER_CHAT), guest(OTHER_CHAT)).orders] == [theirs]


def test_unbound_chats_are_refused_everything(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus)
    before = state(uow)
    for message in (
        c.MyOrders(STRANGER),
        c.MyOrder(STRANGER, number),
        c.CustomerChange(STRANGER, number, (ChangeInput("cancel"),), "x"),
        c.Unlink(STRANGER),
        c.SetContactLanguage(STRANGER, "en"),
    ):
        with pytest.raises(Conflict) as err:
            bus.handle(message, guest(STRANGER))
        assert err.value.code == "not_bound"
    assert state(uow) == before
