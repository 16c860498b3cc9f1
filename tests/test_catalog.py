"""The rule catalogue: format, uniqueness, the required codes of RULES.md, and packaging."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infralint import registry
from infralint.catalog import (
    INDEX_NAME,
    CatalogError,
    load_catalog,
    parse_catalog,
    parse_front_matter,
    rule_from_document,
    split_front_matter,
)
from tests.conftest import REPO, SHARED

CATALOG = load_catalog()
SPEC = SHARED / "spec" / "RULES.md"
# Codes whose language is still being built, and the issue that brings them.
PENDING_ISSUE = {"DF": 3, "DC": 4, "CB": 5, "PY": 7}


def required_rules() -> dict[str, str]:
    if not SPEC.is_file():
        return {}
    text = SPEC.read_text(encoding="utf-8")
    return dict(re.findall(r"^\| ((?:DF|DC|CB|PY|IL)\d{3}) \| ([a-z0-9-]+) \|", text, re.M))


REQUIRED = required_rules()


@pytest.mark.parametrize("path", sorted((REPO / "rules").glob("*.md")), ids=lambda p: p.stem)
def test_front_matter_reader_agrees_with_a_yaml_parser(path: Path) -> None:
    from ruamel.yaml import YAML

    front, _ = split_front_matter(path.read_text(encoding="utf-8"))
    assert parse_front_matter(front) == YAML(typ="safe", pure=True).load(front)


@pytest.mark.skipif(not REQUIRED, reason="../shared/spec/RULES.md is not present")
@pytest.mark.parametrize("code", sorted(REQUIRED))
def test_required_rule_exists(code: str) -> None:
    rule = CATALOG.rules.get(code)
    if rule is None and code[:2] in PENDING_ISSUE:
        pytest.xfail(f"{code} arrives with issue {PENDING_ISSUE[code[:2]]}")
    assert rule is not None, f"rules/{code}.md is missing"
    assert rule.name == REQUIRED[code]


@pytest.mark.skipif(not REQUIRED, reason="../shared/spec/RULES.md is not present")
def test_required_defaults_match_the_spec() -> None:
    text = SPEC.read_text(encoding="utf-8")
    for code, default in re.findall(
        r"^\| ((?:DF|DC|CB|PY|IL)\d{3}) \| [a-z0-9-]+ \| (\w+) \|", text, re.M
    ):
        rule = CATALOG.rules.get(code)
        if rule is None:
            continue
        if default == "off":
            assert not rule.enabled, code
        else:
            assert rule.enabled and rule.severity.value == default, code


def test_names_are_unique_within_a_language() -> None:
    pairs = {(rule.language, rule.name) for rule in CATALOG}
    assert len(pairs) == len(CATALOG)


def test_every_rule_has_exactly_one_check_and_every_check_a_rule() -> None:
    checks = registry.registered_codes()
    engine_rules = {rule.code for rule in CATALOG if rule.language == "engine"}
    assert checks == set(CATALOG.rules) - engine_rules


def test_malformed_documents_are_rejected(tmp_path: Path) -> None:
    good = (REPO / "rules" / "IL001.md").read_text(encoding="utf-8")
    cases = {
        "no front matter": good.replace("---\n", "", 1),
        "bad severity": good.replace("severity: error", "severity: fatal"),
        "unknown key": good.replace("fix: none", "fix: none\ncolour: red"),
        "missing section": good.replace("## How to fix", "## How to mend"),
        "wrong language": good.replace("language: engine", "language: chef"),
    }
    for label, text in cases.items():
        with pytest.raises(CatalogError):
            rule_from_document(tmp_path / "IL001.md", text)
        assert label


def test_rules_are_packaged_into_the_wheel(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for rule in CATALOG:
        assert f"infralint/rules/{rule.code}.md" in names
    assert f"infralint/rules/{INDEX_NAME}" in names
    assert "infralint/py.typed" in names


def test_the_index_holds_exactly_what_the_documents_say() -> None:
    from_documents = parse_catalog(REPO / "rules")
    assert list(CATALOG.rules) == list(from_documents.rules)
    for code, rule in from_documents.rules.items():
        assert CATALOG.rules[code] == rule, code
        assert CATALOG.rules[code].path == rule.path


def _rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for path in (REPO / "rules").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_a_document_edited_after_the_index_is_read_from_the_document(tmp_path: Path) -> None:
    folder = _rules_copy(tmp_path)
    document = folder / "DF101.md"
    text = document.read_text(encoding="utf-8")
    summary = CATALOG.rules["DF101"].summary
    document.write_text(text.replace(summary, summary + " (edited)", 1), encoding="utf-8")
    assert load_catalog(folder).rules["DF101"].summary == summary + " (edited)"


@pytest.mark.parametrize("index", [None, "", "{not json", "[]", '{"documents": {}, "rules": []}'])
def test_a_missing_or_broken_index_falls_back_to_the_documents(
    tmp_path: Path, index: str | None
) -> None:
    folder = _rules_copy(tmp_path)
    if index is None:
        (folder / INDEX_NAME).unlink()
    else:
        (folder / INDEX_NAME).write_text(index, encoding="utf-8")
    assert list(load_catalog(folder).rules) == list(CATALOG.rules)
