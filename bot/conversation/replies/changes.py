"""Change requests as neutral messages: the request with its impact and approval trail, lists, the
monthly report and delegations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.conversation.i18n import Translator
from bot.conversation.replies.message import Button, Message, Table, display_width, pad
from domain import commands as c
from domain.changes import ChangeRequest, CRStatus, Decision, RequestedChange
from domain.impact import Impact, LineImpact
from domain.money import plain
from domain.results import ChangeReportView, ChangesView, ChangeView, DelegationsView
from domain.users import Role

ZERO = Decimal(0)
PUBLIC = {"cr_created", "cr_applied", "cr_rejected"}


def change_text(t: Translator, ch: RequestedChange) -> str:
    old: Any = ch.old_qty if ch.old_qty is not None else ch.old_price if ch.old_price is not None else ch.old_date
    new: Any = ch.new_qty if ch.new_qty is not None else ch.new_price if ch.new_price is not None else ch.new_date
    if ch.kind.value == "add_line":
        new = ch.new_qty
    return t(f"ck_{ch.kind.value}", sku=ch.sku, old=_v(t, old), new=_v(t, new))


def summary_text(t: Translator, rows: list[list[str]] | tuple[tuple[str, ...], ...]) -> str:
    """The (kind, sku, old, new) rows an event carries, in the reader's language."""
    return "; ".join(t(f"ck_{kind}", sku=sku, old=old or "—", new=new or "—") for kind, sku, old, new in rows)


def _v(t: Translator, value: Any) -> str:
    if value is None:
        return t("lbl_none")
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def roles_text(t: Translator, roles: list[Role] | list[str]) -> str:
    return ", ".join(t.name("role_", str(r)) for r in roles) or t("nobody")


