"""中文：Telegram 机器人自己的话。"""

MESSAGES: dict[str, str] = {
    "tg_slow_down": "消息太多了，请稍等一分钟再试。",
}
