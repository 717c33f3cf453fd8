"""Typed errors that carry a user-facing reason.

Every error names a message ``code`` (a key of the bot's zh-CN / en catalogs) and the
``params`` the message needs; ``str(err)`` is an English fallback so a log line is
readable even where no catalog is at hand.
"""

from __future__ import annotations

from typing import Any


class OrderbotError(Exception):
    """Base of every error a user may see as a one-line reason."""

    code = "error"
    default = "Something is wrong with that request."

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(self.english())

    def english(self) -> str:
        try:
            return self.default.format(**self.params)
        except (KeyError, IndexError):
            return f"{self.code}: {self.params}"


class InvalidInput(OrderbotError):
    """The request itself is malformed (bad quantity, unknown word, ...)."""

    code = "invalid_input"
    default = "That input is not valid: {detail}"


class NotFound(OrderbotError):
    code = "not_found"
    default = "No {kind} {key}."

    def __init__(self, kind: str, key: str) -> None:
        super().__init__("not_found", kind=kind, key=key)


class PermissionDenied(OrderbotError):
    code = "permission_denied"
    default = "You need one of the roles {roles} to {action}."

    def __init__(self, action: str, roles: tuple[str, ...]) -> None:
        super().__init__("permission_denied", action=action, roles=", ".join(roles))
        self.action = action
        self.roles = roles


class UnknownUser(OrderbotError):
    code = "unknown_user"
    default = "I don't know you yet ({identity}); ask an admin to grant you a role."

    def __init__(self, identity: str) -> None:
        super().__init__("unknown_user", identity=identity)


class IllegalTransition(OrderbotError):
    code = "illegal_transition"
    default = "{number} is {status}: it cannot go to {target}. Allowed from here: {allowed}."

    def __init__(self, number: str, status: str, target: str, allowed: tuple[str, ...]) -> None:
        super().__init__(
            "illegal_transition",
            number=number,
            status=status,
            target=target,
            allowed=", ".join(allowed) or "-",
        )
        self.allowed = allowed


class ConfirmationFailed(OrderbotError):
    """All failed confirmation checks at once, each a (code, params) problem."""

    code = "confirmation_failed"
    default = "{number} cannot be confirmed: {count} problem(s)."

    def __init__(self, number: str, problems: list[tuple[str, dict[str, Any]]]) -> None:
        super().__init__("confirmation_failed", number=number, count=len(problems))
        self.problems = problems


class ConcurrentUpdate(OrderbotError):
    code = "concurrent_update"
    default = "{key} was changed by someone else meanwhile; nothing was changed, please try again."

    def __init__(self, key: str) -> None:
        super().__init__("concurrent_update", key=key)


class Conflict(OrderbotError):
    """A rule of the business forbids this (already exists, not editable now, ...)."""

    code = "conflict"
    default = "That is not possible: {detail}"


class SelfApproval(PermissionDenied):
    """The requester of a change request may not approve (or reject) it."""

    code = "cr_self_approval"
    default = "You requested {number}: someone else must decide it."

    def __init__(self, number: str, action: str = "approve") -> None:
        OrderbotError.__init__(self, "cr_self_approval", number=number)
        self.action = action
        self.roles = ()
