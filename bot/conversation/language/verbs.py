"""The verbs of the command language, their Chinese aliases, and the one entry point ``parse``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from bot.conversation.language import change_parser as cp
from bot.conversation.language import parser as p
from bot.conversation.language import stock_parser as sp
from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError, UnknownVerb
from bot.conversation.language.tokens import DateTaker, integer, tokenize
from domain import commands as c


@dataclass(frozen=True)
class Verb:
    name: str
    aliases: tuple[str, ...]
    parse: Callable[[p.Reader, str], p.Parsed]


def _simple(fn: Callable[[p.Reader], p.Parsed]) -> Callable[[p.Reader, str], p.Parsed]:
    return lambda r, _me: fn(r)


def _no_args(make: Callable[[], p.Parsed]) -> Callable[[p.Reader, str], p.Parsed]:
    def parse(r: p.Reader, _me: str) -> p.Parsed:
        r.done()
        return make()

    return parse


PAGE_WORDS = frozenset({"page", "页"})
PAGE_SIZE = 20


def _text_and_page(r: p.Reader) -> tuple[str, int]:
    """Free text, and a page when the last two words are `page N` (`find bolts page 2`)."""
    words = r.tokens[r.i :]
    page = 1
    if len(words) >= 3 and words[-2].lower() in PAGE_WORDS:
        page = max(1, integer(words[-1], "page"))
        words = words[:-2]
    r.rest()
    text = " ".join(words)
    if not text:
        raise ParseError("missing_argument", what="text", verb=r.verb)
    return text, page


def _find(r: p.Reader, _me: str) -> c.FindOrders:
    text, page = _text_and_page(r)
    return c.FindOrders(text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


def _customers(r: p.Reader, _me: str) -> c.SearchCustomers:
    text, page = _text_and_page(r)
    return c.SearchCustomers(text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


def _products(r: p.Reader, _me: str) -> c.SearchProducts:
    text, page = _text_and_page(r)
    return c.SearchProducts(text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


def _help(r: p.Reader, _me: str) -> p.HelpRequest:
    return p.HelpRequest(r.next("verb") if r.more() else None)


VERBS: tuple[Verb, ...] = (
    Verb("help", ("帮助", "?", "？"), _help),
    Verb("new", ("新建", "下单", "新订单"), _simple(p.p_new)),
    Verb("add", ("加行", "添加"), _simple(p.p_add)),
    Verb("remove", ("删行", "删除行"), _simple(p.p_remove)),
    Verb("set", ("修改", "设置"), _simple(p.p_set)),
    Verb("submit", ("提交",), _simple(p._just_number(c.SubmitOrder))),
    Verb("show", ("查看", "详情"), _simple(p._just_number(c.ShowOrder))),
    Verb("list", ("列表", "订单列表"), p.p_list),
    Verb("find", ("搜索", "查找"), _find),
    Verb("customers", ("客户", "查客户", "customer"), _customers),
    Verb("products", ("产品", "查产品", "product"), _products),
    Verb("confirm", ("确认",), _simple(p._just_number(c.ConfirmOrder))),
    Verb("hold", ("暂停", "挂起"), _simple(p.p_hold)),
    Verb("resume", ("恢复", "继续"), _simple(p._just_number(c.ResumeOrder))),
    Verb("advance", ("推进", "下一步"), _simple(p._just_number(c.AdvanceOrder))),
    Verb("ship", ("发货",), _simple(p.p_ship)),
    Verb("deliver", ("签收", "送达"), _simple(p._just_number(c.DeliverOrder))),
    Verb("close", ("关闭", "结案"), _simple(p._just_number(c.CloseOrder))),
    Verb("cancel", ("取消",), _simple(p.p_cancel)),
    Verb("history", ("历史", "记录"), _simple(p._just_number(c.OrderHistory))),
    Verb("diff", ("对比", "差异"), _simple(p.p_diff)),
    Verb("whoami", ("我是谁",), _no_args(c.WhoAmI)),
    Verb("lang", ("语言", "language"), _simple(p.p_lang)),
    Verb("stock", ("库存",), _simple(sp.p_stock)),
    Verb("atp", ("可承诺", "交期查询"), _simple(sp.p_atp)),
    Verb("ledger", ("流水", "库存流水"), _simple(sp.p_ledger)),
    Verb("adjust", ("调整", "库存调整"), _simple(sp.p_adjust)),
    Verb("count", ("盘点",), _simple(sp.p_count)),
    Verb("po", ("采购", "采购单"), _simple(sp.p_po)),
    Verb("receive", ("收货", "入库"), _simple(sp.p_receive)),
    Verb("wo", ("工单",), _simple(sp.p_wo)),
    Verb("change", ("变更", "改单"), _simple(cp.p_change)),
    Verb("qty", ("改数量",), _simple(cp.p_qty)),
    Verb("reschedule", ("改期", "调交期"), _simple(cp.p_reschedule)),
    Verb("approve", ("同意", "批准"), _simple(cp.p_approve)),
    Verb("reject", ("驳回", "拒绝"), _simple(cp.p_reject)),
    Verb("withdraw", ("撤回",), _simple(cp.p_withdraw)),
    Verb("pending", ("待审批", "待办"), _simple(cp.p_pending)),
    Verb("changes", ("变更记录",), _simple(cp.p_changes)),
    Verb("cr", ("变更单",), _simple(cp.p_cr)),
    Verb("report", ("报表", "报告"), _simple(cp.p_report)),
    Verb("delegate", ("委托", "代理"), _simple(cp.p_delegate)),
    Verb("delegations", ("委托列表",), _no_args(c.ListDelegations)),
    Verb("invite", ("邀请",), _simple(p.p_invite)),
    Verb("contacts", ("联系人",), _simple(p.p_contacts)),
    Verb("admin", ("管理",), _simple(p.p_admin)),
)

_BY_WORD: dict[str, Verb] = {w: v for v in VERBS for w in (v.name, *v.aliases)}


def find_verb(word: str) -> Verb | None:
    return _BY_WORD.get(word.lower().lstrip("/"))


_CJK = re.compile(r"[\u4e00-\u9fff]")


def nearest_word(word: str, words: Iterable[str]) -> str | None:
    """The verb (or alias) a mistyped word is closest to, if it is close enough to be a typo: shwo -> show,
    confrim -> confirm, 确定 -> 确认. Chinese words are two or three characters, so one right character out of
    two has to count there."""
    typed = word.lower().lstrip("/")
    if not typed:
        return None
    cutoff = 0.5 if _CJK.search(typed) else 0.6
    found = difflib.get_close_matches(typed, sorted(set(words)), n=1, cutoff=cutoff)
    return found[0] if found else None


def unknown_verb(word: str, words: Iterable[str]) -> UnknownVerb:
    return UnknownVerb(word[:40], nearest_word(word[:40], words))


class CommandParser:
    """One per process: holds the date rules (built once, they are costly to build)."""

    def __init__(self, dates: DateReader) -> None:
        self.dates = dates

    def parse(self, text: str, today: date, me: str = "") -> p.Parsed:
        tokens = tokenize(text)
        if not tokens:
            raise ParseError("empty_command")
        verb = find_verb(tokens[0])
        if verb is None:
            raise unknown_verb(tokens[0], _BY_WORD)
        reader = p.Reader(verb.name, tokens[1:], DateTaker(self.dates, today))
        result = verb.parse(reader, me)
        if isinstance(result, p.HelpRequest) and result.verb is not None:
            named = find_verb(result.verb)
            if named is None:
                raise unknown_verb(result.verb, _BY_WORD)
            return p.HelpRequest(named.name)
        return result
