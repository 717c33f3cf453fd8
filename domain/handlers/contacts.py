"""Customers' contacts: invitations, binding a chat to a customer, and what a bound chat may do.

Staff (sales) invite a customer and manage its contacts. A customer's contact has no user and no role: the
chat's active binding is its only authority, and it reaches that customer's orders only. An order of another
customer is answered exactly like an order that does not exist, and a bad invitation code gets one answer
whether it was forged, has expired or was used already — neither tells a stranger anything.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain import commands as c
from domain.contacts import Contact, Invitation, hash_code, new_code, requester, well_formed
from domain.errors import Conflict, InvalidInput, NotFound
from domain.handlers.changes import TELEGRAM_EVIDENCE, file_change, summary
from domain.history import AuditEntry
from domain.lifecycle import EDITABLE, Status
from domain.lookup import resolve_customer
from domain.orders import Order
from domain.parties import Customer
from domain.ports import Context, OrderFilter, UnitOfWork
from domain.results import ChangeView, ContactsView, CustomerOrderView, Done, OrderPage
from domain.users import Front, User, require

MY_PAGE = 5  # a phone screen of orders
CUSTOMER_REASON = "requested by customer"
NOT_LISTED = (Status.closed.value, Status.cancelled.value)


def _audit(uow: UnitOfWork, ctx: Context, action: str, subject: str, detail: str = "", reason: str = "") -> None:
    uow.history.audit(AuditEntry(ctx.now, ctx.user.name, ctx.front.value, action, subject, "ok", None, detail, reason))


def _customer(uow: UnitOfWork, code: str) -> Customer:
    return resolve_customer(uow, code)  # a code, a name or part of one, pinyin initials


def _language(value: str | None, ctx: Context) -> str | None:
    """A front end's language code (zh-hans, en-US) as ours, or None when we speak neither."""
    short = (value or "").lower().replace("_", "-").split("-")[0]
    return short if short in ctx.languages else None


# -- staff -----------------------------------------------------------------------------------------
def invite_customer(cmd: c.InviteCustomer, uow: UnitOfWork, ctx: Context) -> Done:
    """A single-use code for the customer's contacts; shown once here, stored only as its hash."""
    require(ctx.user, "invite")
    customer = _customer(uow, cmd.customer)
    code = new_code()
    expires = ctx.now + timedelta(hours=ctx.contacts.invite_hours)
    uow.contacts.add_invitation(Invitation(customer.code, hash_code(code), ctx.user.name, ctx.now, expires))
    _audit(uow, ctx, "invite", customer.code, f"expires {expires.isoformat()}")
    return Done("invite_created", {"customer": customer.code, "name": customer.name, "code": code, "expires": expires})


def list_contacts(q: c.ListContacts, uow: UnitOfWork, ctx: Context) -> ContactsView:
    require(ctx.user, "invite")
    customer = _customer(uow, q.customer)
    return ContactsView(customer.code, list(uow.contacts.contacts_of(customer.code)), customer.name)


def revoke_contact(cmd: c.RevokeContact, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "invite")
    contact = uow.contacts.contact(cmd.contact_id)
    if contact is None:
        raise NotFound("contact", f"#{cmd.contact_id}")
    params = {"id": cmd.contact_id, "customer": contact.customer, "name": contact.name, "chat": contact.chat_id}
    if not contact.active:
        return Done("contact_already_revoked", params)
    contact.active = False
    _audit(uow, ctx, "contact_revoke", contact.customer, f"#{cmd.contact_id} chat {contact.chat_id} {contact.name}")
    return Done("contact_revoked", params)


# -- binding -----------------------------------------------------------------------------------------
def bind_contact(cmd: c.BindContact, uow: UnitOfWork, ctx: Context) -> Done:
    """The code is the authority: a valid, unused, unexpired invitation binds this chat to its customer."""
    code, chat = cmd.code.strip(), cmd.chat_id.strip()
    invitation = uow.contacts.invitation(hash_code(code), lock=True) if well_formed(code) and chat else None
    customer = uow.customers.get(invitation.customer) if invitation is not None else None
    if invitation is None or customer is None or not invitation.usable(ctx.now):
        raise InvalidInput("invite_invalid")  # forged, expired or used: one answer for all three
    invitation.use(chat, ctx.now)
    as_customer = _as_customer(ctx, customer.code, cmd.name)
    current = uow.contacts.contact_for_chat(chat)
    moved_from = ""
    if current is not None and current.customer != customer.code:
        current.active = False
        moved_from = current.customer
        _audit(uow, as_customer, "contact_moved", moved_from, f"chat {chat} now follows {customer.code}")
        current = None
    # the same chat bound to this customer before (then unlinked or revoked): the same contact, active again
    contact = current or next((k for k in uow.contacts.contacts_of(customer.code) if k.chat_id == chat), None)
    if contact is None:
        language = _language(cmd.language, ctx)
        contact = Contact(customer.code, chat, cmd.telegram_user.strip(), cmd.name.strip(), language,
                          ctx.now, invitation.created_by)  # fmt: skip
        uow.contacts.add_contact(contact)
    else:
        contact.telegram_user, contact.name = cmd.telegram_user.strip(), cmd.name.strip()
        contact.language = contact.language or _language(cmd.language, ctx)  # a language they chose stays
        contact.bound_at, contact.invited_by, contact.active = ctx.now, invitation.created_by, True
    detail = f"chat {chat} {contact.name}, invited by {invitation.created_by}"
    if moved_from:
        detail += f", moved from {moved_from}"
    _audit(uow, as_customer, "contact_bind", customer.code, detail)
    return Done("contact_bound", {"customer": customer.code, "name": customer.name, "moved_from": moved_from})


