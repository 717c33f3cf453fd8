"""The change-request part of the command language.

change SO-… qty BOLT-M8 800 date 提前两周 reason "customer budget cut" evidence "mail 11-21"
qty SO-… BOLT-M8 -200 reason …        reschedule SO-… 下周五 reason …       cancel SO-… REASON
approve CR-7 [as finance]   reject CR-7 REASON   withdraw CR-7   pending [all]   changes SO-…   cr CR-7
report changes 2026-11      delegate wang until 12月10日 [role finance]   delegate off [wang]   delegations
"""

from __future__ import annotations

import re
from datetime import date

from bot.conversation.language.errors import ParseError
from bot.conversation.language.parser import Reader
from bot.conversation.language.tokens import integer, looks_like_code, looks_like_sku, price, quantity
from domain import commands as c
from domain.numbers import CHANGE_REQUEST

# item keyword -> canonical; Chinese as the sales office types it
ITEMS: dict[str, str] = {
    "cancel": "cancel", "取消": "cancel",
    "qty": "qty", "quantity": "qty", "数量": "qty", "改数量": "qty",
    "add": "add", "加行": "add", "增加": "add",
    "remove": "remove", "删行": "remove", "删除": "remove",
    "date": "date", "due": "date", "交期": "date", "改期": "date", "交货": "date",
    "hold": "hold", "暂停": "hold",
    "resume": "resume", "恢复": "resume",
    "price": "price", "单价": "price", "改价": "price",
    "reason": "reason", "原因": "reason", "因为": "reason",
    "evidence": "evidence", "证据": "evidence", "依据": "evidence", "凭证": "evidence",
}  # fmt: skip
STOP = frozenset(ITEMS) | {"line", "行", "by", "要货", "@"}
_MONTH = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})月?$")


def cr_number(token: str) -> str:
    number = CHANGE_REQUEST.read(token)
    if number is None:
        raise ParseError("bad_doc_number", value=token, example=CHANGE_REQUEST.example)
    return number


def _item(r: Reader) -> str | None:
    return ITEMS.get(r.peek().lower()) if r.more() else None


def _text(r: Reader, what: str) -> str:
    """Free text up to the next item keyword (quote it to use such a word inside)."""
    start = r.i
    while r.more() and _item(r) is None:
        r.i += 1
    if start == r.i:
        raise ParseError("missing_argument", what=what, verb=r.verb)
    return " ".join(r.tokens[start : r.i])


def _target(r: Reader) -> tuple[str, int | None]:
    """A line: `line 2`, `#2`, or a SKU (or the start of one)."""
    word = r.next("SKU / line")
    if word.lower() in ("line", "行"):
        return "", integer(r.next("line number"), "line")
    if word.startswith("#"):
        return "", integer(word, "line")
    if not looks_like_sku(word):
        raise ParseError("bad_sku", value=word)
    return word.upper(), None


def _when(r: Reader) -> c.DueInput:
    value, r.i = r.dates.take(r.tokens, r.i, STOP)
    return value


def _qty(r: Reader) -> c.ChangeInput:
    target, line = _target(r)
    word = r.next("quantity")
    if word.startswith(("+", "-")):
        return c.ChangeInput("quantity", target, line, delta=quantity(word, signed=True))
    return c.ChangeInput("quantity", target, line, quantity=quantity(word))


def _date(r: Reader) -> c.ChangeInput:
    """`date 下周五` moves the order's due date; `date BOLT-M8 12月5日` or `date line 2 …` one line's."""
    if r.more() and (r.peek().lower() in ("line", "行") or r.peek().startswith("#") or looks_like_code(r.peek())):
        target, line = _target(r)
        return c.ChangeInput("line_date", target, line, when=_when(r))
    return c.ChangeInput("due_date", when=_when(r))


def _add(r: Reader) -> c.ChangeInput:
    sku = r.next("SKU")
    if not looks_like_sku(sku):
        raise ParseError("bad_sku", value=sku)
    qty = quantity(r.next("quantity"))
    unit_price = None
    when: c.DueInput | None = None
    while r.more():
        word = r.peek()
        if word.startswith(("@", "¥", "￥")) and len(word) > 1:
            unit_price = price(r.next("price"))
        elif word == "@":
            r.next("price")
            unit_price = price(r.next("price"))
        elif word.lower() in ("by", "要货"):
            r.next("date")
            when = _when(r)
        else:
            break
    return c.ChangeInput("add_line", sku.upper(), quantity=qty, unit_price=unit_price, when=when)


