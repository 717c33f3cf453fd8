"""Usage, one-line description and an example per verb, in both languages."""

from __future__ import annotations

# verb -> (usage, example, English description, Chinese description)
HELP: dict[str, tuple[str, str, str, str]] = {
    "help": ("help [VERB]", "help new", "this list, or one command in detail", "命令列表，或某个命令的详细用法"),
    "new": (
        "new CUSTOMER [SKU QTY [@PRICE] [by DATE]]… [due DATE] [po REF] [rush] [note TEXT]",
        "new CUST-001 BOLT-M8X30 1000 @0.12 NUT-M8 1000 due 下周五 po PO-7781 rush",
        "enter a new order (a draft)", "新建订单（草稿）",
    ),
    "add": ("add SO-… SKU QTY [@PRICE] [by DATE]…", "add SO-2026-000123 WASHER-M8 2000", "add lines to a draft", "给草稿订单加行"),
    "remove": ("remove SO-… LINE", "remove SO-2026-000123 2", "remove a line from a draft", "删除草稿订单的一行"),
    "set": (
        "set SO-… [due DATE] [po REF] [rush|normal] [note TEXT] | set SO-… line N [qty Q] [price P]",
        "set SO-2026-000123 due 推迟3天", "change a draft's terms", "修改草稿订单条款",
    ),
    "submit": ("submit SO-…", "submit SO-2026-000123", "send a draft for confirmation", "提交草稿待确认"),
    "show": ("show SO-…", "查看 SO-2026-000123", "show an order with its lines", "查看订单及订单行"),
    "list": (
        "list [customer C] [status S] [owner U|mine] [overdue] [page N]",
        "list status confirmed overdue", "list orders", "订单列表",
    ),
    "find": ("find TEXT", "find PO-7781", "search orders by number, customer, PO, notes, tracking", "按单号、客户、客户单号、备注、物流单号搜索"),
    "confirm": ("confirm SO-…", "确认 SO-2026-000123", "run the confirmation checks and confirm", "检查并确认订单"),
    "hold": ("hold SO-… [reason]", "hold SO-2026-000123 waiting for drawing", "put an order on hold", "暂停订单"),
    "resume": ("resume SO-…", "resume SO-2026-000123", "resume a held order where it was", "恢复暂停的订单"),
    "advance": ("advance SO-…", "advance SO-2026-000123", "move to the next stage", "推进到下一阶段"),
    "ship": ("ship SO-… CARRIER TRACKING", "发货 SO-2026-000123 顺丰 SF1234567890", "record the shipment", "登记发货"),
    "deliver": ("deliver SO-…", "deliver SO-2026-000123", "the customer signed for it", "客户已签收"),
    "close": ("close SO-…", "close SO-2026-000123", "close a delivered order", "关闭已签收订单"),
    "cancel": ("cancel SO-… REASON", "取消 SO-2026-000123 客户取消", "cancel an order", "取消订单"),
    "history": ("history SO-…", "history SO-2026-000123", "every version: who, when, what, why", "所有版本：谁、何时、做了什么、为什么"),
    "diff": ("diff SO-… [vA] [vB]", "diff SO-2026-000123 v1 v3", "what changed between versions", "版本差异"),
    "whoami": ("whoami", "whoami", "who I think you are", "查看我的身份和角色"),
    "lang": ("lang zh|en", "lang en", "the language I answer you in", "设置回复语言"),
    "stock": ("stock SKU | stock low", "库存 BOLT-M8X30", "on hand, reserved, on order, available, projected, who holds it", "在库、预占、在途、可用、预计，以及占用的订单"),
    "atp": ("atp SKU QTY", "atp BOLT-M8X30 5000", "the earliest date QTY can be promised", "最早可承诺交期"),
    "ledger": ("ledger SKU [order SO-…]", "ledger BOLT-M8X30", "every stock movement: who, when, why, which order", "库存流水：谁、何时、为什么、哪个订单"),
    "adjust": ("adjust SKU ±QTY REASON [override]", "adjust NUT-M8 -50 damaged in transit", "correct stock (warehouse)", "库存调整（仓库）"),
    "count": ("count SKU QTY REASON [override]", "盘点 NUT-M8 1200 月度盘点", "record a stock count (warehouse)", "登记盘点结果（仓库）"),
    "po": (
        "po new SKU QTY… [supplier S] [eta DATE] | po suggest | po from-suggestions [SKU…] | po approve|cancel|show PO-… | po receive PO-… [SKU QTY]… | po list [all]",
        "po new WASHER-M8 20000 supplier 宁波五金 eta 下周五", "purchase orders", "采购单",
    ),
    "receive": ("receive PO-… [SKU QTY]…", "收货 PO-2026-000001", "receive a purchase order, in part or in full (warehouse)", "采购收货，可部分收货（仓库）"),
    "wo": (
        "wo list [SO-…] [all] | wo show WO-… | wo release|start|done|cancel WO-… | wo report WO-… QTY [scrap N]",
        "wo report WO-2026-000001 800 scrap 12", "work orders (production)", "工单（生产）",
    ),
    "admin": (
        "admin grant USER ROLE | admin revoke USER ROLE | admin users [ROLE]",
        "admin grant lily sales", "manage users and roles (admin)", "管理用户和角色（管理员）",
    ),
}  # fmt: skip
