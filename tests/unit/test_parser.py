"""The command language: chat text -> command dataclasses, its refusals, and what it must never do."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.language.dates import DateReader
from bot.language.errors import ParseError
from bot.language.parser import KEYWORDS, STATUS_WORDS, HelpRequest
from bot.language.tokens import order_number
from bot.language.verbs import VERBS, CommandParser
from domain import commands as c
from domain.commands import ChangeInput, DueShift, LineInput
from domain.errors import OrderbotError

TODAY = date(2026, 11, 22)  # a Sunday
N1, N12 = "SO-2026-000001", "SO-2026-000012"
PO1, WO1 = "PO-2026-000001", "WO-2026-000001"
FAST = settings(max_examples=300, deadline=None)


@pytest.fixture(scope="module")
def parser() -> CommandParser:
    return CommandParser(DateReader())


def D(text: str) -> Decimal:  # noqa: N802 - reads like the constructor it wraps
    return Decimal(text)


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
    # diff / 对比 / 差异
    ("diff SO-2026-1", c.DiffOrder(N1)),
    ("diff SO-2026-1 v3", c.DiffOrder(N1, None, 3)),
    ("对比 SO-2026-1 5 2", c.DiffOrder(N1, 2, 5)),
    ("差异 SO-2026-1 v1 v2", c.DiffOrder(N1, 1, 2)),
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
]  # fmt: skip

CI = ChangeInput
TABLE += [
    ("admin grant <@U012ABC|lily> finance", c.GrantRole("U012ABC", "finance", "lily")),
    ("admin grant <@U012ABC> finance", c.GrantRole("U012ABC", "finance", "")),
    ("admin revoke <@U012ABC|lily> finance", c.RevokeRole("U012ABC", "finance")),
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


def test_the_table_covers_every_verb_and_alias() -> None:
    raw = {t.split()[0].lstrip("/") for t, _ in TABLE}
    used = raw | {unicodedata.normalize("NFKC", w).lower() for w in raw}
    assert {w for v in VERBS for w in (v.name, *v.aliases)} <= used


BAD: list[tuple[str, str]] = [
    ("", "empty_command"),
    ("   ", "empty_command"),
    ("frobnicate SO-2026-1", "unknown_verb"),
    ("help frobnicate", "unknown_verb"),
    ('show "SO-2026-1', "unbalanced_quotes"),
    ("show " + "x" * 2000, "too_long"),
    ("show SO-26-1", "bad_order_number"),
    ("show SO-2026-1234567", "bad_order_number"),
    ("show 2026-1", "bad_order_number"),
    ("show", "missing_argument"),
    ("show SO-2026-1 extra", "unexpected_word"),
    ("whoami now", "unexpected_word"),
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
    ("cancel SO-2026-1 reason", "missing_argument"),
    ("ship SO-2026-1 SF", "missing_argument"),
    ("ship SO-2026-1 carrier SF", "missing_argument"),
    ("list status lost", "unknown_status"),
    ("list page x", "bad_number"),
    ("list bogus", "unexpected_word"),
    ("find", "missing_argument"),
    ("diff SO-2026-1 1 2 3", "unexpected_word"),
    ("diff SO-2026-1 va", "bad_number"),
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


@pytest.mark.parametrize(("when", "requested"), [("tomorrow", date(2026, 11, 23)), ("2026-12-05", date(2026, 12, 5))])
def test_a_line_date_never_swallows_the_next_line(parser: CommandParser, when: str, requested: date) -> None:
    cmd = parser.parse(f"new ACME BOLT-M8 1000 by {when} NUT-M8 2000", TODAY)
    assert cmd == c.CreateOrder(
        "ACME", (LineInput("BOLT-M8", D("1000"), None, requested), LineInput("NUT-M8", D("2000")))
    )


def _has_odd_digit(text: str) -> bool:
    """Characters str.isdigit() accepts but int() refuses, even after NFKC (e.g. ❶, Ethiopic ፩)."""
    return any(ch.isdigit() and not ch.isdecimal() for ch in unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize(
    "text", ["remove SO-2026-1 ❶", "list page ፩", "diff SO-2026-1 𐩀", "set SO-2026-1 line ❶ qty 9"]
)
def test_odd_digits_are_a_parse_error(parser: CommandParser, text: str) -> None:
    assert _has_odd_digit(text)
    with pytest.raises(ParseError) as err:
        parser.parse(text, TODAY)
    assert err.value.code == "bad_number"


def test_order_numbers_with_other_scripts_digits_are_refused_cleanly(parser: CommandParser) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse("show SO-٢٠٢٦-٥", TODAY)
    assert err.value.code == "bad_order_number"


# ---------------------------------------------------------------- properties

no_odd_digits = st.text()  # odd Unicode digits included: they must end in a typed error too


@FAST
@given(no_odd_digits)
def test_any_text_is_a_command_or_an_orderbot_error(parser: CommandParser, text: str) -> None:
    with contextlib.suppress(OrderbotError):
        parser.parse(text, TODAY, "me")


VOCABULARY = sorted(
    {w for v in VERBS for w in (v.name, *v.aliases)}
    | set(KEYWORDS)
    | set(STATUS_WORDS)
    | {
        "SO-2026-1", "so2026000012", "SO-2026-1234567", "ＳＯ－２０２６－１", "BOLT-M8", "nut-m8", "A", "x/y.z",
        "1000", "1,000", "2.5kg", "1000件", "0", "-3", "1e3", "1e99", "0.0001", "Infinity", "NaN", "v2", "#3",
        "@0.5", "@", "¥12", "￥1,200.50", "@-1", "2026-12-05", "12/5", "05/12/2026", "12月5日", "下周五", "明天",
        "3天后", "提前两周", "推迟3天", "-14d", "+2w", "next", "friday", "2", "weeks", "later", "earlier", "tomorrow",
        "me", "我", "mine", "我的", "@bob", "grant", "revoke", "users", "授权", "admin", "boss", "'a b'", '"',
        "“引号”", "'", "\\", "--", "",
        "PO-2026-1", "po2026000001", "WO-2026-1", "wo-2026-000001", "low", "不足", "order", "订单", "+20", "-50",
        "override", "强制", "new", "from-suggestions", "按建议", "suggest", "approve", "receive", "收货", "all",
        "全部", "supplier", "供应商", "eta", "到货", "release", "start", "开工", "report", "报工", "scrap", "报废",
    }
)  # fmt: skip
token = st.sampled_from(VOCABULARY) | st.text(max_size=8).filter(lambda t: not _has_odd_digit(t))


@FAST
@given(st.lists(token, max_size=12))
def test_grammar_shaped_text_is_a_command_or_an_orderbot_error(parser: CommandParser, words: list[str]) -> None:
    with contextlib.suppress(OrderbotError):
        parser.parse(" ".join(words), TODAY, "me")


@FAST
@given(
    year=st.integers(1000, 9999),
    seq=st.integers(1, 999_999),
    width=st.integers(1, 6),
    prefix=st.sampled_from(["SO", "so", "So", "sO", "ＳＯ"]),
    dashes=st.sampled_from(["--", "-", "", "－－"]),
    verb=st.sampled_from(["show", "查看", "confirm", "history"]),
)
def test_order_numbers_round_trip_to_the_canonical_form(
    parser: CommandParser, year: int, seq: int, width: int, prefix: str, dashes: str, verb: str
) -> None:
    first, second = (dashes[0], dashes[1]) if len(dashes) == 2 else (dashes, "")
    token = f"{prefix}{first}{year}{second}{seq:0{width}d}"
    canonical = f"SO-{year}-{seq:06d}"
    assert re.fullmatch(r"SO-[0-9]{4}-[0-9]{6}", canonical)
    cmd = parser.parse(f"{verb} {token}", TODAY)
    assert cmd.number == canonical  # type: ignore[union-attr]
    assert order_number(canonical) == canonical


@FAST
@given(st.integers(1000, 9999), st.integers(1_000_000, 10**9))
def test_order_numbers_longer_than_six_digits_are_refused(year: int, seq: int) -> None:
    with pytest.raises(ParseError) as err:
        order_number(f"SO-{year}-{seq}")
    assert err.value.code == "bad_order_number"


@FAST
@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999999999.999"), places=3))
def test_quantities_read_back_exactly(parser: CommandParser, qty: Decimal) -> None:
    cmd = parser.parse(f"new ACME BOLT-M8 {qty}", TODAY)
    assert cmd.lines == (LineInput("BOLT-M8", qty),)  # type: ignore[union-attr]
    assert cmd.lines[0].quantity.as_tuple() == qty.as_tuple()  # type: ignore[union-attr]
