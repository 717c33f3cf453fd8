"""The Slack listeners without Slack and without bolt's dispatch: each listener function is called directly with
bolt's own ``Ack``, a ``Respond`` and a ``WebClient`` that record what they were given, over a desk port on the
in-memory unit of work. The desk notes every message that reaches its door, and the parser every text it reads,
so a test can tell a command a form or a button built from one parsed out of text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from adapters.slack.front import SlackFront
from adapters.sql.slack_store import SlackStore
from bot.app.clock import FixedClock
from bot.conversation.chat import Chat
from bot.conversation.i18n import Translator, language_of
from bot.conversation.language.dates import DateReader
from bot.conversation.language.verbs import CommandParser
from domain import commands as c
from domain.bus import MessageBus
from domain.commands import LineInput
from domain.errors import UnknownUser
from domain.parties import MakeOrBuy
from domain.ports import Context
from domain.users import Front, Role, User
from tests.fakes import FakeUnitOfWork, customer, product

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
TODAY = date(2026, 11, 22)
DUE = date(2026, 12, 20)
PEOPLE = {  # name: (Slack id, language, roles)
    "lily": ("U0LILY", None, ("sales",)),
    "wang": ("U0WANG", "zh", ("sales_manager",)),
    "chen": ("U0CHEN", None, ("finance",)),
    "zhao": ("U0ZHAO", None, ("production",)),
    "liu": ("U0LIU", None, ("warehouse",)),
}
LILY, WANG, CHEN, LIU = "U0LILY", "U0WANG", "U0CHEN", "U0LIU"
DATES = DateReader()  # built once: the date rules are costly to build


class FakeDesk:
    """``DeskPort`` over the in-memory unit of work; ``handled`` is every message that came through the door."""

    def __init__(self, fake: FakeUnitOfWork, clock: FixedClock) -> None:
        self.fake, self.clock, self.bus = fake, clock, MessageBus(fake.factory)
        self.handled: list[tuple[object, Context]] = []

    @property
    def language(self) -> str:
        return "en"

    @property
    def zone(self) -> ZoneInfo:
        return ZONE

    @property
    def dates(self) -> DateReader:
        return DATES

    def invite_link(self, code: str) -> str | None:
        return None

    def today(self) -> date:
        return DATES.today(self.clock.now())

    def _context(self, user: User, front: Front) -> Context:
        return Context(user, front, self.clock.now(), self.today())

    def context(self, front: Front, identity: str) -> Context:
        with self.fake.factory(readonly=True) as uow:
            user = uow.users.by_identity(front, identity)
        if user is None:
            raise UnknownUser(identity)
        return self._context(user, front)

    def guest_context(self, front: Front, who: str) -> Context:
        return self._context(User(who, who), front)

    def system_context(self, front: Front = Front.system) -> Context:
        return self._context(User("orderbot", "orderbot", roles={Role.admin}), front)

    def handle(self, message: object, ctx: Context) -> Any:
        self.handled.append((message, ctx))
        return self.bus.handle(message, ctx)

    def translator(self, lang: str | None) -> Translator:
        return Translator(language_of(lang, "en"), ZONE)

    def commands(self) -> list[object]:
        """What reached the door that changes something (queries left out)."""
        return [m for m, _ in self.handled if isinstance(m, c.Command)]


class SpyParser(CommandParser):
    def __init__(self) -> None:
        super().__init__(DATES)
        self.texts: list[str] = []

    def parse(self, text: str, today: date, me: str = "") -> Any:
        self.texts.append(text)
        return super().parse(text, today, me)


class FakeClient(WebClient):
    """The Web API methods the listeners call, answered locally and noted in ``calls``."""

    def __init__(self) -> None:
        super().__init__(token="xoxb-unit")
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _note(self, method: str, **kwargs: Any) -> SlackResponse:
        self.calls.append((method, kwargs))
        data = {"ok": True, "channel": str(kwargs.get("channel", "")), "ts": "1700000000.000100"}
        return SlackResponse(client=self, http_verb="POST", api_url=method, req_args={}, data=data, headers={},
                             status_code=200)  # fmt: skip

    def views_open(self, **kwargs: Any) -> SlackResponse:
        return self._note("views.open", **kwargs)

    def views_publish(self, **kwargs: Any) -> SlackResponse:
        return self._note("views.publish", **kwargs)

    def chat_postMessage(self, **kwargs: Any) -> SlackResponse:  # noqa: N802 (the SDK's name)
        return self._note("chat.postMessage", **kwargs)

    def to(self, method: str) -> list[dict[str, Any]]:
        return [kwargs for name, kwargs in self.calls if name == method]

    def opened(self) -> dict[str, Any]:
        (call,) = self.to("views.open")
        view: dict[str, Any] = call["view"]
        return view


class FakeRespond(Respond):
    """Bolt's ``Respond`` that notes the answer instead of posting it to the response_url."""

    def __init__(self, response_url: str | None = "https://hooks.slack.invalid/respond") -> None:
        super().__init__(response_url=response_url)  # None: a click in the Home tab, which has none
        self.answers: list[dict[str, Any]] = []

    def __call__(self, text: str | dict[str, Any] = "", **kwargs: Any) -> Any:  # type: ignore[override]
        self.answers.append({"text": text, **kwargs})
        return None

    def only(self) -> dict[str, Any]:
        (answer,) = self.answers
        return answer


