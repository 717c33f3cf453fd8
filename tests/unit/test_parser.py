"""The command language for orders and their lines: chat text -> order commands (new, add, remove, set, the
verbs that take one order number, hold, cancel, ship, list, find, diff), the refusals every verb shares, and
the known bugs of order lines.

Admin, stock and supply words are in test_parser_admin.py; change requests, delegation and customers'
contacts in test_parser_changes.py; what the parser must never do in test_parser_properties.py."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError
from bot.conversation.language.verbs import CommandParser
from domain import commands as c
from domain.commands import DueShift, LineInput
from tests.unit.parser_support import N1, N12, TODAY, D


@pytest.fixture(scope="module")
def parser() -> CommandParser:
    return CommandParser(DateReader())


TABLE: list[tuple[str, object]] = [
    # new / 新建 / 下单 / 新订单
    (
        "new acme NUT-M8 2,000pcs BOLT-M8 1000 @0.5 by 2026-12-05 due 下周五 po PO-77 note first order rush",
        c.CreateOrder(
            "ACME",
            (LineInput("NUT-M8", D("2000")), LineInput("BOLT-M8", D("1000"), D("0.5"), date(2026, 12, 5))),
            date(2026, 11, 27), True, "PO-77", "first order",
        ),
    ),
    (
        "新建 ACME BOLT-M8 1000件 交期 12月5日 加急",
        c.CreateOrder("ACME", (LineInput("BOLT-M8", D("1000")),), date(2026, 12, 5), True),
    ),
    ("下单 acme bolt-m8 12.5kg ￥1,200.50", c.CreateOrder("ACME", (LineInput("BOLT-M8", D("12.5"), D("1200.50")),))),
    ("新订单 ACME 客户单号 X-1 备注 急用 普通", c.CreateOrder("ACME", po_ref="X-1", notes="急用", rush=False)),
    (
        "ｎｅｗ ＡＣＭＥ ＢＯＬＴ－Ｍ８ １０００ ＠０．５",
        c.CreateOrder("ACME", (LineInput("BOLT-M8", D("1000"), D("0.5")),)),
    ),
    (
        "new ACME BOLT-M8 5 price 1.25 by 明天",
        c.CreateOrder("ACME", (LineInput("BOLT-M8", D("5"), D("1.25"), date(2026, 11, 23)),)),
    ),
    # add / 加行 / 添加
    (
        "add so2026-12 BOLT-M8 5 @ 1.25 NUT 3",
        c.AddLines(N12, (LineInput("BOLT-M8", D("5"), D("1.25")), LineInput("NUT", D("3")))),
    ),
    ("加行 SO-2026-12 BOLT-M8 5 单价 1.25", c.AddLines(N12, (LineInput("BOLT-M8", D("5"), D("1.25")),))),
    (
        "添加 SO-2026-000012 BOLT-M8 5 要货 2026-12-01",
        c.AddLines(N12, (LineInput("BOLT-M8", D("5"), None, date(2026, 12, 1)),)),
    ),
    # remove / 删行 / 删除行
    ("remove SO-2026-12 line 2", c.RemoveLine(N12, 2)),
    ("删行 SO-2026-12 2", c.RemoveLine(N12, 2)),
    ("删除行 SO-2026-12 行 #3", c.RemoveLine(N12, 3)),
    # set / 修改 / 设置
    ("set SO-2026-12 line 1 qty 800 price 0.45", c.SetLine(N12, 1, D("800"), D("0.45"))),
    ("修改 SO-2026-12 行 1 数量 800", c.SetLine(N12, 1, D("800"))),
    ("set SO-2026-12 due 提前两周", c.SetTerms(N12, due_date=DueShift(-14, "提前两周"))),
    ("设置 SO-2026-12 交期 -14d", c.SetTerms(N12, due_date=DueShift(-14, "-14d"))),
    ("set SO-2026-12 due 2 weeks later", c.SetTerms(N12, due_date=DueShift(14, "2 weeks later"))),
    (
        "set SO-2026-12 due 2026-12-05 normal po X1 note hi there",
        c.SetTerms(N12, due_date=date(2026, 12, 5), rush=False, po_ref="X1", notes="hi there"),
    ),
    # one order number
    ("submit SO-2026-1", c.SubmitOrder(N1)),
    ("提交 SO-2026-1", c.SubmitOrder(N1)),
    ("show SO-2026-1", c.ShowOrder(N1)),
    ("查看 so-2026-1", c.ShowOrder(N1)),
    ("详情 SO2026000001", c.ShowOrder(N1)),
    ("/show SO-2026-1", c.ShowOrder(N1)),
    ("ｓｈｏｗ　ＳＯ－２０２６－１", c.ShowOrder(N1)),
    ("confirm SO-2026-1", c.ConfirmOrder(N1)),
    ("确认 ＳＯ２０２６０００００１", c.ConfirmOrder(N1)),
    ("resume SO-2026-1", c.ResumeOrder(N1)),
    ("恢复 SO-2026-1", c.ResumeOrder(N1)),
    ("继续 SO-2026-1", c.ResumeOrder(N1)),
    ("advance SO-2026-1", c.AdvanceOrder(N1)),
    ("推进 SO-2026-1", c.AdvanceOrder(N1)),
    ("下一步 SO-2026-1", c.AdvanceOrder(N1)),
    ("deliver SO-2026-1", c.DeliverOrder(N1)),
    ("签收 SO-2026-1", c.DeliverOrder(N1)),
    ("送达 SO-2026-1", c.DeliverOrder(N1)),
    ("close SO-2026-1", c.CloseOrder(N1)),
    ("关闭 SO-2026-1", c.CloseOrder(N1)),
    ("结案 SO-2026-1", c.CloseOrder(N1)),
    ("history SO-2026-1", c.OrderHistory(N1)),
    ("历史 SO-2026-1", c.OrderHistory(N1)),
    ("记录 SO-2026-1", c.OrderHistory(N1)),
    # hold / cancel with reasons
    ("hold SO-2026-1 reason customer asked", c.HoldOrder(N1, "customer asked")),
    ("暂停 SO-2026-1 原因 客户要求", c.HoldOrder(N1, "客户要求")),
    ("挂起 SO-2026-1", c.HoldOrder(N1, "")),
    ("hold SO-2026-1 “客户 要求”", c.HoldOrder(N1, "客户 要求")),
    ("cancel SO-2026-1 reason dup", c.CancelOrder(N1, "dup")),
    ("取消 SO-2026-1 重复下单", c.CancelOrder(N1, "重复下单")),
    # ship / 发货
    ("ship SO-2026-1 SF 123456", c.ShipOrder(N1, "SF", "123456")),
    ("发货 SO-2026-1 承运商 顺丰 单号 SF1234", c.ShipOrder(N1, "顺丰", "SF1234")),
    ("ship SO-2026-1 carrier DHL Express tracking 99", c.ShipOrder(N1, "DHL Express", "99")),
    ("ship SO-2026-1 SF “12 34”", c.ShipOrder(N1, "SF", "12 34")),
    # list / 列表 / 订单列表
    ("list", c.ListOrders()),
    ("list mine", c.ListOrders(owner="me")),
    (
        "list status 待确认 customer acme page 2",
        c.ListOrders(customer="ACME", status="pending_confirmation", offset=20),
    ),
    ("列表 我的 逾期", c.ListOrders(owner="me", overdue=True)),
    ("订单列表 状态 已发货 负责人 我", c.ListOrders(owner="me", status="shipped")),
    ("list owner li 生产中", c.ListOrders(owner="li", status="in_production")),
    ("list hold", c.ListOrders(status="on_hold")),
    # find / 搜索 / 查找
    ("find acme bolts", c.FindOrders("acme bolts")),
    ("搜索 ACME", c.FindOrders("ACME")),
    ("查找 PO-77", c.FindOrders("PO-77")),
    ("find 100% page 2", c.FindOrders("100%", offset=20)),
    # customers / 客户 / 查客户 / customer; products / 产品 / 查产品 / product (issue 13 item 13)
    ("customers 鑫源", c.SearchCustomers("鑫源")),
    ("客户 syxy", c.SearchCustomers("syxy")),
    ("查客户 Acme Tools page 2", c.SearchCustomers("Acme Tools", offset=20)),
    ("customer cust-00", c.SearchCustomers("cust-00")),
    ("products M8", c.SearchProducts("M8")),
    ("产品 螺栓", c.SearchProducts("螺栓")),
    ("查产品 flat washer", c.SearchProducts("flat washer")),
    ("product bolt", c.SearchProducts("bolt")),
    # a bare number is this year's order; Chinese numerals are quantities
    ("show 398", c.ShowOrder("SO-2026-000398")),
    ("确认 12", c.ConfirmOrder(N12)),
    (
        "new 沈阳鑫源 BOLT-M8 五千 NUT-M8 一万二 WASHER 两千五 SCREW 三百件",
        c.CreateOrder("沈阳鑫源", (
            LineInput("BOLT-M8", D("5000")), LineInput("NUT-M8", D("12000")), LineInput("WASHER", D("2500")),
            LineInput("SCREW", D("300")),
        )),
    ),
    # diff / 对比 / 差异
    ("diff SO-2026-1", c.DiffOrder(N1)),
    ("diff SO-2026-1 v3", c.DiffOrder(N1, None, 3)),
    ("对比 SO-2026-1 5 2", c.DiffOrder(N1, 2, 5)),
    ("差异 SO-2026-1 v1 v2", c.DiffOrder(N1, 1, 2)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t for t, _ in TABLE])
def test_parse(parser: CommandParser, text: str, expected: object) -> None:
    assert parser.parse(text, TODAY, "me") == expected


BAD: list[tuple[str, str]] = [
    ("", "empty_command"),
    ("   ", "empty_command"),
    ("frobnicate SO-2026-1", "unknown_verb"),
    ('show "SO-2026-1', "unbalanced_quotes"),
    ("show " + "x" * 2000, "too_long"),
    ("show SO-26-1", "bad_order_number"),
    ("show SO-2026-1234567", "bad_order_number"),
    ("show 2026-1", "bad_order_number"),
    ("show", "missing_argument"),
    ("show SO-2026-1 extra", "unexpected_word"),
    ("new", "missing_argument"),
    ("new ACME BOLT-M8 0", "bad_quantity"),
    ("new ACME BOLT-M8 -5", "bad_quantity"),
    ("new ACME BOLT-M8 1.0005", "bad_quantity"),
    ("new ACME BOLT-M8 1e12", "bad_quantity"),
    ("new ACME BOLT-M8 NaN", "bad_quantity"),
    ("new ACME BOLT-M8", "missing_argument"),
    ("new ACME 5 BOLT", "bad_sku"),
    ("new ACME BOLT-M8 5 @-1", "bad_price"),
    ("new ACME BOLT-M8 5 @abc", "bad_price"),
    ("new ACME BOLT-M8 5 @ 0.00001", "bad_price"),
    ("new ACME due 提前两周", "date_needs_due"),
    ("new ACME BOLT-M8 5 by -3d", "date_needs_due"),
    ("new ACME due someday", "date_not_understood"),
    ("new ACME due", "date_missing"),
    ("new ACME BOLT-M8 5 po", "missing_argument"),
    ("new ACME BOLT-M8 5 reason x", "unexpected_word"),
    ("add SO-2026-1", "missing_argument"),
    ("remove SO-2026-1 line x", "bad_number"),
    ("remove SO-2026-1 1234567890", "bad_number"),
    ("set SO-2026-1", "missing_argument"),
    ("set SO-2026-1 line 1", "missing_argument"),
    ("set SO-2026-1 line 1 due 2026-12-05", "unexpected_word"),
    ("set SO-2026-1 bogus", "unexpected_word"),
    ("cancel SO-2026-1", "missing_argument"),
    ("cancel SO-2026-1 reason", "missing_argument"),
    ("ship SO-2026-1 SF", "missing_argument"),
    ("ship SO-2026-1 carrier SF", "missing_argument"),
    ("list status lost", "unknown_status"),
    ("list page x", "bad_number"),
    ("list bogus", "unexpected_word"),
    ("find", "missing_argument"),
    ("find bolts page x", "bad_number"),
    ("customers", "missing_argument"),
    ("products", "missing_argument"),
    ("show 0", "bad_order_number"),
    ("show 1234567", "bad_order_number"),
    ("show -398", "bad_order_number"),
    ("show 3.5", "bad_order_number"),
    ("show 三九八", "bad_order_number"),
    ("shwo SO-2026-1", "unknown_verb_suggest"),
    ("new ACME BOLT-M8 一万五百", "bad_quantity"),
    ("new ACME BOLT-M8 万", "bad_quantity"),
    ("new ACME BOLT-M8 零", "bad_quantity"),
    ("diff SO-2026-1 1 2 3", "unexpected_word"),
    ("diff SO-2026-1 va", "bad_number"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "code"), BAD, ids=[f"{t[:40]}->{code}" for t, code in BAD])
def test_bad_input_is_a_parse_error(parser: CommandParser, text: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse(text, TODAY, "me")
    assert err.value.code == code


# ---------------------------------------------------------------- known bugs


@pytest.mark.parametrize(("when", "requested"), [("tomorrow", date(2026, 11, 23)), ("2026-12-05", date(2026, 12, 5))])
def test_a_line_date_never_swallows_the_next_line(parser: CommandParser, when: str, requested: date) -> None:
    cmd = parser.parse(f"new ACME BOLT-M8 1000 by {when} NUT-M8 2000", TODAY)
    assert cmd == c.CreateOrder(
        "ACME", (LineInput("BOLT-M8", D("1000"), None, requested), LineInput("NUT-M8", D("2000")))
    )
