"""Delivering outbox rows to Slack: a line in a channel or a DM for most events; for change requests,
the approval message — posted to the approvals channel and to every approver's DM, then updated in place
(every copy) after each decision.

A rate limit (HTTP 429) surfaces as ``RetryLater`` so the dispatcher waits what Slack asked; a copy already
posted is never posted twice when the row is tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack import blocks
from adapters.sql.outbox import OutboxMessage
from adapters.sql.slack_store import SlackStore
from bot.i18n import Translator
from domain import commands as c
from domain.changes import ChangeRequest
from domain.errors import OrderbotError
from domain.ports import Clock, Context
from domain.results import ChangeView
from domain.users import Front, User

log = logging.getLogger(__name__)

APPROVALS = "approvals"
CR_KINDS = {"cr_approval", "cr_approved", "cr_rejected", "cr_reassessed", "cr_withdrawn"}


class RetryLater(Exception):
    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(f"retry in {seconds}s {detail}".strip())
        self.retry_after = seconds


class SlackTransport:
    prefixes = ("channel:", "user:")

    def __init__(self, client: WebClient, desk: Any, store: SlackStore, clock: Clock,
                 channels: Mapping[str, str], translator: Callable[[str | None], Translator],
                 render_event: Callable[[OutboxMessage, Translator], str]) -> None:  # fmt: skip
        self.client, self.desk, self.store, self.clock = client, desk, store, clock
        self.channels = dict(channels)
        self.translator, self.render_event = translator, render_event

    # -- which rows are ours ---------------------------------------------------------------------
    def accepts(self, audience: str) -> bool:
        """Every channel and user row is Slack's in a Slack process: one for a channel not mapped in
        [slack] channels, or a user without a Slack id, is delivered nowhere rather than left to pile up."""
        return audience.partition(":")[0] in ("channel", "user")

    def _user(self, name: str) -> User | None:
        with self.desk.uow(readonly=True) as uow:
            user = uow.users.get(name)
            return user if user is not None and user.slack_id else None

    # -- sending -----------------------------------------------------------------------------------
    def send(self, message: OutboxMessage) -> None:
        kind, _, name = message.audience.partition(":")
        try:
            if kind == "channel" and name == APPROVALS and message.kind == "cr_created":
                self._post_approval(message)
            elif kind == "channel" and name == APPROVALS and message.kind in CR_KINDS:
                self._update_approval(message)
            elif kind == "channel":
                if name in self.channels:
                    self._post_line(self.channels[name], message, self.translator(None))
            else:
                user = self._user(name)
                if user is not None and user.slack_id:
                    self._post_line(user.slack_id, message, self.translator(user.language))
        except SlackApiError as err:
            status = err.response.status_code
            if status == 429:
                raise RetryLater(float(err.response.headers.get("Retry-After", 1) or 1), "rate limited") from err
            raise

    def _post_line(self, channel: str, message: OutboxMessage, t: Translator) -> None:
        self.client.chat_postMessage(channel=channel, text=self.render_event(message, t))

    # -- approval messages ------------------------------------------------------------------------------
    def _view(self, number: str) -> ChangeView | None:
        """The request as it is now, read by the bot itself (reading needs no role)."""
        now = self.clock.now()
        ctx = Context(User("orderbot"), Front.slack, now, self.desk.dates.today(now))
        try:
            result = self.desk.bus.handle(c.ShowChange(number), ctx)
        except OrderbotError:
            return None
        return result if isinstance(result, ChangeView) else None

    def approvers(self, cr: ChangeRequest) -> list[User]:
        """Everyone who may decide a pending role, in Slack: holders of the role and their active backups."""
        pending = set(cr.pending_roles())
        today = self.desk.dates.today(self.clock.now())
        with self.desk.uow(readonly=True) as uow:
            users = [u for u in uow.users.all() if u.slack_id and u.name != cr.requested_by]
            backups = {d.backup for d in uow.changes.delegations(today) if d.role in pending}
        return [u for u in users if (u.roles & pending) or u.name in backups]

    def _post_approval(self, message: OutboxMessage) -> None:
        number = str(message.payload.get("cr", ""))
        view = self._view(number)
        if view is None:
            log.warning("approval message for %s: the request cannot be read", number)
            return
        self._post_missing(view)

    def _post_missing(self, view: ChangeView) -> None:
        """The channel copy and a DM to each approver who has none yet (new approvers join when a role is
        added or a request is re-assessed)."""
        number = view.cr.number
        done = {p.target for p in self.store.posted(number)}
        targets: list[tuple[str, str | None]] = []
        if APPROVALS in self.channels:
            targets.append((self.channels[APPROVALS], None))
        targets += [(u.slack_id, u.language) for u in self.approvers(view.cr) if u.slack_id]
        for target, language in targets:
            if target in done:
                continue  # posted on an earlier try of this row
            t = self.translator(language)
            text, body = blocks.approval(t, view)
            answer = self.client.chat_postMessage(channel=target, text=text, blocks=body)
            self.store.remember(number, target, str(answer["channel"]), str(answer["ts"]), t.lang, self.clock.now())

    def _update_approval(self, message: OutboxMessage) -> None:
        number = str(message.payload.get("cr", ""))
        view = self._view(number)
        if view is None:
            return
        for posted in self.store.posted(number):
            t = self.translator(posted.language)
            text, body = blocks.approval(t, view)
            self.client.chat_update(channel=posted.channel, ts=posted.ts, text=text, blocks=body)
        if not view.cr.is_decided:
            self._post_missing(view)
