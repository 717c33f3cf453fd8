from tests.unit.slack_listeners.support import slack as slack

__all__ = ["slack"]
