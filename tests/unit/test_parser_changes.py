"""The command language for change requests and what surrounds them: requesting a change (every verb, alias
and kind of change), approving, rejecting, withdrawing, pending approvals, a request's history and the monthly
report, delegation, and customers' contacts on the staff side, with their refusals."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError
from bot.conversation.language.verbs import CommandParser
from domain import commands as c
from domain.commands import ChangeInput, DueShift
from tests.unit.parser_support import N1, TODAY, D


@pytest.fixture(scope="module")
def parser() -> CommandParser:
    return CommandParser(DateReader())


CI = ChangeInput
TABLE: list[tuple[str, object]] = [
    # change requests: the issue's own example, then every verb and alias
    (
        'change SO-2026-000123 qty BOLT-M8 800 date 提前两周 reason "customer budget cut" evidence "mail 11-21"',
        c.RequestChange(
            "SO-2026-000123",
            (CI("quantity", "BOLT-M8", quantity=D("800")), CI("due_date", when=DueShift(-14, "提前两周"))),
            "customer budget cut",
            "mail 11-21",
        ),
    ),
    ("变更 SO-2026-1 取消 原因 客户不要了", c.RequestChange(N1, (CI("cancel"),), "客户不要了")),
    (
        "改单 SO-2026-1 数量 line 2 +50 交期 BOLT-M8X30 12月5日 加行 NUT-M8 100 @0.5 删行 #3 "
        "单价 WASHER 0.02 暂停 证据 微信截图",
        c.RequestChange(
            N1,
            (
                CI("quantity", line=2, delta=D("50")),
                CI("line_date", "BOLT-M8X30", when=date(2026, 12, 5)),
                CI("add_line", "NUT-M8", quantity=D("100"), unit_price=D("0.5")),
                CI("remove_line", line=3),
                CI("price", "WASHER", unit_price=D("0.02")),
                CI("hold"),
            ),
            "",
            "微信截图",
        ),
    ),
    ("change SO-2026-1 resume reason back on", c.RequestChange(N1, (CI("resume"),), "back on")),
    (
        "qty SO-2026-1 BOLT-M8 -200 reason cut",
        c.RequestChange(N1, (CI("quantity", "BOLT-M8", delta=D("-200")),), "cut"),
    ),
    (
        "改数量 SO-2026-1 NUT-M8 800件 原因 预算",
        c.RequestChange(N1, (CI("quantity", "NUT-M8", quantity=D("800")),), "预算"),
    ),
    (
        "reschedule SO-2026-1 下周五 reason site",
        c.RequestChange(N1, (CI("due_date", when=date(2026, 11, 27)),), "site"),
    ),
    ("改期 SO-2026-1 推迟3天 原因 x", c.RequestChange(N1, (CI("due_date", when=DueShift(3, "推迟3天")),), "x")),
    ("调交期 SO-2026-1 line 1 2026-12-30", c.RequestChange(N1, (CI("line_date", line=1, when=date(2026, 12, 30)),))),
    ("approve CR-7", c.ApproveChange("CR-7")),
    ("同意 cr7 as finance", c.ApproveChange("CR-7", "finance")),
    ("批准 CR-0012", c.ApproveChange("CR-12")),
    ("reject CR-7 already running", c.RejectChange("CR-7", "already running")),
    ("驳回 CR-7 原因 已排产", c.RejectChange("CR-7", "已排产")),
    ("拒绝 CR-7 不行", c.RejectChange("CR-7", "不行")),
    ("withdraw CR-7 typo", c.WithdrawChange("CR-7", "typo")),
    ("撤回 CR-7", c.WithdrawChange("CR-7")),
    ("pending", c.PendingApprovals()),
    ("待审批 全部", c.PendingApprovals(True)),
    ("待办", c.PendingApprovals()),
    ("changes SO-2026-1", c.OrderChanges(N1)),
    ("变更记录 SO-2026-1", c.OrderChanges(N1)),
    ("cr CR-7", c.ShowChange("CR-7")),
    ("变更单 CR-7", c.ShowChange("CR-7")),
    ("report changes 2026-11", c.ChangeReport("2026-11")),
    ("报表 变更 上月", c.ChangeReport("2026-10")),
    ("报告 变更", c.ChangeReport("2026-11")),
    ("report changes 2026年3月", c.ChangeReport("2026-03")),
    ("delegate wang until 2026-12-10 role finance", c.Delegate("wang", date(2026, 12, 10), "finance")),
    ("委托 @wang 至 12月10日", c.Delegate("wang", date(2026, 12, 10))),
    ("代理 wang 到 下周五", c.Delegate("wang", date(2026, 11, 27))),
    ("delegate off", c.EndDelegation()),
    ("委托 结束 wang", c.EndDelegation("wang")),
    ("delegations", c.ListDelegations()),
    ("委托列表", c.ListDelegations()),
    # customers' contacts (staff side)
    ("invite cust-001", c.InviteCustomer("CUST-001")),
    ("邀请 CUST-001", c.InviteCustomer("CUST-001")),
    ("contacts cust-001", c.ListContacts("CUST-001")),
    ("联系人 CUST-001", c.ListContacts("CUST-001")),
    ("contacts revoke 7", c.RevokeContact(7)),
    ("联系人 撤销 #7", c.RevokeContact(7)),
    ("contacts 解除 7", c.RevokeContact(7)),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t for t, _ in TABLE])
def test_parse(parser: CommandParser, text: str, expected: object) -> None:
    assert parser.parse(text, TODAY, "me") == expected


BAD: list[tuple[str, str]] = [
    ("change SO-2026-1", "missing_argument"),
    ("change SO-2026-1 teleport", "unexpected_word"),
    ("change SO-2026-1 qty BOLT-M8", "missing_argument"),
    ("change SO-2026-1 qty BOLT-M8 zero", "bad_quantity"),
    ("change SO-2026-1 date someday", "date_not_understood"),
    ("change SO-2026-1 add 5 BOLT", "bad_sku"),
    ("change SO-2026-1 qty 5 800", "bad_sku"),
    ("change SO-2026-1 reason", "missing_argument"),
    ("approve SO-2026-1", "bad_doc_number"),
    ("approve CR-7 as", "missing_argument"),
    ("reject CR-7", "missing_argument"),
    ("pending me", "unexpected_word"),
    ("report sales", "unexpected_word"),
    ("report changes 2026-13", "bad_month"),
    ("delegate wang", "missing_argument"),
    ("delegate wang until 提前两周", "date_needs_due"),
    ("invite", "missing_argument"),
    ("invite CUST-001 now", "unexpected_word"),
    ("contacts", "missing_argument"),
    ("contacts revoke", "missing_argument"),
    ("contacts revoke x", "bad_number"),
    ("contacts revoke 7 now", "unexpected_word"),
    ("contacts CUST-001 all", "unexpected_word"),
]


@pytest.mark.parametrize(("text", "code"), BAD, ids=[f"{t[:40]}->{code}" for t, code in BAD])
def test_bad_input_is_a_parse_error(parser: CommandParser, text: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse(text, TODAY, "me")
    assert err.value.code == code
