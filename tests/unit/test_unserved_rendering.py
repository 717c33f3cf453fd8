"""`delivery.stale_days` from orderbot.toml, and `admin outbox`'s words for what no running process serves: per
audience why, how many and since when, what to do per kind, the rest counted — in both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.config import ConfigError, load_settings
from bot.conversation.i18n import Translator
from bot.conversation.replies import render
from domain.ports import Backlog, UnservedLane
from domain.results import DeadLettersView

AT = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def shown(backlog: Backlog, language: str) -> str:
    return render(DeadLettersView([], backlog), Translator(language, ZoneInfo("Asia/Shanghai")), AT.date()).text()


def test_stale_days_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "orderbot.toml"
    path.write_text("[delivery]\nstale_days = 0\n", encoding="utf-8")
    assert load_settings(path, env={}).delivery.stale_days == 0
    path.write_text("", encoding="utf-8")
    assert load_settings(path, env={}).delivery.stale_days == 7
    path.write_text("[delivery]\nstale_days = -2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    assert "delivery.stale_days" in str(err.value)


def test_each_kind_says_what_is_missing_and_what_to_do() -> None:
    lanes = (UnservedLane("customer:CUST-001", 12, AT, AT), UnservedLane("role:finance", 3, AT, AT))
    b = Backlog(2, 0, AT, unserved=16, unserved_lanes=lanes, unserved_audiences=3)
    en = shown(b, "en")
    assert "Nothing was given up on; 2 waiting to be sent." in en  # the 16 are not among the waiting
    assert "no Telegram configured: 12 notification(s) for customer CUST-001, the oldest from 2026-11-22 09:00" in en
    assert "no Slack configured" in en and "3 notification(s) for every finance" in en
    assert "… and 1 more for 1 other audience(s)" in en
    assert "TELEGRAM_BOT_TOKEN" in en and "SLACK_BOT_TOKEN" in en
    zh = shown(b, "zh")
    assert "共 16 条，不计入待发送" in zh and "未配置 Telegram：发给客户 CUST-001 的通知 12 条" in zh
    assert "未配置 Slack" in zh and "另有 1 个对象的通知 1 条" in zh


def test_nothing_unserved_says_nothing_of_it() -> None:
    en = shown(Backlog(0, 0, None), "en")
    assert "serves these" not in en and "TELEGRAM_BOT_TOKEN" not in en and "stale" not in en
    assert "3 notification(s) waited longer" in shown(Backlog(0, 0, None, expired=3), "en")
