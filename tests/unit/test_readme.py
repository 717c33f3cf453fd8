"""The README stays true: every config key the bot accepts, every verb and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

from bot.app.cli import COMMANDS
from bot.app.config import _KNOWN
from bot.app.config_alerts import ALERT_KEYS, DELIVERY_KEYS, SCHEDULER_KEYS
from bot.conversation.language.verbs import VERBS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_config_key_is_documented() -> None:
    keys = {f"{section}.{key}" for section, known in _KNOWN.items() if known for key in known}
    keys |= {f"delivery.{k}" for k in DELIVERY_KEYS} | {f"scheduler.{k}" for k in SCHEDULER_KEYS}
    keys |= {f"alerts.{k}" for k in ALERT_KEYS}
    keys -= {"approval.rule"}  # documented as [[approval.rule]]
    missing = sorted(k for k in keys if f"`{k}`" not in README and f"`{k}." not in README)
    assert not missing


def test_every_verb_and_command_is_documented() -> None:
    assert not [v.name for v in VERBS if f"| {v.name} |" not in README]
    assert not [name for name in COMMANDS if f"`orderbot {name}" not in README]