class FakeStore:
    """The replay part of ``SlackStore``: which signatures were seen."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def first_time(self, signature: str, now: datetime) -> bool:
        if signature in self.seen:
            return False
        self.seen.add(signature)
        return True


@dataclass
class Desk:
    """One Slack front end on a seeded in-memory desk, and what it did."""

    front: SlackFront
    desk: FakeDesk
    parser: SpyParser
    client: FakeClient
    woken: list[bool] = field(default_factory=list)

    def order(self, qty: int = 1000, *, confirmed: bool = False) -> str:
        lines = (LineInput("BOLT-M8X30", Decimal(qty)), LineInput("NUT-M8", Decimal(500)))
        lily = self.desk.context(Front.slack, LILY)
        number = str(self.desk.bus.handle(c.CreateOrder("CUST-001", lines, DUE), lily).params["number"])
        if confirmed:
            self.desk.bus.handle(c.ConfirmOrder(number), lily)
        return number

    def change_request(self) -> str:
        """CR-1: 1000 bolts cut to 800 on a confirmed order, waiting for approvers."""
        number = self.order(confirmed=True)
        change = c.RequestChange(number, (c.ChangeInput("quantity", "BOLT-M8X30", quantity=Decimal(800)),), "less")
        return str(self.desk.bus.handle(change, self.desk.context(Front.slack, LILY)).cr.number)


@pytest.fixture
def slack() -> Iterator[Desk]:
    fake = FakeUnitOfWork().seed(
        customer("CUST-001", "Acme Machining"),
        customer("CUST-002", "Beta Tools"),
        product("BOLT-M8X30", "300", make_or_buy=MakeOrBuy.make, unit_cost=Decimal(200), lead_time_days=10),
        product("NUT-M8", "0.05", lead_time_days=20),
        *(User(name, name, lang, sid, roles={Role(r) for r in roles}) for name, (sid, lang, roles) in PEOPLE.items()),
    )
    fake.opening("BOLT-M8X30", 700)
    fake.opening("NUT-M8", 100000)
    desk = FakeDesk(fake, FixedClock(NOW))
    parser = SpyParser()
    client = FakeClient()
    front = SlackFront(Chat(desk, parser), client, cast(SlackStore, FakeStore()), desk.clock)
    world = Desk(front, desk, parser, client)
    front.wake = lambda: world.woken.append(True)
    yield world


def new_ack() -> Ack:
    """Bolt's own ``Ack``: what a listener acknowledges is kept in its ``response``."""
    return Ack()  # type: ignore[no-untyped-call]


def body_of(ack: Ack) -> dict[str, Any]:
    """What the ack answered Slack (``{}`` for a bare ack)."""
    assert ack.response is not None, "the listener did not ack"
    assert ack.response.status == 200
    text = ack.response.body
    return json.loads(text) if text else {}


def click(user: str, action_id: str, value: str, label: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``body`` and ``action`` of a button click, as bolt hands them to a listener."""
    action = {"action_id": action_id, "block_id": "b", "value": value, "type": "button",
              "text": {"type": "plain_text", "text": label or action_id}}  # fmt: skip
    return {"type": "block_actions", "user": {"id": user}, "trigger_id": "T-2", "actions": [action]}, action


def submission(user: str, callback_id: str, values: dict[str, Any], meta: str = "") -> dict[str, Any]:
    """The ``body`` of a modal submission (its ``view`` is ``body["view"]``)."""
    view = {"callback_id": callback_id, "private_metadata": meta, "state": {"values": values}}
    return {"type": "view_submission", "user": {"id": user}, "view": view}


def text_value(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def option(value: str) -> dict[str, Any]:
    return {"type": "external_select", "selected_option": {"value": value}}
