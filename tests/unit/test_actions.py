"""A button carries the command it runs, not text: encoded compactly, read back into the same command, and
filled from a form's answers with each field's own type; anything else is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.conversation import actions
from bot.conversation.language.errors import ParseError
from domain import commands as c


@pytest.mark.parametrize(
    "command",
    [
        c.ConfirmOrder("SO-2026-000001"),
        c.ApproveChange("CR-7"),
        c.ApproveChange("CR-7", role="finance"),
        c.ReportWorkOrder("WO-2026-000003", Decimal("12.5")),
        c.HoldOrder("SO-2026-000001", "客户要求暂停"),
        c.MyOrders("-100200", page=2),
    ],
)
def test_an_action_reads_back_as_the_same_command(command: object) -> None:
    assert actions.decode(actions.encode(command)) == command


def test_only_the_desks_commands_can_be_named() -> None:
    for value in ['{"c":"Path","a":{}}', '{"c":"ConfirmOrder"}', "not json", '{"a":{}}', "[]"]:
        with pytest.raises(ParseError) as err:
            actions.decode(value)
        assert err.value.code == "bad_action"
    with pytest.raises(ValueError):
        actions.encode(object())


def test_fill_puts_the_answers_in_with_their_types() -> None:
    report = actions.fill(c.ReportWorkOrder("WO-2026-000003", Decimal(0)), {"good": " 40 "})
    assert report == c.ReportWorkOrder("WO-2026-000003", Decimal("40"))
    ship = actions.fill(c.ShipOrder("SO-2026-000001", "", ""), {"carrier": "顺丰", "tracking": "SF123"})
    assert ship == c.ShipOrder("SO-2026-000001", "顺丰", "SF123")


def test_fill_refuses_a_field_the_command_does_not_have_and_a_quantity_that_is_not_one() -> None:
    with pytest.raises(ParseError) as err:
        actions.fill(c.ConfirmOrder("SO-2026-000001"), {"number": "x", "owner": "lily"})
    assert err.value.code == "bad_action"
    with pytest.raises(ParseError) as err:
        actions.fill(c.ReportWorkOrder("WO-2026-000003", Decimal(0)), {"good": "lots"})
    assert err.value.code == "bad_quantity"
