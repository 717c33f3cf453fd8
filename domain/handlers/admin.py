"""Administration: users and roles. Every grant and revoke is audited; those made in a chat are announced too."""

from __future__ import annotations

from domain import commands as c
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.events import RoleChanged
from domain.history import AuditEntry
from domain.ports import Context, UnitOfWork
from domain.results import Done, UsersView
from domain.users import Front, Role, User, require


def _role(name: str) -> Role:
    try:
        return Role(name.strip().lower())
    except ValueError:
        raise InvalidInput("unknown_role", role=name, allowed=", ".join(r.value for r in Role)) from None


def _audit(uow: UnitOfWork, ctx: Context, action: str, subject: str, detail: str) -> None:
    uow.history.audit(AuditEntry(ctx.now, ctx.user.name, ctx.front.value, action, subject, detail=detail))


def grant_role(cmd: c.GrantRole, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "manage_users")
    role = _role(cmd.role)
    user = uow.users.get(cmd.user) or uow.users.by_identity(ctx.front, cmd.user)
    created = user is None
    if user is None:
        # Granting a role is how a new colleague is let in: the first grant creates the user, named as
        # the @mention showed them when that name is free.
        slack, telegram = _identity_for(ctx, cmd.user)
        wanted = cmd.display.strip().lstrip("@")
        name = wanted if wanted and uow.users.get(wanted) is None else cmd.user
        user = User(name=name, display_name=wanted or name, slack_id=slack, telegram_id=telegram)
        uow.users.add(user)
    if role in user.roles:
        return Done("role_already", {"user": user.name, "role": role.value})
    user.roles = user.roles | {role}
    _audit(uow, ctx, "grant", user.name, role.value)
    uow.publish(RoleChanged(user.name, role.value, True, ctx.user.name))
    return Done("role_granted", {"user": user.name, "role": role.value, "new": created})


def _identity_for(ctx: Context, ident: str) -> tuple[str | None, str | None]:
    """(slack id, telegram id): a grant typed in Slack names a Slack user, and so on."""
    if ctx.front.value == "slack":
        return ident, None
    if ctx.front.value == "telegram":
        return None, ident
    return None, None


def revoke_role(cmd: c.RevokeRole, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "manage_users")
    role = _role(cmd.role)
    user = uow.users.get(cmd.user) or uow.users.by_identity(ctx.front, cmd.user)
    if user is None:
        raise NotFound("user", cmd.user)
    if role not in user.roles:
        return Done("role_not_held", {"user": user.name, "role": role.value})
    if role is Role.admin and user.name == ctx.user.name:
        raise Conflict("cannot_revoke_own_admin")
    user.roles = user.roles - {role}
    _audit(uow, ctx, "revoke", user.name, role.value)
    uow.publish(RoleChanged(user.name, role.value, False, ctx.user.name))
    return Done("role_revoked", {"user": user.name, "role": role.value})


def set_language(cmd: c.SetLanguage, uow: UnitOfWork, ctx: Context) -> Done:
    """Anyone may choose the language the bot answers them in."""
    lang = cmd.language.strip().lower()
    if lang not in ctx.languages:
        raise InvalidInput("unknown_language", language=cmd.language, allowed=", ".join(ctx.languages))
    user = uow.users.get(ctx.user.name)
    if user is None:
        raise NotFound("user", ctx.user.name)
    user.language = lang
    _audit(uow, ctx, "language", user.name, lang)
    return Done("language_set", {"language": lang})


def list_users(q: c.ListUsers, uow: UnitOfWork, ctx: Context) -> UsersView:
    wanted = {_role(r) for r in q.roles}
    users = [u for u in uow.users.all() if not wanted or wanted & u.roles]
    return UsersView(sorted(users, key=lambda u: u.name))


def seed_users(cmd: c.SeedUsers, uow: UnitOfWork, ctx: Context) -> Done:
    """The installation's own grants (the config's admins, the demo's people): only the bot itself may make them,
    since they are audited as made by ``cmd.source``, not by whoever asks. Unlike a grant typed in a chat,
    nothing is announced: these are made at start-up (or while the demo loads), with nobody to tell yet."""
    if ctx.front is not Front.system:
        raise PermissionDenied("seed_users", (Front.system.value,))
    added: list[str] = []
    granted: list[str] = []
    for person in cmd.people:
        role = _role(person.role)
        # "slack:U012ABC" / "telegram:12345" name a chat identity; anything else a user name
        who = person.who
        front, _, ident = who.partition(":") if who.startswith(("slack:", "telegram:")) else ("", "", "")
        name = ident or who
        user = uow.users.by_identity(Front(front), ident) if front else uow.users.get(name)
        if user is None:
            slack, telegram = (ident if front == "slack" else None), (ident if front == "telegram" else None)
            uow.users.add(User(name, person.display or name, None, slack, telegram, {role}))
            added.append(name)
        elif role in user.roles or not cmd.grant_existing:
            continue
        else:
            user.roles = user.roles | {role}
            granted.append(user.name)
        uow.history.audit(AuditEntry(ctx.now, cmd.source, cmd.source, "grant", name, detail=role.value))
    return Done("users_seeded", {"added": added, "granted": granted})
