"""English: the Telegram bot's own words."""

MESSAGES: dict[str, str] = {
    "tg_slow_down": "That is a lot of messages — please wait a minute and try again.",
}
