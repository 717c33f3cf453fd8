"""Tab at the shell's prompt, as prompt_toolkit asks its completer: verbs in both languages and the shell's own
words, order numbers, customer codes, SKUs and user names from a real desk — through queries on the bus as
the person at the keyboard, each asked once per prompt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from adapters.shell.completion import Lookups, ShellCompleter
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from domain.commands import CreateOrder
from domain.messages import LineInput
from domain.ports import Context
from domain.users import Front
from tests.conftest import T0, make_desk, sqlite_url
from tests.integration.seed import seed


class Asked:
    """The desk as the completer sees it, noting every query it runs."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.queries: list[object] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.desk, name)

    def handle(self, message: object, ctx: Context) -> Any:
        self.queries.append(message)
        return self.desk.handle(message, ctx)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    d = make_desk(sqlite_url(tmp_path), FixedClock(T0))
    seed(d)
    lily = d.context(Front.shell, "lily")
    for _ in range(12):
        d.bus.handle(CreateOrder("CUST-002", (LineInput("NUT-M8", Decimal(5)),), due_date=date(2026, 12, 20)), lily)
    yield d
    d.close()


def tab(completer: ShellCompleter, text: str) -> list[str]:
    doc = Document(text, len(text))
    return [c.text for c in completer.get_completions(doc, CompleteEvent(completion_requested=True))]


def test_verbs_in_both_languages_and_the_shells_own_words(desk: Desk) -> None:
    completer = ShellCompleter(Lookups(desk, lambda: "lily"))
    assert tab(completer, "sh") == ["show", "ship"]
    assert "暂停" in tab(completer, "暂") and "挂起" not in tab(completer, "暂")
    assert {"确认", "变更", "改单", "new", "list", "history"} <= set(tab(completer, ""))
    assert tab(completer, "/a") == ["/as"] and "/切换" in tab(completer, "/")
    assert tab(completer, "/n") == ["/news"] and tab(completer, "/消") == ["/消息"]
    assert tab(completer, "frob") == []


def test_order_numbers_customer_codes_skus_and_users(desk: Desk) -> None:
    completer = ShellCompleter(Lookups(desk, lambda: "lily"))
    assert tab(completer, "show SO-2026-00001") == [f"SO-2026-0000{n}" for n in (12, 11, 10)]  # newest first
    assert tab(completer, "确认 so-2026-000009") == ["SO-2026-000009"]  # typed in lower case, completed as it is
    recent = tab(completer, "confirm ")
    assert recent[:2] == ["SO-2026-000012", "SO-2026-000011"]  # nothing typed: the newest orders
    assert tab(completer, "new CU") == ["CUST-001", "CUST-002", "CUST-003"]
    assert tab(completer, "new 华东") == ["CUST-001"]  # by name: replaced with the code
    assert tab(completer, "list customer Acme") == ["CUST-002"]
    assert tab(completer, "stock BO") == ["BOLT-M8X30"]
    assert tab(completer, "new CUST-001 NU") == ["NUT-M8"]
    assert tab(completer, "new CUST-001 NUT-M8 10") == []  # a quantity: nothing to offer
    assert tab(completer, "/as w") == ["wang"]


def test_each_candidate_is_asked_once_per_prompt_through_the_bus(desk: Desk) -> None:
    asked = Asked(desk)
    lookups = Lookups(asked, lambda: "lily")
    completer = ShellCompleter(lookups)
    tab(completer, "show SO-2026-0000")
    tab(completer, "show SO-2026-00001")  # narrowed from the whole answer just given
    tab(completer, "show SO-2026-0000")
    assert [type(q).__name__ for q in asked.queries] == ["FindOrders"]
    tab(completer, "new CU")
    tab(completer, "new CUS")
    assert [type(q).__name__ for q in asked.queries] == ["FindOrders", "FindCustomers"]
    lookups.reset()  # the next prompt: what the last command created must be there
    desk.bus.handle(CreateOrder("CUST-001", (LineInput("NUT-M8", Decimal(5)),)), desk.context(Front.shell, "lily"))
    assert tab(completer, "show SO-2026-00001")[0] == "SO-2026-000013"
    assert len(asked.queries) == 3


def test_a_stranger_gets_verbs_but_nothing_from_the_desk(desk: Desk) -> None:
    completer = ShellCompleter(Lookups(desk, lambda: "nobody"))
    assert "show" in tab(completer, "sh")
    assert tab(completer, "show SO-2026") == [] and tab(completer, "new CU") == []
