"""Alerts, digests and delivery administration as text and neutral messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.conversation.i18n import Translator
from bot.conversation.replies.message import Message, Table
from domain.alerts import Alert
from domain.ports import Backlog
from domain.results import AlertsView, DeadLettersView, ScanReport

ALERT_KINDS = frozenset({"alert_cleared", "daily_summary", "stock_digest", "order_at_risk"})


def event_key(kind: str, params: dict[str, Any], t: Translator) -> str:
    """The catalog key of an alert event, with its parameters made readable (in place)."""
    if kind == "alert_cleared":
        return f"ev_alert_cleared_{'stage' if params.get('alert') == 'stage' else 'overdue'}"
    if kind == "daily_summary" and params.get("customer") == "*":
        params["customer"] = t("all_customers")
    if kind == "stock_digest":
        items = params.get("items") or []
        params["count"] = len(items)
        params["items"] = "\n".join(
            t("stock_digest_item", sku=i[0], available=i[1], safety=i[2], suggested=i[3]) for i in items
        )
    if kind == "order_at_risk":
        params["lines"] = "; ".join(
            t("at_risk_line", line=ln[0], sku=ln[1], promised=ln[2], wanted=ln[3]) for ln in params.get("lines") or []
        )
    return f"ev_{kind}"


def render_batch(kind: str, payloads: Sequence[dict[str, Any]], t: Translator,
                 line: Callable[[str, dict[str, Any], Translator], str]) -> str:  # fmt: skip
    """One message, or one digest of several of a kind: a title with the count, then a line each."""
    if len(payloads) == 1:
        return line(kind, payloads[0], t)
    title = t(f"digest_{kind}", count=len(payloads))
    if title == f"digest_{kind}":
        title = t("digest_generic", count=len(payloads))
    return "\n".join([title, *(f"• {line(kind, p, t)}" for p in payloads)])


def scan_report(t: Translator, report: ScanReport) -> Message:
    lines = [
        t("scan_line", scan=t(f"scan_{kind}"), raised=r, escalated=e, cleared=c)
        for kind, (r, e, c) in report.counts.items()
    ]
    return Message(title=t("scan_report_title"), lines=lines)


def alerts_view(t: Translator, view: AlertsView) -> Message:
    leader = view.leader
    who = t("alerts_leader", holder=leader.holder, since=t.when(leader.since)) if leader else t("alerts_no_leader")
    if not view.alerts:
        return Message(title=t("alerts_none"), lines=[who])
    rows = [[t(f"alert_{a.kind}"), a.subject, _about(t, a.detail), t.when(a.raised_at), _escalated(t, a)]
            for a in view.alerts]  # fmt: skip
    headers = [t("lbl_alert"), t("lbl_subject"), "", t("lbl_since"), t("lbl_escalated")]
    return Message(title=t("alerts_title", total=view.total), tables=[Table(headers, rows)], lines=[who])


def _escalated(t: Translator, alert: Alert) -> str:
    """To whom and when an alert was escalated (an approval nobody decided in time, or nobody can decide)."""
    if alert.level < 2:
        return ""
    to = alert.detail.get("escalate_to")
    when = t.when(alert.escalated_at or alert.raised_at)
    return t("alert_escalated_to", role=t.name("role_", str(to)), when=when) if to else t("alert_escalated", when=when)


def _about(t: Translator, detail: dict[str, Any]) -> str:
    if detail.get("stage"):
        return t.status(str(detail["stage"]))
    if detail.get("role"):
        return t.name("role_", str(detail["role"]))
    return t.audience(str(detail.get("audience", "")))


def dead_letters(t: Translator, view: DeadLettersView) -> Message:
    b = view.backlog
    lines = [t("dead_oldest", since=t.when(b.oldest_pending))] if b.oldest_pending else []
    lines += unserved(t, b)
    if not view.rows:
        return Message(title=t("dead_none", pending=b.pending), lines=lines)
    rows = [
        [str(d.id), t.name("evkind_", d.kind), t.audience(d.audience), str(d.attempts), d.last_error[:60],
         t.when(d.created_at)]
        for d in view.rows
    ]  # fmt: skip
    headers = [t("lbl_id"), t("lbl_kind"), t("lbl_to"), t("lbl_tries"), t("lbl_error"), t("lbl_created")]
    return Message(
        title=t("dead_title", dead=b.dead, pending=b.pending),
        tables=[Table(headers, rows)],
        lines=[*lines, t("dead_hint")],
    )


# The audience kinds and the platform that serves them: what is missing, and what to do about it.
_SERVED_BY = {"customer": "customer", "channel": "staff", "user": "staff", "role": "staff"}


def unserved(t: Translator, b: Backlog) -> list[str]:
    """Notifications no running bot process serves, apart from those waiting: per audience why, how many and
    since when, then what to do for each kind found; and how many were too old to send when a transport came."""
    out: list[str] = []
    if b.unserved:
        out.append(t("unserved_title", count=b.unserved))
        for g in b.unserved_lanes:
            why = t(f"unserved_{_SERVED_BY.get(g.audience.partition(':')[0], 'other')}")
            out.append(t("unserved_line", reason=why, count=g.count, audience=t.audience(g.audience),
                         since=t.when(g.oldest)))  # fmt: skip
        rest = b.unserved_audiences - len(b.unserved_lanes)
        if rest > 0:
            shown = sum(g.count for g in b.unserved_lanes)
            out.append(t("unserved_more", count=b.unserved - shown, audiences=rest))
        kinds = {_SERVED_BY.get(g.audience.partition(":")[0], "other") for g in b.unserved_lanes}
        out += [t(f"unserved_do_{kind}") for kind in ("customer", "staff", "other") if kind in kinds]
    if b.expired:
        out.append(t("outbox_expired", count=b.expired))
    return out
