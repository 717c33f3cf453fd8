"""The stock and supply verbs: stock, atp, ledger, adjust, count, po, receive, wo."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from bot.conversation.language.errors import ParseError
from bot.conversation.language.parser import Reader
from bot.conversation.language.tokens import looks_like_sku, order_number, quantity
from domain import commands as c
from domain.numbers import PURCHASE_ORDER, WORK_ORDER, Series

OVERRIDE = {"override", "强制"}
REASON = {"reason", "原因", "因为"}


def _doc_number(token: str, series: Series) -> str:
    number = series.read(token)
    if number is None:
        raise ParseError("bad_doc_number", value=token, example=series.example)
    return number


def po_number(token: str) -> str:
    return _doc_number(token, PURCHASE_ORDER)


def wo_number(token: str) -> str:
    return _doc_number(token, WORK_ORDER)


def _sku(r: Reader) -> str:
    sku = r.next("SKU")
    if not looks_like_sku(sku):
        raise ParseError("bad_sku", value=sku)
    return sku.upper()


def _sku_quantities(r: Reader, required: bool) -> tuple[tuple[str, Decimal], ...]:
    out = []
    while r.more() and r.keyword() is None and r.peek().lower() not in ("supplier", "供应商", "eta", "到货"):
        out.append((_sku(r), quantity(r.next("quantity"))))
    if required and not out:
        raise ParseError("missing_argument", what="SKU QTY", verb=r.verb)
    return tuple(out)


def _supplier_eta(r: Reader) -> dict[str, object]:
    out: dict[str, object] = {}
    while r.more():
        word = r.next("supplier / eta").lower()
        if word in ("supplier", "供应商"):
            out["supplier"] = r.next("supplier")
        elif word in ("eta", "到货"):
            out["eta"] = r.absolute_date()
        else:
            raise ParseError("unexpected_word", word=word, verb=r.verb)
    return out


def _reason_and_override(r: Reader) -> tuple[str, bool]:
    """The reason is the rest; `override` counts only as the last word, so a reason may mention it."""
    words = r.rest().split()
    override = bool(words) and words[-1].lower() in OVERRIDE
    if override:
        words = words[:-1]
    if words and words[0].lower() in REASON:
        words = words[1:]
    text = " ".join(words)
    if not text:
        raise ParseError("missing_argument", what="reason", verb=r.verb)
    return text, override


def p_stock(r: Reader) -> c.StockView | c.StockLowList:
    word = r.next("SKU / low")
    if word.lower() in ("low", "不足", "低库存"):
        r.done()
        return c.StockLowList()
    if not looks_like_sku(word):
        raise ParseError("bad_sku", value=word)
    r.done()
    return c.StockView(word.upper())


def p_atp(r: Reader) -> c.AvailableToPromise:
    sku = _sku(r)
    qty = quantity(r.next("quantity"))
    r.done()
    return c.AvailableToPromise(sku, qty)


def p_ledger(r: Reader) -> c.StockLedger:
    sku = _sku(r)
    number = None
    if r.more():
        if r.peek().lower() in ("order", "订单"):
            r.next("order")
        number = r.order_number()
    r.done()
    return c.StockLedger(sku, number)


def p_adjust(r: Reader) -> c.AdjustStock:
    sku = _sku(r)
    delta = quantity(r.next("+/- quantity"), signed=True)
    reason, override = _reason_and_override(r)
    return c.AdjustStock(sku, reason, delta=delta, override=override)


def p_count(r: Reader) -> c.AdjustStock:
    sku = _sku(r)
    counted = quantity(r.next("counted quantity"), zero=True)
    reason, override = _reason_and_override(r)
    return c.AdjustStock(sku, reason, counted=counted, override=override)


def p_receive(r: Reader) -> c.ReceivePurchaseOrder:
    number = po_number(r.next("PO number"))
    lines = _sku_quantities(r, required=False)
    r.done()
    return c.ReceivePurchaseOrder(number, lines)


def p_po(r: Reader) -> c.Command | c.Query:
    action = r.next("new / suggest / approve / receive / cancel / show / list").lower()
    if action in ("new", "新建"):
        lines = _sku_quantities(r, required=True)
        return c.CreatePurchaseOrder(lines, **_supplier_eta(r))  # type: ignore[arg-type]
    if action in ("suggest", "建议"):
        r.done()
        return c.PurchaseSuggestions()
    if action in ("from-suggestions", "from", "按建议"):
        skus = []
        while r.more() and looks_like_sku(r.peek()) and r.peek().lower() not in ("supplier", "eta"):
            skus.append(r.next("SKU").upper())
        return c.PurchaseFromSuggestions(tuple(skus), **_supplier_eta(r))  # type: ignore[arg-type]
    if action in ("list", "列表"):
        everything = False
        if r.more():
            word = r.next("all")
            if word.lower() not in ("all", "全部"):
                raise ParseError("unexpected_word", word=word, verb=r.verb)
            everything = True
        r.done()
        return c.ListPurchaseOrders(all=everything)
    if action in ("receive", "收货"):
        return p_receive(r)
    single: dict[str, Callable[[str], c.Command | c.Query]] = {
        "approve": c.ApprovePurchaseOrder, "批准": c.ApprovePurchaseOrder, "cancel": c.CancelPurchaseOrder,
        "取消": c.CancelPurchaseOrder, "show": c.ShowPurchaseOrder, "查看": c.ShowPurchaseOrder,
    }  # fmt: skip
    if action in single:
        number = po_number(r.next("PO number"))
        r.done()
        return single[action](number)
    raise ParseError("unexpected_word", word=action, verb=r.verb)


WO_MOVES = {"release": "released", "下达": "released", "start": "in_progress", "开工": "in_progress",
            "done": "done", "完工": "done", "cancel": "cancelled", "取消": "cancelled"}  # fmt: skip


def p_wo(r: Reader) -> c.Command | c.Query:
    action = r.next("list / show / release / start / report / done / cancel").lower()
    if action in ("list", "列表"):
        number = None
        everything = False
        while r.more():
            word = r.next("SO / all")
            if word.lower() in ("all", "全部"):
                everything = True
            elif number is None:
                number = order_number(word, r.dates.today.year)
            else:
                raise ParseError("unexpected_word", word=word, verb=r.verb)
        return c.ListWorkOrders(number, everything)
    if action in ("show", "查看"):
        number = wo_number(r.next("WO number"))
        r.done()
        return c.ShowWorkOrder(number)
    if action in WO_MOVES:
        number = wo_number(r.next("WO number"))
        r.done()
        return c.MoveWorkOrder(number, WO_MOVES[action])
    if action in ("report", "报工"):
        number = wo_number(r.next("WO number"))
        good = quantity(r.next("good quantity"), zero=True)
        scrap = Decimal(0)
        if r.more():
            if r.next("scrap").lower() not in ("scrap", "报废"):
                raise ParseError("unexpected_word", word=r.tokens[r.i - 1], verb=r.verb)
            scrap = quantity(r.next("scrap quantity"), zero=True)
        r.done()
        return c.ReportWorkOrder(number, good, scrap)
    raise ParseError("unexpected_word", word=action, verb=r.verb)
