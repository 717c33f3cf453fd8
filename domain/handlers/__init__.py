"""One handler per command or query; ``HANDLERS`` is how the bus finds them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain import commands as c
from domain.handlers import admin, change_views, changes, orders, queries, stock, supply

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
    c.FindCustomers: queries.find_customers,
    c.FindProducts: queries.find_products,
    c.StockView: stock.stock_view,
    c.StockLowList: stock.low_stock,
    c.AvailableToPromise: stock.available_to_promise_query,
    c.StockLedger: stock.ledger,
    c.AdjustStock: stock.adjust_stock,
    c.PurchaseSuggestions: stock.purchase_suggestions,
    c.CreatePurchaseOrder: supply.create_purchase_order,
    c.PurchaseFromSuggestions: supply.purchase_from_suggestions,
    c.ApprovePurchaseOrder: supply.approve_purchase_order,
    c.ReceivePurchaseOrder: supply.receive_purchase_order,
    c.CancelPurchaseOrder: supply.cancel_purchase_order,
    c.ShowPurchaseOrder: supply.show_purchase_order,
    c.ListPurchaseOrders: supply.list_purchase_orders,
    c.ShowWorkOrder: supply.show_work_order,
    c.ListWorkOrders: supply.list_work_orders,
    c.MoveWorkOrder: supply.move_work_order,
    c.ReportWorkOrder: supply.report_work_order,
    c.RequestChange: changes.request_change,
    c.ApproveChange: changes.approve_change,
    c.RejectChange: changes.reject_change,
    c.WithdrawChange: changes.withdraw_change,
    c.Delegate: change_views.delegate,
    c.EndDelegation: change_views.end_delegation,
    c.ListDelegations: change_views.list_delegations,
    c.PendingApprovals: change_views.pending_approvals,
    c.OrderChanges: change_views.order_changes,
    c.ShowChange: change_views.show_change,
    c.ChangeReport: change_views.change_report,
}
