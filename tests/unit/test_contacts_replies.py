"""What a customer's contact reads, in English and Chinese: stages and dates of their orders and nothing
internal, the replies to inviting and binding, the lines for events sent to them and to the team, and the
answer to their own change request (what they asked for, not its impact)."""

from __future__ import annotations

import pytest

from bot.app.config import DEFAULT_ROUTES
from bot.app.routing import Router
from bot.conversation.i18n import Translator
from bot.conversation.replies import render, render_customer_event, render_event
from domain import commands as c
from domain.bus import MessageBus
from domain.commands import ChangeInput
from domain.events import CustomerChangeDecided, OrderStatusChanged
from tests.fakes import TODAY, FakeUnitOfWork, ctx
from tests.unit.contacts_support import (
    ACME,
    ACME_CHAT,
    DUE,
    EN,
    LILY,
    LIU,
    OTHER,
    ZH,
    ZHAO,
    D,
    bind,
    guest,
    order_of,
    seeded_uow,
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


# ------------------------------------------------------------------ what the customer reads


def _text(result: object, t: Translator) -> str:
    return render(result, t, TODAY).text()


def test_the_customer_reads_stages_and_dates_and_nothing_internal(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, qty=1234)
    bus.handle(c.AdvanceOrder(number), ctx(ZHAO))
    bus.handle(c.AdvanceOrder(number), ctx(ZHAO))
    bus.handle(c.ShipOrder(number, "顺丰", "SF1234567890"), ctx(LIU))
    bind(bus, ACME_CHAT)
    for t in (EN, ZH):
        shown = _text(bus.handle(c.MyOrder(ACME_CHAT, number), guest(ACME_CHAT)), t)
        assert number in shown and "SF1234567890" in shown and "顺丰" in shown and DUE.isoformat() in shown
        assert t.status("shipped") in shown and "1234" in shown
        for internal in ("lily", "61.70", "0.05", t("lbl_reserved"), t("lbl_owner"), t("lbl_amount")):
            assert internal not in shown, internal
        listed = _text(bus.handle(c.MyOrders(ACME_CHAT), guest(ACME_CHAT)), t)
        assert number in listed and "PO-CUST-001" in listed
        for internal in ("lily", "61.70", t("lbl_owner"), t("lbl_amount")):
            assert internal not in listed, internal
    assert "Mr Li" not in _text(bus.handle(c.MyOrders(ACME_CHAT), guest(ACME_CHAT)), EN)


def test_replies_and_event_lines_in_both_languages(bus: MessageBus) -> None:
    invited = bus.handle(c.InviteCustomer(ACME), ctx(LILY))
    msg = render(invited, EN, TODAY)
    assert not msg.public and invited.params["code"] in msg.text() and "Acme Machining" in msg.text()
    assert "2026-11-25 09:00" in msg.text()  # 72 h on, in the office's time zone
    bound = bus.handle(c.BindContact(invited.params["code"], ACME_CHAT, "u", "Li", None), guest(ACME_CHAT))
    assert ACME in render(bound, ZH, TODAY).text() and ACME in render(bound, EN, TODAY).text()
    listed = bus.handle(c.ListContacts(ACME), ctx(LILY))
    assert "Li" in _text(listed, EN) and "u" in _text(listed, ZH)
    assert render(listed, EN, TODAY).buttons[0].command == f"contacts revoke {listed.contacts[0].id}"

    moved = OrderStatusChanged("SO-2026-000001", ACME, "confirmed", "in_production", "zhao")
    assert (
        render_customer_event(moved.kind, moved.payload(), EN) == "🔄 Your order SO-2026-000001 is now in production."
    )
    assert render_customer_event(moved.kind, moved.payload(), ZH) == "🔄 您的订单 SO-2026-000001 当前状态：生产中。"
    assert "zhao" not in render_customer_event(moved.kind, moved.payload(), EN)
    assert Router(DEFAULT_ROUTES)(moved) == ("channel:orders", "customer:CUST-001")
    no = CustomerChangeDecided("SO-2026-000001", ACME, "CR-3", "rejected", "already running", None)
    yes = CustomerChangeDecided("SO-2026-000001", ACME, "CR-4", "approved", "", 2)
    for t in (EN, ZH):
        assert "CR-3" in render_customer_event(no.kind, no.payload(), t)
        assert "already running" in render_customer_event(no.kind, no.payload(), t)
        assert "CR-4" in render_customer_event(yes.kind, yes.payload(), t)
        team = render_event(no.kind, no.payload(), t)
        assert "CR-3" in team and ACME in team and "already running" in team
        assert "v2" in render_event(yes.kind, yes.payload(), t)
    unknown = render_customer_event("order_backordered", {"number": "SO-2026-000001", "short": []}, EN)
    assert unknown == "✏️ Your order SO-2026-000001 was updated."


def test_contact_bound_says_when_a_chat_was_moved(bus: MessageBus) -> None:
    bind(bus, ACME_CHAT, ACME)
    moved = bind(bus, ACME_CHAT, OTHER)
    text = render(moved, EN, TODAY).text()
    assert OTHER in text and ACME in text


def test_the_customer_is_told_what_they_asked_for_not_the_impact(bus: MessageBus) -> None:
    number = order_of(bus)
    bind(bus, ACME_CHAT)
    qty = ChangeInput("quantity", "NUT-M8", quantity=D(800))
    filed = bus.handle(c.CustomerChange(ACME_CHAT, number, (qty,), "budget"), guest(ACME_CHAT))
    for t in (EN, ZH):
        text = render(filed, t, TODAY).text()
        assert filed.params["cr"] in text and "1000" in text and "800" in text
        for internal in (t("imp_money"), t("imp_risk"), t("role_sales_manager"), "lily"):
            assert internal not in text, internal
