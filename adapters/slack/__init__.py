"""Slack front end: Block Kit rendering of neutral replies, modals, and reading modal submissions back into commands."""
