"""The demo company's vocabulary: names, places, fasteners, carriers — data, not logic."""

from __future__ import annotations

from domain.lifecycle import Status
from domain.users import Role

S = Status


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split("|" if "|" in text else None))


# The demo's people: (name, display name, role), let in by a SeedUsers through the bus (bot.app.demo).
USERS = (
    ("admin", "Admin 管理员", Role.admin),
    ("lily", "Lily 张丽", Role.sales),
    ("mike", "Mike Li 李明", Role.sales),
    ("wang", "王经理 Wang", Role.sales_manager),
    ("chen", "陈会计 Chen", Role.finance),
    ("zhao", "赵师傅 Zhao", Role.production),
    ("liu", "刘仓管 Liu", Role.warehouse),
    ("sun", "孙工 Sun", Role.tech),
)
CITIES = _words("宁波 温州 苏州 无锡 常州 佛山 东莞 嘉兴 台州 青岛 天津 重庆 成都 武汉 沈阳 永年 海盐 上海")
BRANDS = _words("恒丰 宏达 鑫源 华通 金泰 永信 瑞峰 东升 博远 精工 中驰 天成 兴业 盛邦 凯达 新力 德胜 海泰")
TRADES = _words("机械 汽车零部件 电气 建筑工程 五金 重工 精密制造 设备 钢结构 风电设备 轨道交通装备 家具")
EN_FIRST = _words("Apex Northwind Harbor Summit Atlas Keystone Pioneer Redwood Bluewater Ironbridge Granite Meridian")
EN_TRADE = _words(
    "Industrial Supply|Machinery|Fastening Systems|Steel Structures|Auto Parts|Engineering|Construction|Equipment"
)
EN_FORM = _words("Ltd.|Inc.|GmbH|Pty Ltd|LLC|B.V.|Co., Ltd.")
PEOPLE = _words("John Smith|Anna Müller|David Brown|Sarah Wilson|Tom Baker|Emma Jansen|Raj Patel|Laura Rossi")
CARRIERS = (("顺丰速运", "SF"), ("SF Express", "SF"), ("德邦物流", "DPK"), ("中通快运", "ZT"), ("DHL", "JD"))
HOLD_REASONS = _words("客户要求暂停 customer asked to pause|awaiting payment 等待付款|图纸待确认 drawing revision")
CANCEL_REASONS = _words("客户取消项目|customer found another supplier|duplicate order 重复下单")
TERMS = ("NET30",) * 7 + ("prepaid", "prepaid", "NET60")
NOTES = ("",) * 5 + _words("需提供材质证明 material certificate|分批发货 partial deliveries OK|包装: 纸箱+托盘")
# Status: (weight in the order book, due-date window in days from today). Most history is closed;
# delivered/closed orders were due in the past, drafts ahead, and some confirmed / in-production
# orders are already late on purpose so "overdue" has something to show.
PROFILE = {
    S.draft: (5, 5, 60),
    S.pending_confirmation: (6, -3, 60),
    S.confirmed: (10, -7, 60),
    S.in_production: (12, -10, 45),
    S.ready: (5, -5, 20),
    S.shipped: (6, -10, 10),
    S.delivered: (10, -30, 5),
    S.closed: (33, -30, -5),
    S.on_hold: (4, -15, 45),
    S.cancelled: (5, -30, 60),
}


FINISHES = {"": ("", "", 1.0), "ZN": ("镀锌", "zinc", 1.15), "SS304": ("不锈钢304", "SS304", 3.0)}
# SKU prefix: (中文, English, made in house). Cold-headed and machined parts are made; washers,
# anchors, tapping screws and rivets are bought in.
KINDS = {
    "BOLT": ("六角螺栓", "Hex bolt", True),
    "NUT": ("六角螺母", "Hex nut", True),
    "WASHER": ("平垫圈", "Flat washer", False),
    "SCREW": ("机螺钉", "Machine screw", True),
    "SOCKET": ("内六角螺钉", "Socket cap screw", True),
    "ROD": ("牙条", "Threaded rod", True),
    "ANCHOR": ("膨胀螺栓", "Wedge anchor", False),
    "TAPPING": ("自攻螺钉", "Tapping screw", False),
    "WASHER-SPRING": ("弹簧垫圈", "Spring washer", False),
    "RIVET": ("抽芯铆钉", "Blind rivet", False),
}
# diameter, then the lengths made in it
BOLTS: tuple[tuple[int, ...], ...] = ((6, 20, 30, 40), (8, 20, 25, 30, 40, 50), (10, 30, 40, 50, 60, 80))
BOLTS += ((12, 40, 50, 60, 80, 100), (16, 50, 60, 80, 100), (20, 60, 80, 100))
SIZES = (4, 5, 6, 8, 10, 12, 16, 20)
SAFETY = {"pcs": (1000, 2000, 5000, 10000, 20000), "kg": (50, 100, 200, 500), "box": (10, 20, 50)}
