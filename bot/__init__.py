"""The bot: ``conversation`` (the command language, dates, catalogs, neutral replies, the ports front ends
use) and, kept apart from it, ``app`` (the composition root, CLI, runtimes, config and scheduler wiring)."""
