"""The registry finds every rule's check in the rule's own module, and only there."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from infralint import registry
from infralint.catalog import Rule, load_catalog
from infralint.languages import BY_NAME, FILE_LANGUAGES, LANGUAGES, language_of

CATALOG = load_catalog()
FILE_RULES = [rule for rule in CATALOG if BY_NAME[rule.language].parser is not None]


def test_the_language_table_covers_every_rule() -> None:
    assert {rule.language for rule in CATALOG} <= {language.name for language in LANGUAGES}
    for rule in CATALOG:
        assert language_of(rule.code).name == rule.language


@pytest.mark.parametrize("rule", FILE_RULES, ids=lambda rule: rule.code)
def test_every_rule_has_its_module_and_check(rule: Rule) -> None:
    code = rule.code
    assert importlib.util.find_spec(registry.rule_module(code)) is not None
    registry.load_rule(code)
    assert registry._CHECKS[code].__module__ == registry.rule_module(code)


def test_engine_rules_have_no_module() -> None:
    engine_codes = {rule.code for rule in CATALOG if rule.language == "engine"}
    assert engine_codes
    assert not engine_codes & registry.registered_codes()


def test_every_registered_check_is_a_rule_of_the_catalogue() -> None:
    assert registry.registered_codes() == {rule.code for rule in FILE_RULES}


def test_every_file_language_has_a_parser() -> None:
    for language in FILE_LANGUAGES:
        assert callable(registry.parser_module(language.name).parse)


def _fake_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, modules: dict[str, str]
) -> None:
    """A checks package `fakechecks` on sys.path that language_of returns for every code."""
    package = tmp_path / "fakechecks"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for name, text in modules.items():
        (package / f"{name}.py").write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    fake = SimpleNamespace(name="fake", checks_package="fakechecks")
    monkeypatch.setattr(registry, "language_of", lambda code: fake)
    monkeypatch.setattr(registry, "BY_NAME", {"fake": fake})
    monkeypatch.setattr(registry, "_CHECKS", {})
    for name in [name for name in sys.modules if name.startswith("fakechecks")]:
        monkeypatch.delitem(sys.modules, name)


RULE_MODULE = """
from infralint.registry import check

@check("{code}")
def rule(document, context):
    return []
"""


def test_only_the_enabled_rules_modules_are_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_language(
        tmp_path,
        monkeypatch,
        {
            "zz101": RULE_MODULE.format(code="ZZ101"),
            "zz102": RULE_MODULE.format(code="ZZ102"),
            "_common": "raise AssertionError('a helper module is no rule')",
        },
    )
    assert [code for code, _ in registry.checks_for("fake", ["ZZ101"])] == ["ZZ101"]
    assert "fakechecks.zz101" in sys.modules
    assert "fakechecks.zz102" not in sys.modules
    registry.load_language("fake")
    assert set(registry._CHECKS) == {"ZZ101", "ZZ102"}


def test_a_rule_without_its_module_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_language(tmp_path, monkeypatch, {"zz101": RULE_MODULE.format(code="ZZ101")})
    with pytest.raises(registry.RuleModuleMissing, match="ZZ102"):
        registry.checks_for("fake", ["ZZ101", "ZZ102"])
