"""The Dockerfile checks' layout: one module per rule, named by its code, that reads no file."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from infralint import registry
from infralint.catalog import load_catalog

PACKAGE = Path(registry.__file__).parent / "checks" / "dockerfile"
DF_CODES = sorted(
    code for code, rule in load_catalog().rules.items() if rule.language == "dockerfile"
)
# Calls that would read the disk (or reach a file beyond the checked document).
DISK_CALLS = frozenset(
    {"open", "read_text", "read_bytes", "stat", "is_file", "exists", "iterdir", "glob", "parse"}
)


def test_every_rule_has_its_module() -> None:
    assert sorted(path.stem.upper() for path in PACKAGE.glob("df*.py")) == DF_CODES


@pytest.mark.parametrize("code", DF_CODES)
def test_importing_the_rule_module_registers_its_check(code: str) -> None:
    module = importlib.import_module(f"infralint.checks.dockerfile.{code.lower()}")
    ((registered, function),) = registry.checks_for("dockerfile", [code])
    assert (registered, function.__module__) == (code, module.__name__)


def test_the_registry_lists_every_rule_module() -> None:
    registry.load_language("dockerfile")
    modules = {function.__module__ for function in registry._CHECKS.values()}
    listed = sorted(name for name in modules if name.startswith("infralint.checks.dockerfile."))
    assert listed == [f"infralint.checks.dockerfile.{code.lower()}" for code in DF_CODES]


def test_package_init_is_empty() -> None:
    assert (PACKAGE / "__init__.py").read_text() == ""


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_module_is_small_and_reads_no_file(path: Path) -> None:
    text = path.read_text()
    assert text.count("\n") <= 600
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in DISK_CALLS, f"{path.name}:{node.lineno} calls {name}"
        if isinstance(node, ast.ImportFrom):
            assert node.module not in ("infralint.reader", "os", "io"), node.module
            assert "reader" not in {alias.name for alias in node.names}, path.name
        if isinstance(node, ast.Import):
            assert {alias.name for alias in node.names}.isdisjoint({"os", "io"}), path.name
