"""The bot: composition root, command language, replies, scheduler jobs and CLI."""
