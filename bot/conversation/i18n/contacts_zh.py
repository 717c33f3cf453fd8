"""中文：客户联系人——邀请、绑定，以及发给客户的通知。"""

MESSAGES: dict[str, str] = {
    # errors
    "invite_invalid": "邀请码无效：可能已过期或已被使用。请联系我们的业务人员重新获取。",
    "not_bound": "此对话尚未绑定客户。请打开我们业务人员发给您的邀请链接。",
    "customer_change_not_confirmed": "{number} 尚未确认：需要修改请直接联系我们的业务人员。",
    "kind_contact": "联系人",
    # staff results
    "invite_created": "已为 {customer} {name} 生成邀请：仅可使用一次，{expires} 前有效。",
    "invite_code": "邀请码：{code}",
    "invite_how": "请发给客户联系人：用此码打开机器人链接，或向机器人发送 `/start {code}`。邀请码只显示这一次。",
    "contacts_title": "{customer} {name} 的联系人（{count}）",
    "no_contacts": "{customer} {name} 还没有联系人：`邀请 {customer}`。",
    "contact_revoked": "联系人 #{id}（{name}）已不再关注 {customer}。",
    "contact_already_revoked": "联系人 #{id}（{name}）此前已解除绑定，未做更改。",
    "contact_state_active": "有效", "contact_state_revoked": "已解除",
    "lbl_contact": "联系人", "lbl_chat": "对话", "lbl_telegram_user": "Telegram 用户", "lbl_language": "语言",
    "lbl_bound_at": "绑定时间", "lbl_invited_by": "邀请人", "lbl_state": "状态",
    "btn_revoke_contact": "解除 #{id}",
    # customer results
    "contact_bound": "欢迎！此对话已绑定 {customer} {name} 的订单。发送 /orders 查看订单，/help 查看更多。",
    "contact_moved": "（已不再关注 {moved_from}。）",
    "contact_unlinked": "此对话已不再关注 {customer} {name} 的订单。",
    "customer_change_filed": "已收到您对 {number} 的变更申请 {cr}，我们会尽快审核，并把结果通知您。",
    "my_orders_title": "{customer} {name} 的订单（{shown}/{total}）",
    "my_no_orders": "{customer} {name} 目前没有进行中的订单。",
    "my_more_pages": "更多：/orders {page}",
    "my_order_title": "{number} · {stage}",
    "lbl_stage": "进度", "lbl_ordered": "下单日期", "lbl_last_change": "最近更新", "lbl_tracking": "物流单号",
    "customer_help_title": "我可以为您做什么",
    "customer_help": "/orders [页码] — 进行中的订单\n/status SO-… — 订单进度、日期、物流单号\n/change SO-… date 2026-12-30 reason … — 申请变更（数量、交期、加行、删行、取消…），由我们审核后通知您\n/lang zh|en — 语言\n/unlink — 解除绑定，不再接收这些订单的消息",
    # events: the team's channel
    "ev_customer_change_decided_approved": "📨 已通知 {customer}：其变更申请 {cr}（{number}）已批准，现为 v{version}",
    "ev_customer_change_decided_rejected": "📨 已通知 {customer}：其变更申请 {cr}（{number}）未获批准——{reason}",
    # events: what a customer's chat is told
    "cev_order_status_changed": "🔄 您的订单 {number} 当前状态：{new}。",
    "cev_order_confirmed": "✅ 您的订单 {number} 已确认，交期 {due_date}。",
    "cev_confirmed_dates": "确认交期：{dates}",
    "cev_order_shipped": "🚚 您的订单 {number} 已发货：{carrier}，物流单号 {tracking}。",
    "cev_order_changed": "✏️ 您的订单 {number} 已更新：{changes}",
    "cev_customer_change_decided_approved": "✅ 您对 {number} 的变更申请 {cr} 已批准。",
    "cev_customer_change_decided_rejected": "您对 {number} 的变更申请 {cr} 未获批准：{reason}",
    "cev_order_updated": "✏️ 您的订单 {number} 有更新。",
}  # fmt: skip
