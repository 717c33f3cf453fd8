"""Customers' contacts through the one door (MessageBus) on the in-memory unit of work: invitations, binding
a chat, what a bound chat may see and ask, and refusals that say nothing to a stranger and change nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import DEFAULT_ROUTES
from bot.i18n import Translator
from bot.replies import render, render_customer_event, render_error, render_event
from bot.routing import Router
from domain import commands as c
from domain.bus import MessageBus
from domain.changes import CRStatus
from domain.commands import ChangeInput, LineInput
from domain.contacts import hash_code
from domain.errors import Conflict, InvalidInput, NotFound, OrderbotError, PermissionDenied
from domain.events import ChangeRequested, CustomerChangeDecided, OrderStatusChanged
from domain.lifecycle import Status
from domain.ports import Context
from domain.results import ContactsView, CustomerOrderView, Done, OrderPage
from domain.users import Front, Role, User
from tests.fakes import TODAY, FakeUnitOfWork, ctx, customer, events_of, product, user

D = Decimal
DUE = TODAY + timedelta(days=28)
ACME, OTHER = "CUST-001", "CUST-002"
ACME_CHAT, OTHER_CHAT, STRANGER = "1001", "2002", "3003"
LILY, WANG, CHEN = user("lily", "sales"), user("wang", "sales_manager"), user("chen", "finance")
ZHAO, LIU = user("zhao", "production"), user("liu", "warehouse")
PEOPLE = (LILY, WANG, CHEN, ZHAO, LIU)
ZONE = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en", ZONE), Translator("zh", ZONE)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork().seed(
        customer(ACME, "Acme Machining"),
        customer(OTHER, "Other Works"),
        product("NUT-M8", "0.05", lead_time_days=20),
        product("BOLT-M8", "0.50", lead_time_days=10),
        *(user(u.name, *u.roles) for u in PEOPLE),
    )
    fake.opening("NUT-M8", 100000)
    fake.opening("BOLT-M8", 100000)
    return fake


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


def guest(chat: str, hours: float = 0) -> Context:
    """What a chat front end gives a customer's contact: a stand-in with no roles, from Telegram."""
    base = ctx(User(name=f"telegram:{chat}"), front=Front.telegram)
    return replace(base, now=base.now + timedelta(hours=hours))


def invite(bus: MessageBus, cust: str = ACME) -> str:
    done = bus.handle(c.InviteCustomer(cust), ctx(LILY))
    return str(done.params["code"])


def bind(bus: MessageBus, chat: str, cust: str = ACME, name: str = "Mr Li") -> Done:
    done = bus.handle(c.BindContact(invite(bus, cust), chat, f"u{chat}", name, "zh-hans"), guest(chat))
    assert isinstance(done, Done)
    return done


def order_of(bus: MessageBus, cust: str = ACME, confirm: bool = True, qty: int = 1000) -> str:
    done = bus.handle(c.CreateOrder(cust, (LineInput("NUT-M8", D(qty)),), DUE, po_ref=f"PO-{cust}"), ctx(LILY))
    number = str(done.params["number"])
    if confirm:
        bus.handle(c.ConfirmOrder(number), ctx(LILY))
    return number


def state(uow: FakeUnitOfWork) -> tuple[object, ...]:
    """Everything a refused command must leave as it was."""
    contacts = [(k.id, k.customer, k.chat_id, k.active, k.language) for k in uow.contacts_saved()]
    invitations = [(i.id, i.used_at, i.used_chat) for i in uow.invitations_saved()]
    orders = [(o.number, o.version, o.status) for o in uow.saved.orders.values()]
    return contacts, invitations, orders, len(uow.saved.crs), len(uow.saved.audit), len(uow.outbox), uow.commits


def approve_all(bus: MessageBus, cr: str) -> None:
    by_role = {Role.sales_manager: WANG, Role.finance: CHEN, Role.production: ZHAO}
    for _ in range(4):
        view = bus.handle(c.ShowChange(cr), ctx(WANG))
        if view.cr.is_decided:
            return
        bus.handle(c.ApproveChange(cr), ctx(by_role[view.cr.pending_roles()[0]]))


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
