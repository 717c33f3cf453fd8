"""The composition root and entry points: config, bootstrap, CLI, runtimes (shell, Slack, Telegram),
scheduler wiring, demo data and imports. The only layer that imports adapters."""
