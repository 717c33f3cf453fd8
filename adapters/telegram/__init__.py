"""The Telegram front end (python-telegram-bot) and its transport."""
