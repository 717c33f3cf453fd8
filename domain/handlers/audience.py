"""Answers for the delivery side: who an audience means, who may decide a request, where a customer's pushes
go. Reading needs no role (the transports ask as the bot itself)."""

from __future__ import annotations

from domain import commands as c
from domain.contacts import Contact
from domain.ports import Context, UnitOfWork
from domain.results import UsersView
from domain.users import Role


def recipients(q: c.Recipients, uow: UnitOfWork, ctx: Context) -> UsersView:
    kind, _, name = q.audience.partition(":")
    if kind == "user":
        user = uow.users.get(name)
        return UsersView([user] if user is not None else [])
    if kind == "role" and name in Role.__members__:
        role = Role(name)
        return UsersView([u for u in uow.users.all() if role in u.roles])
    return UsersView([])


def change_deciders(q: c.ChangeDeciders, uow: UnitOfWork, ctx: Context) -> UsersView:
    cr = uow.changes.get(q.number.strip().upper())
    if cr is None or cr.is_decided:
        return UsersView([])
    delegations = list(uow.changes.delegations(ctx.today))
    return UsersView([u for u in uow.users.all() if cr.asks(u, delegations, ctx.changes)])


def customer_chats(q: c.CustomerChats, uow: UnitOfWork, ctx: Context) -> list[Contact]:
    return list(uow.contacts.active_chats(q.customer))


def chat_binding(q: c.ChatBinding, uow: UnitOfWork, ctx: Context) -> Contact | None:
    return uow.contacts.contact_for_chat(q.chat_id)
