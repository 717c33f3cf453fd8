"""[shell] notifications: a shell prints (and so takes) notifications only where no Slack front end serves
the desk, unless told otherwise; a wrong value is refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.config import ConfigError, load_settings
from bot.app.shell_app import shell_delivers


@pytest.mark.parametrize(
    ("setting", "slack", "delivers"),
    [
        ("auto", False, True),  # a fresh machine: the shell is the only front end
        ("auto", True, False),  # Slack serves this desk: its notifications are Slack's
        ("on", True, True),
        ("off", False, False),
    ],
)
def test_the_shell_takes_notifications_only_where_slack_does_not(setting: str, slack: bool, delivers: bool) -> None:
    assert shell_delivers(setting, slack) is delivers


def test_shell_notifications_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "orderbot.toml"
    path.write_text("", encoding="utf-8")
    assert load_settings(path, env={}).shell_notifications == "auto"
    path.write_text('[shell]\nnotifications = "off"\n', encoding="utf-8")
    assert load_settings(path, env={}).shell_notifications == "off"
    path.write_text('[shell]\nnotifications = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    assert "shell.notifications" in str(err.value)
