"""English: customers' contacts — invitations, bindings, and what a customer's chat is told."""

MESSAGES: dict[str, str] = {
    # errors
    "invite_invalid": "That invitation code is not valid: it may have expired or been used already. Please ask your contact at our company for a new one.",
    "not_bound": "This chat is not connected to a customer yet. Open the invitation link your contact at our company sent you.",
    "customer_change_not_confirmed": "{number} is not confirmed yet: please tell your contact at our company what you need changed.",
    "kind_contact": "contact",
    # staff results
    "invite_created": "Invitation for {customer} {name} — valid once, until {expires}.",
    "invite_code": "Code: {code}",
    "invite_how": "Send it to the customer's contact: they open the bot's link with this code, or send the bot `/start {code}`. It is shown only this once.",
    "contacts_title": "Contacts of {customer} {name} ({count})",
    "no_contacts": "{customer} {name} has no contacts yet: `invite {customer}`.",
    "contact_revoked": "Contact #{id} ({name}) no longer follows {customer}.",
    "contact_already_revoked": "Contact #{id} ({name}) was already revoked; nothing changed.",
    "contact_state_active": "active", "contact_state_revoked": "revoked",
    "lbl_contact": "Contact", "lbl_chat": "Chat", "lbl_telegram_user": "Telegram user", "lbl_language": "Language",
    "lbl_bound_at": "Bound", "lbl_invited_by": "Invited by", "lbl_state": "State",
    "btn_revoke_contact": "Revoke #{id}",
    # customer results
    "contact_bound": "Welcome! This chat now follows the orders of {customer} {name}. Type /orders to see them, /help for more.",
    "contact_moved": "(It no longer follows {moved_from}.)",
    "contact_unlinked": "This chat no longer follows the orders of {customer} {name}.",
    "customer_change_filed": "Your change request {cr} for {number} was received; our team will review it and I will tell you the decision.",
    "my_orders_title": "Orders of {customer} {name} ({shown} of {total})",
    "my_no_orders": "{customer} {name} has no open orders.",
    "my_more_pages": "More: /orders {page}",
    "my_order_title": "{number} · {stage}",
    "lbl_stage": "Stage", "lbl_ordered": "Ordered", "lbl_last_change": "Last change", "lbl_tracking": "Tracking",
    "customer_help_title": "What I can do for you",
    "customer_help": "/orders [page] — your open orders\n/status SO-… — where an order is: stage, dates, tracking\n/change SO-… date 2026-12-30 reason … — ask for a change (qty, date, add, remove, cancel …); our team decides and I tell you\n/lang zh|en — my language\n/unlink — stop following these orders",
    # events: the team's channel
    "ev_customer_change_decided_approved": "📨 {customer} told: their {cr} ({number}) was approved, now v{version}",
    "ev_customer_change_decided_rejected": "📨 {customer} told: their {cr} ({number}) was not approved — {reason}",
    # events: what a customer's chat is told
    "cev_order_status_changed": "🔄 Your order {number} is now {new}.",
    "cev_order_confirmed": "✅ Your order {number} is confirmed; due {due_date}.",
    "cev_confirmed_dates": "Confirmed dates: {dates}",
    "cev_order_shipped": "🚚 Your order {number} has shipped: {carrier}, tracking number {tracking}.",
    "cev_order_changed": "✏️ Your order {number} was updated: {changes}",
    "cev_customer_change_decided_approved": "✅ Your change request {cr} for {number} was approved.",
    "cev_customer_change_decided_rejected": "Your change request {cr} for {number} was not approved: {reason}",
    "cev_order_updated": "✏️ Your order {number} was updated.",
}  # fmt: skip
