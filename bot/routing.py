"""Who hears about an event: audiences from the [routes] of orderbot.toml."""

from __future__ import annotations

from collections.abc import Mapping

from domain.events import Event


class Router:
    """event kind -> audiences ("channel:orders", "user:lily", ...); "*" is the fallback."""

    def __init__(self, routes: Mapping[str, tuple[str, ...]]) -> None:
        self._routes = dict(routes)

    def __call__(self, event: Event) -> tuple[str, ...]:
        return self._routes.get(event.kind, self._routes.get("*", ()))
