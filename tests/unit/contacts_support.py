"""What the customers'-contacts tests share: two customers and their chats, the staff, an in-memory unit of
work seeded with them, and the steps of inviting, binding and ordering."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.conversation.i18n import Translator
from domain import commands as c
from domain.bus import MessageBus
from domain.commands import LineInput
from domain.ports import Context
from domain.results import Done
from domain.users import Front, User
from tests.fakes import TODAY, FakeUnitOfWork, ctx, customer, product, user

D = Decimal
DUE = TODAY + timedelta(days=28)
ACME, OTHER = "CUST-001", "CUST-002"
ACME_CHAT, OTHER_CHAT, STRANGER = "1001", "2002", "3003"
LILY, WANG, CHEN = user("lily", "sales"), user("wang", "sales_manager"), user("chen", "finance")
ZHAO, LIU = user("zhao", "production"), user("liu", "warehouse")
PEOPLE = (LILY, WANG, CHEN, ZHAO, LIU)
ZONE = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en", ZONE), Translator("zh", ZONE)


def seeded_uow() -> FakeUnitOfWork:
    """Both customers, nuts and bolts with 100 000 of each on the shelf, and the staff."""
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
