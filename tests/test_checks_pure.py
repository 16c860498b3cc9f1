"""Checks never touch the disk: what they need from other files is read once by the link stage
(project_links.py) and recorded on Project, which the results cache keys on. A check that read
a file itself would make cached results go stale when that file changes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

CHECKS = REPO / "infralint" / "checks"
READS = {"open", "read_text", "read_bytes", "iterdir", "glob", "rglob", "stat", "lstat", "scandir"}
PROBES = {"is_file", "is_dir", "exists"}
# DC510 asks whether a build's context and Dockerfile exist; recording that in the link stage
# needs the build paths of every compose file on a warm run too (not cached today).
PROBES_ALLOWED = {"compose/dc510.py"}


def _modules() -> list[Path]:
    return sorted(CHECKS.rglob("*.py"))


def _disk_access(tree: ast.AST, names: set[str]) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in names:
                found.append(f"line {node.lineno}: {name}()")
        elif isinstance(node, ast.ImportFrom) and node.module in ("infralint.reader", "os"):
            found.append(f"line {node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Import):
            found.extend(
                f"line {node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name in ("infralint.reader", "os", "io", "shutil")
            )
        elif isinstance(node, ast.ImportFrom) and node.module == "infralint":
            found.extend(
                f"line {node.lineno}: from infralint import reader"
                for alias in node.names
                if alias.name == "reader"
            )
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda path: path.relative_to(CHECKS).as_posix())
def test_no_check_module_reads_a_file(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(CHECKS).as_posix()
    names = READS if relative in PROBES_ALLOWED else READS | PROBES
    assert _disk_access(tree, names) == []


def test_the_scan_finds_a_read() -> None:
    """The scan is not vacuous: each way of reading is caught."""
    source = (
        "from infralint import reader\nimport os\n"
        "def f(path):\n    path.read_text()\n    open(path)\n    return path.is_file()\n"
    )
    found = _disk_access(ast.parse(source), READS | PROBES)
    assert [entry.split(": ", 1)[1] for entry in found] == [
        "from infralint import reader",
        "import os",
        "read_text()",
        "open()",
        "is_file()",
    ]
