"""English: the Telegram bot's own words."""

MESSAGES: dict[str, str] = {
    "invite_link": "Link for the customer: {link}",
    "tg_slow_down": "That is a lot of messages — please wait a minute and try again.",
}
