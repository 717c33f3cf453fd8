"""What the Slack front end keeps: where it posted messages it updates later, and the signatures of the
requests it has served (to refuse replays). Plain SQL on the bot's own database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from adapters.sql.tables import slack_messages, slack_seen


@dataclass(frozen=True)
class PostedMessage:
    subject: str
    target: str
    channel: str
    ts: str
    language: str


class SlackStore:
    PRUNE_EVERY = 500  # inbound requests between two clean-ups of old signatures

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._since_prune = 0

    def remember(self, subject: str, target: str, channel: str, ts: str, language: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            row = {"subject": subject, "target": target, "channel": channel, "ts": ts, "language": language,
                   "created_at": now}  # fmt: skip
            conn.execute(insert(slack_messages).values(**row))

    def posted(self, subject: str) -> list[PostedMessage]:
        c = slack_messages.c
        stmt = select(c.subject, c.target, c.channel, c.ts, c.language).where(c.subject == subject).order_by(c.id)
        with self.engine.connect() as conn:
            return [PostedMessage(*row) for row in conn.execute(stmt)]

    def first_time(self, signature: str, now: datetime) -> bool:
        """Record an inbound request's signature; False when it was served before (a replay)."""
        self._since_prune += 1
        if self._since_prune >= self.PRUNE_EVERY:
            self._since_prune = 0
            self.forget_seen(now)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(slack_seen).values(signature=signature[:80], seen_at=now))
        except IntegrityError:
            return False
        return True

    def forget_seen(self, now: datetime, keep: timedelta = timedelta(minutes=10)) -> int:
        """Signatures older than Slack's 5-minute window can never validate again: drop them."""
        with self.engine.begin() as conn:
            return conn.execute(delete(slack_seen).where(slack_seen.c.seen_at < now - keep)).rowcount or 0
