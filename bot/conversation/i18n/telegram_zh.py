"""中文：Telegram 机器人自己的话。"""

MESSAGES: dict[str, str] = {
    "invite_link": "发给客户的链接：{link}",
    "tg_slow_down": "消息太多了，请稍等一分钟再试。",
}