def age(t: Translator, since: datetime, now: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    if days:
        return t("age_days", days=days, hours=rest // 60)
    return t("age_hours", hours=rest // 60, minutes=rest % 60)


def _reason_text(t: Translator, code: str, params: dict[str, Any]) -> str:
    return t(code, **params)


def impact_lines(t: Translator, impact: Impact) -> list[tuple[str, str]]:
    """(section, text) pairs: money, stock, production, material, schedule, cost, risk."""
    out: list[tuple[str, str]] = []
    delta = impact.amount_delta
    sign = "+" if delta > 0 else ""
    out.append((t("imp_money"), t("imp_money_line", before=t.money(impact.amount_before),
                                  after=t.money(impact.amount_after), delta=sign + t.money(delta))))  # fmt: skip
    stock = _stock(t, impact.lines)
    out += [(t("imp_stock"), s) for s in stock or [t("imp_no_stock_change")]]
    made = _production(t, impact.lines)
    out += [(t("imp_production"), s) for s in made or [t("imp_no_production")]]
    for ln in impact.lines:
        if ln.reserved or ln.planned or ln.in_progress or ln.done:
            out.append((t("imp_purchasing"), t(
                "imp_material", sku=ln.sku, reserved=plain(ln.reserved), released=plain(ln.released),
                kept=plain(ln.reserved - ln.released), planned=plain(ln.planned), cut=plain(ln.cut),
                started=plain(ln.in_progress + ln.done),
            )))  # fmt: skip
    if impact.due_after != impact.due_before:
        out.append((t("imp_schedule"), t("imp_due", old=t.date(impact.due_before), new=t.date(impact.due_after))))
    for ln in impact.lines:
        if ln.moved and ln.planned > 0 and ln.wanted is not None and ln.earliest is not None:
            promised = max(ln.wanted, ln.earliest)
            out.append((t("imp_schedule"), t("imp_replan", sku=ln.sku, qty=plain(ln.planned), date=t.date(promised))))
    late = [ln for ln in impact.lines if not ln.feasible]
    for ln in late:
        wanted = t.date(ln.wanted)
        out.append((t("imp_schedule"), t("imp_infeasible", sku=ln.sku, date=t.date(ln.earliest), wanted=wanted)))
        if ln.held_by_started is not None:
            started = t("imp_started_late", sku=ln.sku, qty=plain(ln.in_progress), date=t.date(ln.held_by_started))
            out.append((t("imp_schedule"), started))
    if not late and (impact.lines or impact.dated):
        out.append((t("imp_schedule"), t("imp_feasible")))
    if impact.notice_days is not None:
        out.append((t("imp_schedule"), t("imp_notice", days=impact.notice_days)))
    out.append((t("imp_cost"), t("imp_sunk", cost=t.money(impact.sunk_cost))))
    if impact.penalty_pct > 0:
        out.append((t("imp_cost"), t("imp_penalty", pct=plain(impact.penalty_pct), value=t.money(impact.affected_value),
                                     penalty=t.money(impact.penalty))))  # fmt: skip
    else:
        out.append((t("imp_cost"), t("imp_no_penalty")))
    out.append((t("imp_risk"), t(f"risk_{impact.risk}")))
    out += [(t("imp_risk"), "• " + t(f"risk_{code}", **params)) for code, params in impact.risk_reasons]
    return out


def _stock(t: Translator, lines: list[LineImpact]) -> list[str]:
    out = []
    for ln in lines:
        if ln.released > 0:
            out.append(t("imp_released", sku=ln.sku, qty=plain(ln.released)))
        if ln.unneeded_backorder > 0:
            out.append(t("imp_unneeded", sku=ln.sku, qty=plain(ln.unneeded_backorder)))
        if ln.extra > 0:
            out.append(t("imp_extra", sku=ln.sku, qty=plain(ln.extra), available=plain(ln.available)))
    return out


def _production(t: Translator, lines: list[LineImpact]) -> list[str]:
    out = []
    for ln in lines:
        if ln.done or ln.in_progress or ln.planned:
            out.append(t("imp_made", sku=ln.sku, done=plain(ln.done), in_progress=plain(ln.in_progress),
                         planned=plain(ln.planned)))  # fmt: skip
        if ln.made_beyond > 0:
            out.append(t("imp_made_beyond", sku=ln.sku, qty=plain(ln.made_beyond)))
    return out


def decider(t: Translator, decision: Decision) -> str:
    """Who decided, and in which standing: ``wang``, ``sun (for wang)``, ``root (admin, as finance)``."""
    if decision.on_behalf_of:
        return f"{decision.approver} ({t('lbl_for', who=decision.on_behalf_of)})"
    if decision.by_admin:
        return t("lbl_as_admin", who=decision.approver, role=t.name("role_", decision.role.value))
    return decision.approver


def approvals_table(t: Translator, cr: ChangeRequest) -> Table:
    rows = []
    this_round = [d for d in cr.decisions if d.round == cr.round]
    for role in cr.required_roles:
        why = "; ".join(_reason_text(t, code, params) for code, params in cr.required.get(role.value, []))
        found = next((d for d in this_round if d.role is role), None)
        if found is None:
            state = t("dec_pending")
        else:
            who = decider(t, found)
            key = "dec_approved" if found.outcome == "approved" else "dec_rejected"
            state = t(key, who=who, when=t.when(found.at), reason=found.reason)
        rows.append([t.name("role_", role.value), why, state])
    return Table([t("lbl_roles"), t("lbl_why"), t("lbl_decision")], rows)


def change_view(t: Translator, view: ChangeView) -> Message:
    cr = view.cr
    waiting = roles_text(t, cr.pending_roles())
    params = {"cr": cr.number, "number": cr.order_number, "waiting": waiting, "cr_status": cr.status.value,
              "note": cr.note, **view.params}  # fmt: skip
    if "roles" in params and isinstance(params["roles"], str):
        params["roles"] = roles_text(t, params["roles"].split(", "))
    msg = Message(title=t(view.code, **params), public=view.code in PUBLIC, code=view.code)
    if cr.status is CRStatus.stale and view.code == "cr_went_stale":
        msg.title = t(view.code, **{**params, "note": t(cr.note)})
    msg.fields = [
        (t("lbl_order"), f"{cr.order_number} ({cr.customer})"),
        (t("lbl_status"), t.name("cr_status_", cr.status.value)),
        (t("lbl_requested_by"), f"{cr.requested_by} · {t.when(cr.requested_at)} · {t.front(cr.front)}"),
        (t("lbl_reason"), cr.reason),
        (t("lbl_evidence"), cr.evidence or t("lbl_none")),
        (t("lbl_base"), f"v{cr.base_version}"),
    ]
    msg.lines = ["  • " + change_text(t, ch) for ch in cr.requested]
    impact = Impact.from_dict(cr.impact)
    sections = impact_lines(t, impact)
    width = max(display_width(s) for s, _ in sections)
    msg.lines += [f"  {pad(section, width)}  {text}" for section, text in sections]
    msg.tables = [approvals_table(t, cr)]
    if view.refused:
        refused = ", ".join(f"{e.actor} ({t.action(e.action)})" for e in view.refused)
        msg.lines.append(t("refused_title") + ": " + refused)
    if cr.status is CRStatus.pending:
        msg.buttons = [
            Button(t("btn_approve_cr"), f"approve {cr.number}", "primary", c.ApproveChange(cr.number)),
            Button(t("btn_reject_cr"), f"reject {cr.number} REASON", "danger", c.RejectChange(cr.number, ""),
                   ("reason",)),
        ]
    return msg


def changes_list(t: Translator, view: ChangesView) -> Message:
    if not view.crs:
        empty = "nothing_pending" if view.title_code.startswith("pending") else "no_changes"
        return Message(title=t(empty))
    now = max((cr.requested_at for cr in view.crs), default=None)
    headers = [t(k) for k in ("lbl_cr", "lbl_order", "lbl_customer", "lbl_kinds", "lbl_requested_by",
                              "lbl_risk", "lbl_status", "lbl_waiting")]  # fmt: skip
    pending_view = view.title_code.startswith("pending")
    if pending_view:
        headers.append(t("lbl_age"))
    rows = []
    for cr in view.crs:
        impact = Impact.from_dict(cr.impact)
        row = [
            cr.number, cr.order_number, cr.customer, ", ".join(t(f"kindname_{k}") for k in cr.kinds),
            cr.requested_by, t(f"risk_{impact.risk}"), t.name("cr_status_", cr.status.value),
            roles_text(t, cr.pending_roles()) if cr.status is CRStatus.pending else "",
        ]  # fmt: skip
        if pending_view:
            row.append(age(t, cr.requested_at, view.now or now or cr.requested_at))
        rows.append(row)
    msg = Message(title=t(view.title_code, **view.title_params), tables=[Table(headers, rows)])
    if pending_view:
        msg.buttons = [
            Button(f"{t('btn_approve_cr')} {cr.number}", f"approve {cr.number}", "primary", c.ApproveChange(cr.number))
            for cr in view.crs[:5]
        ]
    return msg


def report(t: Translator, view: ChangeReportView) -> Message:
    if not view.rows:
        return Message(title=t("report_empty", month=view.month))
    headers = [t(k) for k in ("lbl_customer", "lbl_count", "lbl_kinds", "lbl_approved", "lbl_rejected",
                              "lbl_open", "lbl_delta", "lbl_cost")]  # fmt: skip
    rows = [
        [
            f"{r.customer} {r.name}",
            str(r.count),
            ", ".join(f"{t('kindname_' + k)} {n}" for k, n in sorted(r.kinds.items(), key=lambda kv: -kv[1])),
            str(r.approved),
            str(r.rejected),
            str(r.open),
            t.money(r.amount_delta),
            t.money(r.sunk_cost + r.penalty),
        ]
        for r in view.rows
    ]
    return Message(title=t("report_title", month=view.month), tables=[Table(headers, rows)])


def delegations(t: Translator, view: DelegationsView) -> Message:
    if not view.delegations:
        return Message(title=t("no_delegations"))
    rows = [[d.delegator, d.backup, t.name("role_", d.role.value), d.starts.isoformat(), d.ends.isoformat()]
            for d in view.delegations]  # fmt: skip
    headers = [t("lbl_user"), t("lbl_backup"), t("lbl_roles"), t("lbl_from"), t("lbl_until")]
    return Message(title=t("delegations_title"), tables=[Table(headers, rows)])
