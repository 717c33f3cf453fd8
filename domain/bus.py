"""Runs one command or query in one unit of work; the single door into the core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.commands import Command
from domain.errors import PermissionDenied
from domain.handlers import HANDLERS
from domain.history import AuditEntry
from domain.ports import Context, UnitOfWork


def subject_of(message: object) -> str:
    for attr in ("number", "user", "customer", "sku"):
        value = getattr(message, attr, None)
        if isinstance(value, str) and value:
            return value.strip().upper() if attr == "number" else value
    return type(message).__name__


class MessageBus:
    def __init__(self, uow_factory: Callable[..., UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    def handle(self, message: object, ctx: Context) -> Any:
        handler = HANDLERS.get(type(message))
        if handler is None:
            raise TypeError(f"no handler for {type(message).__name__}")
        writes = isinstance(message, Command)
        try:
            with self._uow_factory(readonly=not writes) as uow:
                result = handler(message, uow, ctx)
                if writes:
                    uow.commit()
                return result
        except PermissionDenied as denied:
            self._audit_refusal(message, ctx, denied)
            raise

    def _audit_refusal(self, message: object, ctx: Context, denied: PermissionDenied) -> None:
        """The refused attempt is kept in its own transaction: the command's own rolled back."""
        with self._uow_factory(readonly=False) as uow:
            uow.history.audit(
                AuditEntry(
                    ctx.now,
                    ctx.user.name,
                    ctx.front.value,
                    denied.action,
                    subject_of(message),
                    outcome="denied",
                    detail=f"needs {', '.join(denied.roles)}" if denied.roles else denied.code,
                )
            )
            uow.commit()
