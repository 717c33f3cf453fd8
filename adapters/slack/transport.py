"""Delivering outbox rows to Slack: a line (or a digest of several) in a channel, a user's DM or the DMs of
everyone holding a role; for change requests, the approval message — posted to the approvals channel and to
every approver's DM, then updated in place (every copy) after each decision.

Who an audience means, who may decide a request and what the request looks like are read through queries on the
bus, as the bot itself (``Recipients``, ``ChangeDeciders``, ``ShowChange``); the transport opens no unit of work.
The Slack store and the fan-out bookkeeping are given by the composition root.

A rate limit (HTTP 429) surfaces as ``RetryLater`` so the dispatcher waits what Slack asked; an error that
no retry can fix (the channel is gone, the bot is not in it) as ``Undeliverable``. A copy of an approval
message already posted is never posted twice when the row is tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.delivery.policy import Pace
from adapters.slack import blocks
from adapters.sql.fanout import FanOut
from adapters.sql.slack_store import SlackStore
from bot.conversation.delivery import Limit, Notification, RetryLater, Undeliverable
from bot.conversation.i18n import Translator
from bot.conversation.ports import DeskPort
from domain import commands as c
from domain.errors import OrderbotError
from domain.ports import Clock
from domain.results import ChangeView, UsersView
from domain.users import Front, User

log = logging.getLogger(__name__)

APPROVALS = "approvals"
CR_KINDS = {"cr_approval", "cr_approved", "cr_rejected", "cr_reassessed", "cr_withdrawn"}
# Slack's answers that no retry will change: dead-letter the row at once (`admin outbox` shows why).
PERMANENT = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "msg_too_long", "no_text", "invalid_blocks",
     "user_not_found", "user_disabled", "cannot_dm_bot", "restricted_action"}
)  # fmt: skip
Render = Callable[[Sequence[Notification], Translator], str]


class SlackTransport:
    prefixes = ("channel:", "user:", "role:")

    def __init__(self, client: WebClient, desk: DeskPort, store: SlackStore, fanout: FanOut, clock: Clock,
                 channels: Mapping[str, str], translator: Callable[[str | None], Translator],
                 render: Render, pace: Pace | None = None) -> None:  # fmt: skip
        self.client, self.desk, self.store, self.fanout, self.clock = client, desk, store, fanout, clock
        self.channels = dict(channels)
        self.translator, self.render, self.pace = translator, render, pace or Pace(1.0, 3)

    # -- which rows are ours, and where they go ----------------------------------------------------
    def accepts(self, audience: str) -> bool:
        """Every channel, user and role row is Slack's in a Slack process: one for a channel not mapped in
        [slack] channels, or a user without a Slack id, is delivered nowhere rather than left to pile up."""
        return audience.partition(":")[0] in ("channel", "user", "role")

    def _targets(self, audience: str) -> list[tuple[str, str | None]]:
        """(Slack channel or user id, language) for each place the audience means."""
        kind, _, name = audience.partition(":")
        if kind == "channel":
            return [(self.channels[name], None)] if name in self.channels else []
        return [(u.slack_id, u.language) for u in self._people(c.Recipients(audience)) if u.slack_id]

    def _people(self, query: c.Recipients | c.ChangeDeciders) -> list[User]:
        found = self.desk.handle(query, self.desk.system_context(Front.slack))
        return found.users if isinstance(found, UsersView) else []

    def limits(self, message: Notification) -> Sequence[Limit]:
        kind, _, name = message.audience.partition(":")
        if kind == "channel" and name == APPROVALS and message.kind in CR_KINDS:
            return ()  # updates in place (chat.update) are not paced per channel
        if kind == "channel" and name == APPROVALS and message.kind == "cr_created":
            view = self._view(str(message.payload.get("cr", "")))
            targets = [t for t, _ in self._approval_targets(view)] if view is not None else []
        else:
            targets = [t for t, _ in self._targets(message.audience)]
        return [Limit(f"slack:{t}", self.pace.per_second, self.pace.burst) for t in targets]

    # -- sending -----------------------------------------------------------------------------------
    def send(self, batch: Sequence[Notification]) -> None:
        message = batch[0]
        kind, _, name = message.audience.partition(":")
        try:
            if kind == "channel" and name == APPROVALS and message.kind == "cr_created":
                self._post_approval(message)
            elif kind == "channel" and name == APPROVALS and message.kind in CR_KINDS:
                self._update_approval(message)
            else:

                def post(to: tuple[str, str | None]) -> None:
                    try:
                        self.client.chat_postMessage(channel=to[0], text=self.render(batch, self.translator(to[1])))
                    except SlackApiError as err:
                        if _code(err) in PERMANENT:  # this one person cannot be reached; the others still can
                            raise Undeliverable(_code(err)) from err
                        raise

                # a role's members: one who got it before a failure is not sent it again on the retry
                self.fanout.each(message.id, self._targets(message.audience), lambda to: to[0], post)
        except SlackApiError as err:
            status = err.response.status_code
            if status == 429:
                raise RetryLater(float(err.response.headers.get("Retry-After", 1) or 1), "rate limited") from err
            if _code(err) in PERMANENT:
                raise Undeliverable(_code(err)) from err
            raise

    # -- approval messages ------------------------------------------------------------------------------
    def _view(self, number: str) -> ChangeView | None:
        """The request as it is now, read by the bot itself (reading needs no role)."""
        try:
            result = self.desk.handle(c.ShowChange(number), self.desk.system_context(Front.slack))
        except OrderbotError:
            return None
        return result if isinstance(result, ChangeView) else None

    def approvers(self, number: str) -> list[User]:
        """Everyone in Slack the request waits for: holders of a pending role and their active backups (the
        rule is the request's own, ``ChangeRequest.asks``)."""
        return [u for u in self._people(c.ChangeDeciders(number)) if u.slack_id]

    def _post_approval(self, message: Notification) -> None:
        number = str(message.payload.get("cr", ""))
        view = self._view(number)
        if view is None:
            log.warning("approval message for %s: the request cannot be read", number)
            return
        self._post_missing(view)

    def _approval_targets(self, view: ChangeView) -> list[tuple[str, str | None]]:
        targets: list[tuple[str, str | None]] = []
        if APPROVALS in self.channels:
            targets.append((self.channels[APPROVALS], None))
        return targets + [(u.slack_id, u.language) for u in self.approvers(view.cr.number) if u.slack_id]

    def _post_missing(self, view: ChangeView) -> None:
        """The channel copy and a DM to each approver who has none yet (new approvers join when a role is
        added or a request is re-assessed)."""
        number = view.cr.number
        done = {p.target for p in self.store.posted(number)}
        for target, language in self._approval_targets(view):
            if target in done:
                continue  # posted on an earlier try of this row
            t = self.translator(language)
            text, body = blocks.approval(t, view)
            answer = self.client.chat_postMessage(channel=target, text=text, blocks=body)
            self.store.remember(number, target, str(answer["channel"]), str(answer["ts"]), t.lang, self.clock.now())

    def _update_approval(self, message: Notification) -> None:
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


def _code(err: SlackApiError) -> str:
    return str(err.response.get("error", "")) if isinstance(err.response.data, dict) else ""
