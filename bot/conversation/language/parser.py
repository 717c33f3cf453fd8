"""The command language shared by every front end: chat text -> a domain command or query."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.conversation.language.errors import ParseError
from bot.conversation.language.tokens import DateTaker, integer, looks_like_sku, order_number, price, quantity
from domain import commands as c
from domain.lifecycle import Status

# Keyword -> canonical option name. Chinese words as the sales office types them.
KEYWORDS: dict[str, str] = {
    "due": "due", "交期": "due", "交货": "due", "交货日期": "due",
    "po": "po", "客户单号": "po", "订单号": "po",
    "note": "note", "notes": "note", "备注": "note",
    "rush": "rush", "加急": "rush", "urgent": "rush",
    "normal": "normal", "普通": "normal",
    "reason": "reason", "原因": "reason", "因为": "reason",
    "carrier": "carrier", "承运商": "carrier", "物流": "carrier", "快递": "carrier",
    "tracking": "tracking", "单号": "tracking", "运单号": "tracking", "物流单号": "tracking",
    "customer": "customer", "客户": "customer",
    "status": "status", "状态": "status",
    "owner": "owner", "负责人": "owner",
    "overdue": "overdue", "逾期": "overdue",
    "page": "page", "页": "page",
    "by": "by", "要货": "by",
    "price": "price", "单价": "price",
    "qty": "qty", "数量": "qty",
    "line": "line", "行": "line",
}  # fmt: skip
STOP = frozenset(KEYWORDS)
FLAGS = frozenset({"rush", "normal", "overdue"})

# Status words a user may type in `list status ...`.
STATUS_WORDS: dict[str, str] = {s.value: s.value for s in Status} | {
    "草稿": "draft", "待确认": "pending_confirmation", "pending": "pending_confirmation",
    "已确认": "confirmed", "生产中": "in_production", "production": "in_production",
    "待发货": "ready", "已发货": "shipped", "已签收": "delivered", "已关闭": "closed",
    "暂停": "on_hold", "hold": "on_hold", "已取消": "cancelled", "canceled": "cancelled",
}  # fmt: skip


_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|([^>]*))?>$")


@dataclass(frozen=True)
class HelpRequest:
    verb: str | None = None


Parsed = c.Command | c.Query | HelpRequest


class Reader:
    """A cursor over one command's tokens."""

    def __init__(self, verb: str, tokens: list[str], dates: DateTaker) -> None:
        self.verb, self.tokens, self.dates, self.i = verb, tokens, dates, 0

    def more(self) -> bool:
        return self.i < len(self.tokens)

    def peek(self) -> str:
        return self.tokens[self.i]

    def next(self, what: str) -> str:
        if not self.more():
            raise ParseError("missing_argument", what=what, verb=self.verb)
        self.i += 1
        return self.tokens[self.i - 1]

    def keyword(self) -> str | None:
        return KEYWORDS.get(self.peek().lower()) if self.more() else None

    def text_until_keyword(self, what: str) -> str:
        start = self.i
        while self.more() and self.keyword() is None:
            self.i += 1
        if start == self.i:
            raise ParseError("missing_argument", what=what, verb=self.verb)
        return " ".join(self.tokens[start : self.i])

    def rest(self) -> str:
        text = " ".join(self.tokens[self.i :])
        self.i = len(self.tokens)
        return text

    def order_number(self) -> str:
        """An order number; a bare sequence number (398) is this year's order (SO-<this year>-000398)."""
        return order_number(self.next("order number"), self.dates.today.year)

    def date_spec(self) -> c.DueInput:
        value, self.i = self.dates.take(self.tokens, self.i, STOP)
        return value

    def absolute_date(self, max_words: int = DateTaker.MAX_WORDS) -> date:
        value, self.i = self.dates.absolute(self.tokens, self.i, STOP, max_words)
        return value

    def done(self) -> None:
        if self.more():
            raise ParseError("unexpected_word", word=self.peek(), verb=self.verb)


def _lines(r: Reader, number_required: bool = True) -> list[c.LineInput]:
    """SKU QTY [@PRICE | price P] [by DATE], repeated, stopping at the first header keyword."""
    lines: list[c.LineInput] = []
    while r.more() and r.keyword() is None:
        sku = r.next("SKU")
        if not looks_like_sku(sku):
            raise ParseError("bad_sku", value=sku)
        qty = quantity(r.next("quantity"))
        unit_price = None
        requested = None
        while r.more():
            word = r.peek()
            if word.startswith(("@", "¥", "￥")) and len(word) > 1:
                unit_price = price(r.next("price"))
            elif word == "@" or r.keyword() == "price":
                r.next("price")
                unit_price = price(r.next("price"))
            elif r.keyword() == "by":
                r.next("date")
                # one word (or one quoted phrase): anything longer would swallow the next line's SKU
                requested = r.absolute_date(max_words=1)
            else:
                break
        lines.append(c.LineInput(sku.upper(), qty, unit_price, requested))
    if number_required and not lines:
        raise ParseError("missing_argument", what="SKU QTY", verb=r.verb)
    return lines