# -- what a bound chat may do ------------------------------------------------------------------------
def _as_customer(ctx: Context, customer: str, name: str = "") -> Context:
    """The customer as the actor: audit entries and change requests name "customer:CODE", from Telegram."""
    return replace(ctx, user=User(name=requester(customer), display_name=name), front=Front.telegram)


def _bound(uow: UnitOfWork, chat_id: str) -> Contact:
    contact = uow.contacts.contact_for_chat(chat_id.strip())
    if contact is None:
        raise Conflict("not_bound")
    return contact


def _own_order(uow: UnitOfWork, contact: Contact, number: str) -> Order:
    """The customer's own order — or exactly the answer a number that does not exist gets."""
    order = uow.orders.get(number.strip().upper())
    if order is None or order.customer.code != contact.customer:
        raise NotFound("order", number)
    return order


def unlink(cmd: c.Unlink, uow: UnitOfWork, ctx: Context) -> Done:
    contact = _bound(uow, cmd.chat_id)
    contact.active = False
    customer = uow.customers.get(contact.customer)
    _audit(uow, _as_customer(ctx, contact.customer, contact.name), "contact_unlink", contact.customer,
           f"chat {contact.chat_id} {contact.name}")  # fmt: skip
    return Done("contact_unlinked", {"customer": contact.customer, "name": customer.name if customer else ""})


def set_contact_language(cmd: c.SetContactLanguage, uow: UnitOfWork, ctx: Context) -> Done:
    contact = _bound(uow, cmd.chat_id)
    lang = cmd.language.strip().lower()
    if lang not in ctx.languages:
        raise InvalidInput("unknown_language", language=cmd.language, allowed=", ".join(ctx.languages))
    contact.language = lang
    _audit(uow, _as_customer(ctx, contact.customer, contact.name), "contact_language", contact.customer,
           f"chat {contact.chat_id} {lang}")  # fmt: skip
    return Done("language_set", {"language": lang})


def my_orders(q: c.MyOrders, uow: UnitOfWork, ctx: Context) -> OrderPage:
    """The bound customer's orders that are not closed or cancelled, newest first, a phone screen at a time."""
    contact = _bound(uow, q.chat_id)
    customer = uow.customers.get(contact.customer)
    if customer is None:
        raise Conflict("not_bound")
    page = max(1, q.page)
    flt = OrderFilter(customer_id=customer.id, exclude_statuses=NOT_LISTED, limit=MY_PAGE, offset=(page - 1) * MY_PAGE)
    orders = list(uow.orders.search(flt))
    title = {"customer": customer.code, "name": customer.name, "page": page}
    return OrderPage(orders, uow.orders.count(flt), flt.offset, "my_orders_title", title)


def my_order(q: c.MyOrder, uow: UnitOfWork, ctx: Context) -> CustomerOrderView:
    order = _own_order(uow, _bound(uow, q.chat_id), q.number)
    last = max((e.at for e in uow.history.audit_of(order.number) if e.outcome == "ok"), default=None)
    return CustomerOrderView(order, last)


def customer_change(cmd: c.CustomerChange, uow: UnitOfWork, ctx: Context) -> Done:
    """A change request like any other (same resolving, impact and approvals), filed as the customer.

    The answer names the request and what was asked, never the impact or who must approve."""
    contact = _bound(uow, cmd.chat_id)
    order = _own_order(uow, contact, cmd.number)
    if order.status in EDITABLE:
        raise Conflict("customer_change_not_confirmed", number=order.number)
    reason = cmd.reason.strip() or CUSTOMER_REASON
    given = cmd.evidence.strip()
    evidence = f"{TELEGRAM_EVIDENCE}: {given}" if given else TELEGRAM_EVIDENCE
    filed = file_change(uow, _as_customer(ctx, contact.customer, contact.name), order, cmd.changes, reason, evidence)
    assert isinstance(filed, ChangeView)  # a confirmed order always gets a request
    cr = filed.cr
    return Done("customer_change_filed", {"cr": cr.number, "number": order.number, "changes": summary(cr.requested)})
