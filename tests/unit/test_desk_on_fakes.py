"""The real desk (the composition root's bus, dates and contexts) bootstrapped on the in-memory unit of work, and a
conversation driven through it: what the SQL tests show end to end, without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from bot.app.demo import _ensure_users
from bot.app.demo_data import USERS
from bot.conversation import actions
from bot.conversation.chat import Chat
from domain import commands as c
from domain.events import OrderConfirmed, RoleChanged
from domain.history import AuditEntry
from domain.lifecycle import Status
from domain.users import Front, Role
from tests.conftest import T0, make_fake_desk
from tests.fakes import FakeUnitOfWork, customer, events_of, product, user

NUMBER = "SO-2026-000001"


@pytest.fixture
def chat(fake_desk: Desk, fake_uow: FakeUnitOfWork) -> Chat:
    fake_uow.seed(customer("ACME", credit_limit="100000"), product("BOLT-M8", "0.50"))
    fake_uow.seed(user("liu", "warehouse"), user("zhao", "production"))
    fake_uow.opening("BOLT-M8", 5000)
    return Chat(fake_desk)


def say(chat: Chat, who: str, line: str) -> str:
    """The reply's catalog code, and its text (in the desk's language, Chinese)."""
    reply = chat.handle(Front.shell, who, line)
    assert not reply.error, reply.text()
    return f"{reply.code}: {reply.text()}"


def audit_row(e: AuditEntry) -> tuple[object, ...]:
    return (e.at, e.actor, e.front, e.action, e.subject, e.outcome, e.version, e.detail, e.reason)


def audit_rows(fake: FakeUnitOfWork, subject: str) -> list[tuple[object, ...]]:
    return [audit_row(e) for e in fake.audit_entries(subject)]


def test_the_desk_runs_on_the_unit_of_work_it_was_given(fake_desk: Desk, fake_uow: FakeUnitOfWork) -> None:
    assert fake_desk.uow == fake_uow.factory and fake_desk.database is None
    with pytest.raises(RuntimeError, match="no database"):
        _ = fake_desk.engine
    fake_desk.close()  # nothing to dispose of
    assert fake_desk.today() == T0.date()  # 09:00 in Shanghai: the same business day as UTC's
    assert fake_desk.context(Front.shell, "admin").user.roles == {Role.admin}


def test_an_order_talked_through_its_life_on_the_fake(chat: Chat, fake_uow: FakeUnitOfWork) -> None:
    """The admin from the config lets lily in; she enters and confirms an order; production and the warehouse
    take it to the customer."""
    assert say(chat, "admin", "admin grant @lily sales").startswith("role_granted: lily")
    assert say(chat, "lily", "new ACME BOLT-M8 1000 @0.45 due 12月5日 po PO-7781").startswith("order_created")
    assert say(chat, "lily", f"confirm {NUMBER}").startswith(f"order_confirmed: {NUMBER}")
    say(chat, "zhao", f"advance {NUMBER}")
    say(chat, "zhao", f"advance {NUMBER}")
    say(chat, "liu", f"ship {NUMBER} 顺丰 SF1234567890")
    order = fake_uow.order(NUMBER)
    assert (order.status, order.owner, order.amount, order.tracking, order.due_date) == (
        Status.shipped, "lily", Decimal("450.00"), "SF1234567890", date(2026, 12, 5),
    )  # fmt: skip
    assert fake_uow.item("BOLT-M8").on_hand == 4000
    assert [e.action for e in fake_uow.audit_entries(NUMBER)] == ["create", "confirm", "in_production", "ready", "ship"]
    assert events_of(fake_uow.outbox, RoleChanged) == [RoleChanged("lily", "sales", True, "admin")]
    assert [e.number for e in events_of(fake_uow.outbox, OrderConfirmed)] == [NUMBER]
    assert "SF1234567890" in say(chat, "lily", f"show {NUMBER}")


def test_a_query_commits_nothing_and_a_refusal_is_audited(chat: Chat, fake_uow: FakeUnitOfWork) -> None:
    say(chat, "admin", "admin grant @lily sales")
    say(chat, "lily", "new ACME BOLT-M8 10")
    commits = fake_uow.commits
    say(chat, "liu", f"show {NUMBER}")
    assert fake_uow.commits == commits and fake_uow.readonly  # read in a read-only unit of work
    refused = chat.handle(Front.shell, "liu", f"confirm {NUMBER}")
    assert refused.error and refused.code == "permission_denied"
    assert fake_uow.order(NUMBER).status is Status.draft
    denied = fake_uow.audit_entries(NUMBER)[-1]
    assert (denied.actor, denied.action, denied.outcome) == ("liu", "confirm", "denied")
    assert denied.detail == "needs sales, sales_manager"


def test_someone_unknown_is_told_how_to_get_in(chat: Chat, fake_uow: FakeUnitOfWork) -> None:
    reply = chat.handle(Front.slack, "U0NOBODY", "list")
    assert reply.code == "unknown_user" and not reply.error and "U0NOBODY" in reply.text()
    assert fake_uow.commits == 1  # only the config's admins (make_fake_desk): nothing was written for a stranger


def test_a_built_command_goes_through_the_same_door(chat: Chat) -> None:
    say(chat, "admin", "admin grant @lily sales")
    say(chat, "lily", "new ACME BOLT-M8 10")
    shown = chat.run(Front.shell, "lily", c.ShowOrder(NUMBER.lower()))
    assert not shown.error and NUMBER in shown.text()


# -- the installation's own grants, on the bus --------------------------------------------------------------
def test_the_config_admins_are_let_in_through_the_bus_audited_as_config(clock: FixedClock) -> None:
    fake = FakeUnitOfWork().seed(user("mei", "finance"), user("boss", "admin"))
    desk = make_fake_desk(clock, fake, admins=("admin", "mei", "boss", "slack:U0ADMIN", "telegram:4242"))
    users = fake.saved.users
    assert users["admin"].roles == {Role.admin} and users["admin"].display_name == "admin"
    assert users["mei"].roles == {Role.finance, Role.admin}  # keeps her role, and is admin now
    assert (users["U0ADMIN"].slack_id, users["U0ADMIN"].telegram_id, users["U0ADMIN"].roles) == (
        "U0ADMIN", None, {Role.admin},
    )  # fmt: skip
    assert (users["4242"].telegram_id, users["4242"].slack_id) == ("4242", None)
    # boss already was admin: no grant, no row; the rest exactly as the config's direct writes were
    assert [audit_row(e) for e in fake.audit_entries()] == [
        (T0, "config", "config", "grant", name, "ok", None, "admin", "") for name in ("admin", "mei", "U0ADMIN", "4242")
    ]
    assert fake.outbox == []  # announced to nobody
    desk.ensure_admins()  # every start: nothing more to do
    assert len(fake.audit_entries()) == 4 and fake.outbox == []


def test_an_identity_the_desk_knows_is_made_admin_under_its_own_name(clock: FixedClock) -> None:
    lily = user("lily", "sales")
    lily.slack_id = "U0LILY"
    fake = FakeUnitOfWork().seed(lily)
    make_fake_desk(clock, fake, admins=("slack:U0LILY",))
    assert set(fake.saved.users) == {"lily"} and fake.saved.users["lily"].roles == {Role.sales, Role.admin}
    # audited under the identity the config names, as before the grant went through the bus
    assert audit_rows(fake, "U0LILY") == [(T0, "config", "config", "grant", "U0LILY", "ok", None, "admin", "")]


def test_only_the_bot_itself_seeds_users(chat: Chat, fake_uow: FakeUnitOfWork) -> None:
    """SeedUsers is a command of the desk (a button could carry it), but typed or clicked by anyone — even an
    admin — it is refused: it would write grants in the config's name."""
    seed = actions.decode(actions.encode(c.SeedUsers("config", (c.Newcomer("slack:U0EVIL", "admin"),))))
    assert seed == c.SeedUsers("config", (c.Newcomer("slack:U0EVIL", "admin"),))  # a button's value
    refused = chat.run(Front.slack, "U0ADMIN", seed)
    assert refused.code == "unknown_user"  # not even a user on Slack
    refused = chat.run(Front.shell, "admin", seed)
    assert refused.error and refused.code == "permission_denied"
    assert [u for u in fake_uow.saved.users.values() if u.slack_id] == []
    denied = fake_uow.audit_entries("SeedUsers")
    assert [(e.actor, e.front, e.action, e.outcome) for e in denied] == [("admin", "shell", "seed_users", "denied")]


def test_the_demo_people_are_let_in_once_each(clock: FixedClock) -> None:
    fake = FakeUnitOfWork().seed(user("lily", "finance"))
    desk = bootstrap(Settings(admins=()), clock, uow_factory=fake.factory)
    assert _ensure_users(desk) == len(USERS) - 1
    assert fake.saved.users["lily"].roles == {Role.finance}  # somebody already there is left as they are
    assert fake.saved.users["wang"].display_name == "王经理 Wang" and fake.saved.users["wang"].roles == {
        Role.sales_manager
    }
    assert audit_rows(fake, "wang") == [(T0, "demo", "demo", "grant", "wang", "ok", None, "sales_manager", "")]
    assert audit_rows(fake, "lily") == [] and fake.outbox == []
    assert _ensure_users(desk) == 0 and len(fake.audit_entries()) == len(USERS) - 1