def _header(r: Reader, allow_shift: bool) -> dict[str, object]:
    """Header options: due, po, note, rush/normal."""
    out: dict[str, object] = {}
    while r.more():
        key = r.keyword()
        if key is None:
            raise ParseError("unexpected_word", word=r.peek(), verb=r.verb)
        r.next(key)
        if key == "due":
            out["due_date"] = r.date_spec() if allow_shift else r.absolute_date()
        elif key == "po":
            out["po_ref"] = r.next("PO")
        elif key == "note":
            out["notes"] = r.text_until_keyword("note")
        elif key in ("rush", "normal"):
            out["rush"] = key == "rush"
        else:
            raise ParseError("unexpected_word", word=key, verb=r.verb)
    return out


def p_new(r: Reader) -> c.CreateOrder:
    customer = r.next("customer")  # a code, or a name (part of one, pinyin initials): the domain finds the customer
    lines = _lines(r, number_required=False)
    header = _header(r, allow_shift=False)
    return c.CreateOrder(customer.upper(), tuple(lines), **header)  # type: ignore[arg-type]


def p_add(r: Reader) -> c.AddLines:
    number = r.order_number()
    lines = _lines(r)
    r.done()
    return c.AddLines(number, tuple(lines))


def p_remove(r: Reader) -> c.RemoveLine:
    number = r.order_number()
    if r.keyword() == "line":
        r.next("line")
    line_no = integer(r.next("line number"), "line")
    r.done()
    return c.RemoveLine(number, line_no)


def p_set(r: Reader) -> c.SetTerms | c.SetLine:
    number = r.order_number()
    if r.keyword() == "line":
        r.next("line")
        line_no = integer(r.next("line number"), "line")
        qty = unit_price = None
        while r.more():
            key = r.keyword()
            r.next("field")
            if key == "qty":
                qty = quantity(r.next("quantity"))
            elif key == "price":
                unit_price = price(r.next("price"))
            else:
                raise ParseError("unexpected_word", word=r.tokens[r.i - 1], verb=r.verb)
        if qty is None and unit_price is None:
            raise ParseError("missing_argument", what="qty / price", verb=r.verb)
        return c.SetLine(number, line_no, qty, unit_price)
    header = _header(r, allow_shift=True)
    if not header:
        raise ParseError("missing_argument", what="due / po / note / rush", verb=r.verb)
    return c.SetTerms(number, **header)  # type: ignore[arg-type]


def _just_number(make: Callable[[str], Parsed]) -> Callable[[Reader], Parsed]:
    def parse(r: Reader) -> Parsed:
        number = r.order_number()
        r.done()
        return make(number)

    return parse


def _reason(r: Reader, required: bool) -> str:
    if r.keyword() == "reason":
        r.next("reason")
    text = r.rest().strip()
    if required and not text:
        raise ParseError("missing_argument", what="reason", verb=r.verb)
    return text


def p_hold(r: Reader) -> c.HoldOrder:
    number = r.order_number()
    return c.HoldOrder(number, _reason(r, required=False))


def p_cancel(r: Reader) -> c.CancelOrder:
    number = r.order_number()
    return c.CancelOrder(number, _reason(r, required=True))


def p_ship(r: Reader) -> c.ShipOrder:
    number = r.order_number()
    carrier = tracking = ""
    if r.more() and r.keyword() is None:  # ship SO-… CARRIER TRACKING
        carrier = r.next("carrier")
        tracking = r.next("tracking")
    while r.more():
        key = r.keyword()
        r.next("field")
        if key == "carrier":
            carrier = r.text_until_keyword("carrier")
        elif key == "tracking":
            tracking = r.next("tracking")
        else:
            raise ParseError("unexpected_word", word=r.tokens[r.i - 1], verb=r.verb)
    if not carrier or not tracking:
        raise ParseError("missing_argument", what="carrier + tracking", verb=r.verb)
    return c.ShipOrder(number, carrier, tracking)


def p_list(r: Reader, me: str) -> c.ListOrders:
    opts: dict[str, object] = {}
    page = 1
    while r.more():
        key = r.keyword()
        word = r.next("filter")
        if key == "customer":
            opts["customer"] = r.next("customer").upper()
        elif key == "status":
            raw = r.next("status").lower()
            if raw not in STATUS_WORDS:
                raise ParseError("unknown_status", status=raw, allowed=", ".join(s.value for s in Status))
            opts["status"] = STATUS_WORDS[raw]
        elif key == "owner":
            who = r.next("owner")
            opts["owner"] = me if who.lower() in ("me", "mine", "我") else who
        elif key == "overdue":
            opts["overdue"] = True
        elif key == "page":
            page = max(1, integer(r.next("page"), "page"))
        elif word.lower() in ("mine", "我的"):
            opts["owner"] = me
        elif word.lower() in ("at-risk", "at_risk", "risk", "风险", "交期风险"):
            opts["at_risk"] = True
        elif word.lower() in STATUS_WORDS:
            opts["status"] = STATUS_WORDS[word.lower()]
        else:
            raise ParseError("unexpected_word", word=word, verb=r.verb)
    limit = 20
    return c.ListOrders(limit=limit, offset=(page - 1) * limit, **opts)  # type: ignore[arg-type]


