"""The command language for everything but orders and change requests: who am I, language, admin and help
words, stock (view, low, available-to-promise, ledger, adjust, count), purchase orders, receipts and work
orders, with their refusals and known bugs."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError
from bot.conversation.language.parser import HelpRequest
from bot.conversation.language.verbs import CommandParser
from domain import commands as c
from tests.unit.parser_support import N1, N12, PO1, TODAY, WO1, D


@pytest.fixture(scope="module")
def parser() -> CommandParser:
    return CommandParser(DateReader())


TABLE: list[tuple[str, object]] = [
    # whoami, admin, help
    ("whoami", c.WhoAmI()),
    ("lang en", c.SetLanguage("en")),
    ("语言 中文", c.SetLanguage("zh")),
    ("language english", c.SetLanguage("en")),
    ("我是谁", c.WhoAmI()),
    ("admin grant @bob sales", c.GrantRole("bob", "sales")),
    ("管理 授权 bob production", c.GrantRole("bob", "production")),
    ("admin 授予 bob tech", c.GrantRole("bob", "tech")),
    ("admin revoke bob sales", c.RevokeRole("bob", "sales")),
    ("管理 撤销 bob sales", c.RevokeRole("bob", "sales")),
    ("admin 收回 bob sales", c.RevokeRole("bob", "sales")),
    ("admin users", c.ListUsers(())),
    ("管理 用户 sales finance", c.ListUsers(("sales", "finance"))),
    ("help", HelpRequest()),
    ("帮助 发货", HelpRequest("ship")),
    ("? list", HelpRequest("list")),
    ("？ 确认", HelpRequest("confirm")),
    ("help po", HelpRequest("po")),
    ("帮助 工单", HelpRequest("wo")),
    # stock / 库存
    ("stock BOLT-M8X30", c.StockView("BOLT-M8X30")),
    ("库存 bolt-m8", c.StockView("BOLT-M8")),
    ("stock low", c.StockLowList()), ("库存 不足", c.StockLowList()), ("stock 低库存", c.StockLowList()),
    # atp / 可承诺 / 交期查询
    ("atp BOLT-M8X30 5000", c.AvailableToPromise("BOLT-M8X30", D("5000"))),
    ("可承诺 NUT-M8 1,000", c.AvailableToPromise("NUT-M8", D("1000"))),
    ("交期查询 nut-m8 5000件", c.AvailableToPromise("NUT-M8", D("5000"))),
    # ledger / 流水 / 库存流水
    ("ledger BOLT-M8X30 order SO-2026-1", c.StockLedger("BOLT-M8X30", N1)),
    ("流水 NUT-M8", c.StockLedger("NUT-M8")),
    ("库存流水 NUT-M8 订单 so2026000012", c.StockLedger("NUT-M8", N12)),
    # adjust / 调整 / 库存调整: signed delta, free-text reason, optional override
    ("adjust NUT-M8 -50 damaged override", c.AdjustStock("NUT-M8", "damaged", delta=D("-50"), override=True)),
    ("调整 NUT-M8 +20 原因 找到一箱", c.AdjustStock("NUT-M8", "找到一箱", delta=D("20"))),
    ("库存调整 NUT-M8 -5 受潮 生锈 强制", c.AdjustStock("NUT-M8", "受潮 生锈", delta=D("-5"), override=True)),
    ("adjust NUT-M8 -5 reason override was wrong", c.AdjustStock("NUT-M8", "override was wrong", delta=D("-5"))),
    # count / 盘点: the quantity found; zero is a count too
    ("盘点 NUT-M8 1200 月度盘点", c.AdjustStock("NUT-M8", "月度盘点", counted=D("1200"))),
    ("count NUT-M8 0 reason 火灾 烧毁 override", c.AdjustStock("NUT-M8", "火灾 烧毁", counted=D("0"), override=True)),
    # po / 采购 / 采购单
    (
        "po new WASHER-M8 20000 supplier 宁波五金 eta 2026-12-01",
        c.CreatePurchaseOrder((("WASHER-M8", D("20000")),), "宁波五金", date(2026, 12, 1)),
    ),
    (
        "采购 新建 NUT-M8 100 BOLT-M8 50 供应商 宁波 到货 12月1日",
        c.CreatePurchaseOrder((("NUT-M8", D("100")), ("BOLT-M8", D("50"))), "宁波", date(2026, 12, 1)),
    ),
    ("po new nut-m8 2,000pcs", c.CreatePurchaseOrder((("NUT-M8", D("2000")),))),
    ("po from-suggestions NUT-M8", c.PurchaseFromSuggestions(("NUT-M8",))),
    ("采购单 按建议 supplier ACME eta 2026-12-01", c.PurchaseFromSuggestions((), "ACME", date(2026, 12, 1))),
    ("po from", c.PurchaseFromSuggestions()),
    ("po suggest", c.PurchaseSuggestions()), ("采购 建议", c.PurchaseSuggestions()),
    ("po approve PO-2026-1", c.ApprovePurchaseOrder(PO1)), ("采购 批准 po2026000001", c.ApprovePurchaseOrder(PO1)),
    ("po cancel PO-2026-1", c.CancelPurchaseOrder(PO1)), ("采购单 取消 PO-2026-1", c.CancelPurchaseOrder(PO1)),
    ("po show PO-2026-12", c.ShowPurchaseOrder("PO-2026-000012")),
    ("采购 查看 ＰＯ－２０２６－１", c.ShowPurchaseOrder(PO1)),
    ("po list", c.ListPurchaseOrders()), ("po list all", c.ListPurchaseOrders(all=True)),
    ("采购 列表 全部", c.ListPurchaseOrders(all=True)),
    ("po receive PO-2026-1", c.ReceivePurchaseOrder(PO1)),
    # receive / 收货 / 入库: nothing after the number means everything still open
    ("收货 PO-2026-1 NUT-M8 100", c.ReceivePurchaseOrder(PO1, (("NUT-M8", D("100")),))),
    (
        "receive PO-2026-1 NUT-M8 100 bolt-m8 5件",
        c.ReceivePurchaseOrder(PO1, (("NUT-M8", D("100")), ("BOLT-M8", D("5")))),
    ),
    ("入库 PO-2026-1", c.ReceivePurchaseOrder(PO1)),
    # wo / 工单
    ("wo report WO-2026-1 800 scrap 12", c.ReportWorkOrder(WO1, D("800"), D("12"))),
    ("工单 报工 WO-2026-1 800 报废 12", c.ReportWorkOrder(WO1, D("800"), D("12"))),
    ("wo report WO-2026-1 0 scrap 5", c.ReportWorkOrder(WO1, D("0"), D("5"))),
    ("wo report wo2026000001 800", c.ReportWorkOrder(WO1, D("800"))),
    ("wo release WO-2026-1", c.MoveWorkOrder(WO1, "released")),
    ("工单 下达 WO-2026-1", c.MoveWorkOrder(WO1, "released")),
    ("wo start WO-2026-1", c.MoveWorkOrder(WO1, "in_progress")),
    ("工单 开工 WO-2026-1", c.MoveWorkOrder(WO1, "in_progress")),
    ("wo done WO-2026-1", c.MoveWorkOrder(WO1, "done")), ("工单 完工 WO-2026-1", c.MoveWorkOrder(WO1, "done")),
    ("wo cancel WO-2026-1", c.MoveWorkOrder(WO1, "cancelled")),
    ("工单 取消 WO-2026-1", c.MoveWorkOrder(WO1, "cancelled")),
    ("wo show WO-2026-1", c.ShowWorkOrder(WO1)), ("wo list", c.ListWorkOrders()),
    ("wo list SO-2026-1 all", c.ListWorkOrders(N1, True)),
    ("工单 列表 全部", c.ListWorkOrders(None, True)),
    # admin words naming a Slack user by mention
    ("admin grant <@U012ABC|lily> finance", c.GrantRole("U012ABC", "finance", "lily")),
    ("admin grant <@U012ABC> finance", c.GrantRole("U012ABC", "finance", "")),
    ("admin revoke <@U012ABC|lily> finance", c.RevokeRole("U012ABC", "finance")),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t for t, _ in TABLE])
def test_parse(parser: CommandParser, text: str, expected: object) -> None:
    assert parser.parse(text, TODAY, "me") == expected


BAD: list[tuple[str, str]] = [
    ("help frobnicate", "unknown_verb"),
    ("whoami now", "unexpected_word"),
    ("admin", "missing_argument"),
    ("admin promote bob", "unexpected_word"),
    ("admin grant bob", "missing_argument"),
    # stock and supply
    ("stock", "missing_argument"), ("stock 123", "bad_sku"), ("stock NUT-M8 extra", "unexpected_word"),
    ("atp NUT-M8", "missing_argument"), ("atp NUT-M8 0", "bad_quantity"), ("atp 5 NUT-M8", "bad_sku"),
    ("atp NUT-M8 5 extra", "unexpected_word"), ("ledger", "missing_argument"),
    ("ledger NUT-M8 order", "missing_argument"), ("ledger NUT-M8 SO-26-1", "bad_order_number"),
    ("ledger NUT-M8 SO-2026-1 extra", "unexpected_word"), ("adjust NUT-M8", "missing_argument"),
    ("adjust NUT-M8 -5", "missing_argument"), ("adjust NUT-M8 -5 override", "missing_argument"),
    ("adjust NUT-M8 -5 reason", "missing_argument"), ("adjust NUT-M8 0 found", "bad_quantity"),
    ("adjust NUT-M8 abc found", "bad_quantity"), ("adjust NUT-M8 NaN found", "bad_quantity"),
    ("adjust NUT-M8 1e12 found", "bad_quantity"), ("adjust NUT-M8 -1.0005 found", "bad_quantity"),
    ("adjust 5 -1 found", "bad_sku"), ("count NUT-M8 -5 found", "bad_quantity"),
    ("count NUT-M8 1200", "missing_argument"), ("盘点 NUT-M8 多少 月度", "bad_quantity"), ("po", "missing_argument"),
    ("po frobnicate", "unexpected_word"), ("po new", "missing_argument"), ("po new NUT-M8", "missing_argument"),
    ("po new NUT-M8 0", "bad_quantity"), ("po new 5 NUT", "bad_sku"),
    ("po new NUT-M8 100 supplier", "missing_argument"), ("po new NUT-M8 100 eta", "date_missing"),
    ("po new NUT-M8 100 eta someday", "date_not_understood"), ("po new NUT-M8 100 note x", "unexpected_word"),
    ("po from-suggestions supplier", "missing_argument"), ("po suggest now", "unexpected_word"),
    ("po approve", "missing_argument"), ("po approve SO-2026-1", "bad_doc_number"),
    ("po approve PO-26-1", "bad_doc_number"), ("po approve PO-2026-1234567", "bad_doc_number"),
    ("po approve PO-2026-1 extra", "unexpected_word"), ("po list all extra", "unexpected_word"),
    ("receive", "missing_argument"), ("receive SO-2026-1", "bad_doc_number"),
    ("receive PO-2026-1 NUT-M8", "missing_argument"), ("receive PO-2026-1 NUT-M8 0", "bad_quantity"),
    ("receive PO-2026-1 supplier x", "unexpected_word"), ("wo", "missing_argument"),
    ("wo frobnicate", "unexpected_word"), ("wo show", "missing_argument"), ("wo show PO-2026-1", "bad_doc_number"),
    ("wo release WO-2026-1 now", "unexpected_word"), ("wo report WO-2026-1", "missing_argument"),
    ("wo report WO-2026-1 -5", "bad_quantity"), ("wo report WO-2026-1 800 scrap", "missing_argument"),
    ("wo report WO-2026-1 800 bogus 5", "unexpected_word"),
    ("wo report WO-2026-1 800 scrap 5 more", "unexpected_word"), ("wo list bogus", "bad_order_number"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "code"), BAD, ids=[f"{t[:40]}->{code}" for t, code in BAD])
def test_bad_input_is_a_parse_error(parser: CommandParser, text: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse(text, TODAY, "me")
    assert err.value.code == code


# ---------------------------------------------------------------- known bugs


def test_po_list_refuses_a_word_it_does_not_know(parser: CommandParser) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse("po list bogus", TODAY)
    assert err.value.code == "unexpected_word"


def test_a_count_of_zero_may_carry_a_unit(parser: CommandParser) -> None:
    assert parser.parse("盘点 NUT-M8 0件 全部丢失", TODAY) == c.AdjustStock("NUT-M8", "全部丢失", counted=D("0"))
