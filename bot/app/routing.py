"""Who hears about an event: audiences from the [routes] of orderbot.toml."""

from __future__ import annotations

from collections.abc import Mapping

from domain.events import Event


class Router:
    """event kind -> audiences ("channel:orders", "user:lily", "customer:{customer}", ...); "*" is the fallback."""

    def __init__(self, routes: Mapping[str, tuple[str, ...]]) -> None:
        self._routes = dict(routes)

    def __call__(self, event: Event) -> tuple[str, ...]:
        audiences = self._routes.get(event.kind, self._routes.get("*", ()))
        if not any("{" in a for a in audiences):
            return audiences
        payload = event.payload()
        out = []
        for audience in audiences:
            try:
                out.append(audience.format(**payload))
            except (KeyError, IndexError, ValueError):
                continue  # the event does not carry what the audience names: nobody to tell there
        return tuple(out)
