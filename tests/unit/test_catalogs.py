"""Every language says everything, with the same placeholders; every error code has a message. The catalogs are
the PO files in bot/conversation/i18n/locales: whichever languages are there are held key-for-key to English."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.conversation.i18n import LANGUAGES, LOCALES, catalog
from bot.conversation.i18n.help import HELP
from bot.conversation.language.verbs import VERBS

ROOT = Path(__file__).resolve().parents[2]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


EN = catalog("en")


def test_the_languages_are_the_catalog_files() -> None:
    assert LANGUAGES[0] == "en" and "zh" in LANGUAGES
    assert set(LANGUAGES) == {p.stem for p in LOCALES.glob("*.po")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_keys_in_every_language(lang: str) -> None:
    assert set(catalog(lang)) == set(EN)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_placeholders_in_every_language(lang: str) -> None:
    words = catalog(lang)
    for key, text in EN.items():
        assert placeholders(text) == placeholders(words[key]), (lang, key)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_files_are_well_formed_po_with_no_duplicate_or_fuzzy_entry(lang: str) -> None:
    raw = (LOCALES / f"{lang}.po").read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.+)"$', raw, re.MULTILINE)
    assert len(ids) == len(set(ids)) == len(EN)
    with (LOCALES / f"{lang}.po").open("rb") as fh:
        po = read_po(fh, abort_invalid=True)
    assert not [m.id for m in po if m.id and m.fuzzy]


def test_every_verb_has_its_words_in_the_catalogs() -> None:
    assert {f"help_{v.name}" for v in VERBS} <= set(EN)


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
    missing = sorted(c for c in codes if c not in EN)
    assert missing == []


def test_every_confirmation_check_has_a_message() -> None:
    source = (ROOT / "domain/checks.py").read_text()
    checks = set(re.findall(r'"(check_[a-z_]+)"', source))
    assert checks and checks <= set(EN)
