"""Checks never touch the disk: what they need from other files is read once by the link stage
(project_links.py) and recorded on Project, which the results cache keys on. A check that read
a file itself would make cached results go stale when that file changes."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO

CHECKS = REPO / "infralint" / "checks"
READS = {"open", "read_text", "read_bytes", "iterdir", "glob", "rglob", "stat", "lstat", "scandir"}
# Whether a path exists, and where it resolves to, are facts of the disk too (DC510 asks them
# of the link stage: project_links.probe_builds).
PROBES = {"is_file", "is_dir", "exists", "resolve", "realpath", "isdir", "isfile", "samefile"}
METHOD_ONLY = {"resolve"}


def _modules() -> list[Path]:
    return sorted(CHECKS.rglob("*.py"))


def _disk_access(tree: ast.AST, names: set[str]) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            # A bare `resolve(...)` is the Python rules' own helper (a name to its value).
            method_only = name in METHOD_ONLY and not isinstance(func, ast.Attribute)
            if name in names and not method_only:
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
    assert _disk_access(tree, READS | PROBES) == []


def test_the_build_paths_checks_use_are_only_looked_up(tmp_path: Path) -> None:
    """The compose checks resolve builds through project_links.RecordedPaths: what the link
    stage did not record is missing, however the disk looks."""
    from infralint.project_links import RecordedPaths

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine:3.20\n")
    paths = RecordedPaths({}, {})
    assert paths.resolve(tmp_path, "app") is None
    assert paths.kind(tmp_path / "app" / "Dockerfile") == ""
    recorded = RecordedPaths({str(tmp_path / "app"): "/elsewhere"}, {"/elsewhere": "dir"})
    assert recorded.resolve(tmp_path, "app") == Path("/elsewhere")
    assert recorded.kind(Path("/elsewhere")) == "dir"


BUILDS = (
    "services:\n"
    "  web:\n    build: ./app\n"
    "  api:\n    build:\n      context: api\n      dockerfile: Api.Dockerfile\n"
    "      target: nowhere\n      args: {UNDECLARED: '1'}\n"
)


@pytest.mark.parametrize("code", ["DC508", "DC509", "DC510"])
def test_compose_build_checks_ask_the_link_stage_not_the_disk(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linked first (the disk is asked there), then checked with every path probe failing:
    the findings are those of the link stage's answers."""
    from infralint.parsers import compose
    from infralint.project import Project
    from infralint.source import SourceFile
    from tests import helpers

    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Api.Dockerfile").write_text("FROM alpine:3.20 AS base\n")
    path = tmp_path / "compose.yaml"
    project = Project(tmp_path, roots=(str(tmp_path),))
    helpers._link(project, compose.parse(SourceFile(path, "compose.yaml", BUILDS, "compose")), path)
    expected = helpers.run_check(code, BUILDS, project=project, path=path)
    assert expected  # each rule has something to say about these builds

    probed: list[str] = []

    def guarded(name: str) -> Callable[..., object]:
        original = getattr(Path, name)

        def probe(self: Path, *args: object, **kwargs: object) -> object:
            caller = sys._getframe(1).f_code.co_filename
            if caller.startswith(str(CHECKS)) or caller.endswith("project_links.py"):
                probed.append(f"{name}({self})")
            return original(self, *args, **kwargs)

        return probe

    with monkeypatch.context() as patched:  # the test harness itself may use the disk
        for name in ("resolve", "is_file", "is_dir", "exists"):
            patched.setattr(Path, name, guarded(name))
        found = helpers.run_check(code, BUILDS, project=project, path=path)
    assert probed == []
    assert found == expected


def test_the_scan_finds_a_read() -> None:
    """The scan is not vacuous: each way of reading is caught."""
    source = (
        "from infralint import reader\nimport os\n"
        "def f(path):\n    path.read_text()\n    open(path)\n    path.resolve()\n"
        "    resolve(path)\n    os.path.realpath(path)\n    os.path.exists(path)\n"
        "    return path.is_file()\n"
    )
    found = _disk_access(ast.parse(source), READS | PROBES)
    assert [entry.split(": ", 1)[1] for entry in found] == [
        "from infralint import reader",
        "import os",
        "read_text()",
        "open()",
        "resolve()",
        "realpath()",
        "exists()",
        "is_file()",
    ]
