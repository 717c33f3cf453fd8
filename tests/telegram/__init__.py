"""A local fake of the Telegram Bot API, update builders and fixtures for end-to-end tests."""