def p_diff(r: Reader) -> c.DiffOrder:
    number = r.order_number()
    versions = [integer(r.next("version"), "version") for _ in range(min(2, len(r.tokens) - r.i))]
    r.done()
    if len(versions) == 1:
        return c.DiffOrder(number, None, versions[0])
    if len(versions) == 2:
        return c.DiffOrder(number, min(versions), max(versions))
    return c.DiffOrder(number)


def p_lang(r: Reader) -> c.SetLanguage:
    word = r.next("zh / en").lower()
    r.done()
    return c.SetLanguage({"中文": "zh", "chinese": "zh", "english": "en", "英文": "en"}.get(word, word))


def p_admin(r: Reader) -> c.Command | c.Query:
    action = r.next("grant / revoke / users").lower()
    if action in ("grant", "授权", "授予"):
        user, role = r.next("user"), r.next("role")
        r.done()
        mention = _MENTION.match(user)  # Slack sends an @mention as <@U123ABC|lily>
        if mention:
            return c.GrantRole(mention.group(1), role, mention.group(2) or "")
        return c.GrantRole(user.lstrip("@"), role)
    if action in ("revoke", "撤销", "收回"):
        user, role = r.next("user"), r.next("role")
        r.done()
        mention = _MENTION.match(user)
        return c.RevokeRole(mention.group(1) if mention else user.lstrip("@"), role)
    if action in ("users", "用户"):
        roles = tuple(r.rest().split())
        return c.ListUsers(roles)
    if action in ("outbox", "通知", "消息"):
        return _admin_outbox(r)
    if action in ("alerts", "提醒", "告警"):
        r.done()
        return c.ListAlerts()
    if action in ("scan", "检查", "巡检"):
        return _admin_scan(r)
    raise ParseError("unexpected_word", word=action, verb=r.verb)


def _admin_outbox(r: Reader) -> c.ListDeadLetters | c.RetryDeadLetters:
    """`admin outbox` lists what was given up on; `admin outbox retry ID… | all` sends it again."""
    if not r.more():
        return c.ListDeadLetters()
    word = r.next("retry").lower()
    if word not in ("retry", "重发", "重试"):
        raise ParseError("unexpected_word", word=word, verb=r.verb)
    rest = r.rest().split()
    if not rest:
        raise ParseError("missing_argument", what="ID / all", verb=r.verb)
    if len(rest) == 1 and rest[0].lower() in ("all", "全部"):
        return c.RetryDeadLetters()
    return c.RetryDeadLetters(tuple(integer(x.lstrip("#"), "outbox id") for x in rest))


SCAN_WORDS: dict[str, str] = {
    "overdue": "overdue", "late": "overdue", "逾期": "overdue",
    "due": "due_soon", "due_soon": "due_soon", "soon": "due_soon", "到期": "due_soon", "即将到期": "due_soon",
    "at_risk": "at_risk", "at-risk": "at_risk", "risk": "at_risk", "风险": "at_risk", "交期风险": "at_risk",
    "stages": "stages", "stage": "stages", "sla": "stages", "环节": "stages",
    "approvals": "approvals", "approval": "approvals", "审批": "approvals",
    "stock": "stock", "库存": "stock",
    "summary": "summary", "简报": "summary", "汇总": "summary",
    "delivery": "delivery", "outbox": "delivery", "投递": "delivery", "送达": "delivery",
}  # fmt: skip


def _admin_scan(r: Reader) -> c.RunScans:
    """`admin scan` (or `all`) runs every scan now; `admin scan overdue stock` runs those."""
    words = [w.lower() for w in r.rest().split()]
    if not words or words == ["all"] or words == ["全部"]:
        return c.RunScans()
    kinds: list[str] = []
    for word in words:
        kind = SCAN_WORDS.get(word)
        if kind is None:
            raise ParseError("unexpected_word", word=word, verb=r.verb)
        if kind not in kinds:
            kinds.append(kind)
    return c.RunScans(tuple(kinds))


def p_invite(r: Reader) -> c.InviteCustomer:
    customer = r.next("customer")
    r.done()
    return c.InviteCustomer(customer.upper())


def p_contacts(r: Reader) -> c.ListContacts | c.RevokeContact:
    """`contacts CUSTOMER` lists a customer's contacts; `contacts revoke ID` ends one binding."""
    word = r.next("customer / revoke")
    if word.lower() in ("revoke", "撤销", "解除"):
        contact_id = integer(r.next("contact id"), "contact")
        r.done()
        return c.RevokeContact(contact_id)
    r.done()
    return c.ListContacts(word.upper())