def changes_and_notes(r: Reader) -> tuple[list[c.ChangeInput], str, str]:
    items: list[c.ChangeInput] = []
    reason = evidence = ""
    while r.more():
        key = _item(r)
        word = r.next("change")
        if key == "cancel":
            items.append(c.ChangeInput("cancel"))
        elif key == "qty":
            items.append(_qty(r))
        elif key == "add":
            items.append(_add(r))
        elif key == "remove":
            target, line = _target(r)
            items.append(c.ChangeInput("remove_line", target, line))
        elif key == "date":
            items.append(_date(r))
        elif key in ("hold", "resume"):
            items.append(c.ChangeInput(key))
        elif key == "price":
            target, line = _target(r)
            items.append(c.ChangeInput("price", target, line, unit_price=price(r.next("price"))))
        elif key == "reason":
            reason = _text(r, "reason")
        elif key == "evidence":
            evidence = _text(r, "evidence")
        else:
            raise ParseError("unexpected_word", word=word, verb=r.verb)
    return items, reason, evidence


def p_change(r: Reader) -> c.RequestChange:
    number = r.order_number()
    items, reason, evidence = changes_and_notes(r)
    if not items:
        raise ParseError("missing_argument", what="qty / date / add / remove / price / cancel / hold", verb=r.verb)
    return c.RequestChange(number, tuple(items), reason, evidence)


def p_qty(r: Reader) -> c.RequestChange:
    number = r.order_number()
    first = _qty(r)
    rest, reason, evidence = changes_and_notes(r)
    return c.RequestChange(number, (first, *rest), reason, evidence)


def p_reschedule(r: Reader) -> c.RequestChange:
    number = r.order_number()
    first = _date(r)
    rest, reason, evidence = changes_and_notes(r)
    return c.RequestChange(number, (first, *rest), reason, evidence)


def p_approve(r: Reader) -> c.ApproveChange:
    number = cr_number(r.next("CR number"))
    role = None
    if r.more() and r.peek().lower() in ("as", "作为", "以"):
        r.next("as")
        role = r.next("role").lower()
    r.done()
    return c.ApproveChange(number, role)


def p_reject(r: Reader) -> c.RejectChange:
    number = cr_number(r.next("CR number"))
    if r.more() and r.peek().lower() in ("reason", "原因"):
        r.next("reason")
    reason = r.rest().strip()
    if not reason:
        raise ParseError("missing_argument", what="reason", verb=r.verb)
    return c.RejectChange(number, reason)


def p_withdraw(r: Reader) -> c.WithdrawChange:
    return c.WithdrawChange(cr_number(r.next("CR number")), r.rest().strip())


def p_pending(r: Reader) -> c.PendingApprovals:
    everyone = False
    if r.more():
        word = r.next("all")
        if word.lower() not in ("all", "全部", "所有"):
            raise ParseError("unexpected_word", word=word, verb=r.verb)
        everyone = True
    r.done()
    return c.PendingApprovals(everyone)


def p_changes(r: Reader) -> c.OrderChanges:
    number = r.order_number()
    r.done()
    return c.OrderChanges(number)


def p_cr(r: Reader) -> c.ShowChange:
    number = cr_number(r.next("CR number"))
    r.done()
    return c.ShowChange(number)


def month_of(word: str, today: date) -> str:
    low = word.lower()
    if low in ("this", "本月", "这个月", "当月"):
        return f"{today:%Y-%m}"
    if low in ("last", "上月", "上个月"):
        prev = today.replace(day=1).toordinal() - 1
        return f"{date.fromordinal(prev):%Y-%m}"
    m = _MONTH.match(word)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ParseError("bad_month", value=word)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def p_report(r: Reader) -> c.ChangeReport:
    kind = r.next("changes")
    if kind.lower() not in ("changes", "change", "变更"):
        raise ParseError("unexpected_word", word=kind, verb=r.verb)
    month = month_of(r.next("month") if r.more() else "this", r.dates.today)
    r.done()
    return c.ChangeReport(month)


def p_delegate(r: Reader) -> c.Delegate | c.EndDelegation:
    who = r.next("user")
    if who.lower() in ("off", "end", "结束", "取消"):
        backup = r.next("user").lstrip("@") if r.more() else None
        r.done()
        return c.EndDelegation(backup)
    role = None
    ends: date | None = None
    while r.more():
        word = r.next("until / role").lower()
        if word in ("until", "to", "至", "到"):
            ends, r.i = r.dates.absolute(r.tokens, r.i, STOP | {"role", "角色"})
        elif word in ("role", "角色"):
            role = r.next("role").lower()
        else:
            raise ParseError("unexpected_word", word=word, verb=r.verb)
    if ends is None:
        raise ParseError("missing_argument", what="until DATE", verb=r.verb)
    return c.Delegate(who.lstrip("@"), ends, role)
