"""One handler per command or query; ``HANDLERS`` is how the bus finds them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain import commands as c
from domain.handlers import admin, orders, queries

Handler = Callable[[Any, Any, Any], Any]

HANDLERS: dict[type, Handler] = {
    c.CreateOrder: orders.create_order,
    c.AddLines: orders.add_lines,
    c.RemoveLine: orders.remove_line,
    c.SetLine: orders.set_line,
    c.SetTerms: orders.set_terms,
    c.SubmitOrder: orders.submit_order,
    c.ConfirmOrder: orders.confirm_order,
    c.HoldOrder: orders.hold_order,
    c.ResumeOrder: orders.resume_order,
    c.AdvanceOrder: orders.advance_order,
    c.ShipOrder: orders.ship_order,
    c.DeliverOrder: orders.deliver_order,
    c.CloseOrder: orders.close_order,
    c.CancelOrder: orders.cancel_order,
    c.GrantRole: admin.grant_role,
    c.RevokeRole: admin.revoke_role,
    c.ListUsers: admin.list_users,
    c.SetLanguage: admin.set_language,
    c.ShowOrder: queries.show_order,
    c.ListOrders: queries.list_orders,
    c.FindOrders: queries.find_orders,
    c.OrderHistory: queries.order_history,
    c.DiffOrder: queries.diff_order,
    c.WhoAmI: queries.whoami,
}
