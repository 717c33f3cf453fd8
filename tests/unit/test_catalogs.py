"""Both languages say everything, with the same placeholders; every error code has a message."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from bot.conversation.i18n import en, zh
from bot.conversation.i18n.help import HELP
from bot.conversation.language.verbs import VERBS

ROOT = Path(__file__).resolve().parents[2]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_same_keys_in_both_languages() -> None:
    assert set(en.MESSAGES) == set(zh.MESSAGES)


def test_same_placeholders_in_both_languages() -> None:
    for key, text in en.MESSAGES.items():
        assert placeholders(text) == placeholders(zh.MESSAGES[key]), key


def test_every_verb_has_help() -> None:
    assert {v.name for v in VERBS} == set(HELP)


def _codes_raised_in_code() -> set[str]:
    """String literals passed as the first argument to our error classes anywhere in the code."""
    codes: set[str] = set()
    names = {"InvalidInput", "ParseError", "Conflict", "OrderbotError"}
    sources = [*ROOT.glob("domain/**/*.py"), *ROOT.glob("bot/**/*.py"), *ROOT.glob("adapters/**/*.py")]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    codes.add(first.value)
    codes |= set(re.findall(r'code = "([a-z_]+)"', "".join(p.read_text(encoding="utf-8") for p in sources)))
    return codes


def test_every_error_code_has_a_message() -> None:
    codes = _codes_raised_in_code()
    assert "bad_quantity" in codes  # the scan itself works
    missing = sorted(c for c in codes if c not in en.MESSAGES)
    assert missing == []


def test_every_confirmation_check_has_a_message() -> None:
    source = (ROOT / "domain/checks.py").read_text()
    checks = set(re.findall(r'"(check_[a-z_]+)"', source))
    assert checks and checks <= set(en.MESSAGES)
