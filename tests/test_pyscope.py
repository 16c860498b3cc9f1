"""Which Python files are in scope (build contexts, .dockerignore, python.paths) and which are
deploy scripts; and that scope decisions never import libcst."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from infralint.pyscope import (
    DockerIgnore,
    is_deploy_script,
    python_files_in_scope,
    why_skipped,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "python"


def write(root: Path, *paths: str, text: str = "x = 1\n") -> None:
    for relative in paths:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def never_ignored(_path: Path) -> bool:
    return False


def relative_scope(root: Path, scope: dict[Path, str]) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): reason for path, reason in scope.items()}


def test_dockerfile_directory_is_the_build_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "svc/Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "svc/app/main.py", "svc/run.py", "other/tool.py", "svc/README.md")
    scope = python_files_in_scope([Path("svc/Dockerfile")], [], [], never_ignored)
    assert relative_scope(tmp_path, scope) == {
        "svc/app/main.py": "build context of svc/Dockerfile",
        "svc/run.py": "build context of svc/Dockerfile",
    }
    assert all(path.is_absolute() for path in scope)


def test_tests_virtualenvs_and_dependencies_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(
        tmp_path,
        "app/main.py",
        "app/test_main.py",
        "app/main_test.py",
        "app/conftest.py",
        "tests/helpers.py",
        "app/tests/unit.py",
        ".venv/lib/python3.12/site-packages/pkg/mod.py",
        "venv/lib/mod.py",
        "env/lib/mod.py",
        "custom-env/lib/mod.py",
        "lib/python3.12/site-packages/dep.py",
        "web/node_modules/gyp/gyp.py",
        "app/__pycache__/main.py",
        ".git/hooks/hook.py",
    )
    write(tmp_path, "custom-env/pyvenv.cfg", text="home = /usr/bin\n")
    scope = python_files_in_scope([tmp_path / "Dockerfile"], [], [], never_ignored)
    assert list(relative_scope(tmp_path, scope)) == ["app/main.py"]


def test_dockerignore_uses_docker_semantics(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(
        tmp_path,
        "top.py",
        "keep.py",
        "pkg/nested.py",
        "scripts/backfill.py",
        "scripts/entry.py",
        "pkg/gen_models.py",
        "gen_root.py",
        "docs/conf.py",
    )
    (tmp_path / ".dockerignore").write_text(
        textwrap.dedent(
            """\
            # comments and blank lines are ignored

            *.py
            !keep.py
            scripts/
            !scripts/entry.py
            **/gen_*.py
            /docs
            """
        )
    )
    scope = python_files_in_scope([tmp_path / "Dockerfile"], [], [], never_ignored)
    # `*.py` matches at the context root only; `**/` matches at any depth.
    assert sorted(relative_scope(tmp_path, scope)) == [
        "keep.py",
        "pkg/nested.py",
        "scripts/entry.py",
    ]


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("app", "app/x.py", True),
        ("app/", "app/sub/x.py", True),
        ("./app", "app/x.py", True),
        ("/app/*.py", "app/x.py", True),
        ("/app/*.py", "app/sub/x.py", False),
        ("app/**/x.py", "app/a/b/x.py", True),
        ("app/**/x.py", "app/x.py", True),
        ("*.py", "sub/x.py", False),
        ("x?.py", "x1.py", True),
        ("[ab].py", "a.py", True),
    ],
)
def test_dockerignore_patterns(pattern: str, path: str, excluded: bool) -> None:
    assert DockerIgnore([pattern]).excludes(Path(path)) is excluded


def test_last_matching_pattern_wins() -> None:
    ignore = DockerIgnore(["app", "!app/main.py", "app/main.py"])
    assert ignore.excludes(Path("app/main.py"))
    assert DockerIgnore(["app", "!app/main.py"]).excludes(Path("app/main.py")) is False


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    write(tmp_path, "build/api.Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "build/a.py", "build/b.py")
    (tmp_path / "build" / ".dockerignore").write_text("a.py\n")
    (tmp_path / "build" / "api.Dockerfile.dockerignore").write_text("b.py\n")
    scope = python_files_in_scope([tmp_path / "build/api.Dockerfile"], [], [], never_ignored)
    assert list(relative_scope(tmp_path, scope)) == ["build/a.py"]


def test_compose_contexts_use_their_label_and_dockerignore(tmp_path: Path) -> None:
    write(tmp_path, "worker/tasks.py", "worker/local_only.py")
    (tmp_path / "worker" / ".dockerignore").write_text("local_only.py\n")
    scope = python_files_in_scope(
        [], [(tmp_path / "worker", "compose.yaml service worker")], [], never_ignored
    )
    assert relative_scope(tmp_path, scope) == {
        "worker/tasks.py": "build context of compose.yaml service worker"
    }


def test_configured_paths_files_and_directories(tmp_path: Path) -> None:
    write(tmp_path, "src/app/a.py", "src/app/test_a.py", "single.py", "notes.txt")
    scope = python_files_in_scope(
        [],
        [],
        [tmp_path / "src", tmp_path / "single.py", tmp_path / "notes.txt", tmp_path / "missing"],
        never_ignored,
    )
    assert relative_scope(tmp_path, scope) == {
        "src/app/a.py": "python.paths",
        "single.py": "python.paths",
    }


def test_the_first_reason_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "app.py")
    scope = python_files_in_scope(
        [Path("Dockerfile")], [(tmp_path, "compose.yaml service web")], [tmp_path], never_ignored
    )
    assert relative_scope(tmp_path, scope) == {"app.py": "build context of Dockerfile"}
    scope = python_files_in_scope(
        [], [(tmp_path, "compose.yaml service web")], [tmp_path], never_ignored
    )
    assert relative_scope(tmp_path, scope) == {
        "app.py": "build context of compose.yaml service web"
    }


def test_the_runs_own_exclusions_apply_to_files_and_directories(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "app/main.py", "app/generated.py", "vendor/lib.py")
    seen: list[str] = []

    def ignored(path: Path) -> bool:
        seen.append(path.name)
        return path.name in ("generated.py", "vendor")

    scope = python_files_in_scope([tmp_path / "Dockerfile"], [], [], ignored)
    assert list(relative_scope(tmp_path, scope)) == ["app/main.py"]
    assert "lib.py" not in seen  # an ignored directory is not entered


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_directories_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, "secret.py")
    context = tmp_path / "ctx"
    write(context, "Dockerfile", text="FROM python:3.12\n")
    (context / "loop").symlink_to(context, target_is_directory=True)
    (context / "out").symlink_to(outside, target_is_directory=True)
    scope = python_files_in_scope([context / "Dockerfile"], [], [], never_ignored)
    assert scope == {}


def test_missing_contexts_are_empty(tmp_path: Path) -> None:
    scope = python_files_in_scope(
        [tmp_path / "gone" / "Dockerfile"], [(tmp_path / "nope", "c service s")], [], never_ignored
    )
    assert scope == {}


def test_fixture_project_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)
    scope = python_files_in_scope(
        [Path("svc/Dockerfile"), Path("dockerfiles/worker.Dockerfile")],
        [(FIXTURE / "worker", "compose.yaml service worker")],
        [],
        never_ignored,
    )
    assert relative_scope(FIXTURE, scope) == {
        "svc/app/__init__.py": "build context of svc/Dockerfile",
        "svc/app/clean.py": "build context of svc/Dockerfile",
        "svc/app/legacy.py": "build context of svc/Dockerfile",
        "svc/app/main.py": "build context of svc/Dockerfile",
        "svc/app/settings.py": "build context of svc/Dockerfile",
        "worker/tasks.py": "build context of compose.yaml service worker",
    }


def test_why_skipped_explains_files_left_out_of_a_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURE)
    dockerfiles = [Path("svc/Dockerfile")]
    compose = [(FIXTURE / "worker", "compose.yaml service worker")]
    assert why_skipped(Path("svc/scripts/backfill.py"), dockerfiles, compose) == (
        "excluded by svc/.dockerignore"
    )
    assert why_skipped(Path("svc/app/debug_local.py"), dockerfiles, compose) == (
        "excluded by svc/.dockerignore"
    )
    assert "tests/ directory" in (
        why_skipped(Path("svc/tests/test_logging.py"), dockerfiles, []) or ""
    )
    assert "test file" in (why_skipped(Path("svc/app/test_helpers.py"), dockerfiles, []) or "")
    assert why_skipped(Path("tools/report.py"), dockerfiles, compose) is None
    assert why_skipped(Path("svc/app/main.py"), dockerfiles, compose) is None


def test_why_skipped_names_virtualenvs(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "py/pyvenv.cfg", text="home = /usr\n")
    write(tmp_path, "py/lib/mod.py")
    reason = why_skipped(tmp_path / "py/lib/mod.py", [tmp_path / "Dockerfile"], [])
    assert reason is not None and reason.startswith("inside a virtualenv")


# --------------------------------------------------------------------------- deploy scripts


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("deploy.py", "from pyinfra.operations import apt, server\n", True),
        ("deploy.py", "from pyinfra.operations.apt import packages\n", True),
        ("deploy.py", "import pyinfra.operations.server as server\n", True),
        ("deploy.py", "from pyinfra import host, operations\n", True),
        ("tasks.py", "from fabric import Connection, task\n", True),
        ("tasks.py", "from fabric.api import run, sudo\n", True),
        ("tasks.py", "import fabric\n", True),
        ("tasks.py", "from invoke import task\n", True),
        ("tasks.py", "    from invoke import Context\n", True),
        ("fabfile.py", "def deploy(c):\n    pass\n", True),
        ("app.py", "import logging\nimport fabricate\n", False),
        ("app.py", "# from pyinfra.operations import apt\n", False),
        ("app.py", "from pyinfra import host\n", False),
        ("app.py", "import invoker\nfrom fabrics import x\n", False),
    ],
)
def test_is_deploy_script(name: str, text: str, expected: bool) -> None:
    assert is_deploy_script(Path("/p") / name, text) is expected


# --------------------------------------------------------------------------- import cost


def _modules_after(code: str) -> set[str]:
    script = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))\n"
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=True,
    )
    return set(completed.stdout.split())


def test_pyscope_does_not_import_libcst() -> None:
    modules = _modules_after(
        "from pathlib import Path\n"
        "from infralint import pyscope\n"
        f"pyscope.python_files_in_scope([Path({str(FIXTURE / 'svc/Dockerfile')!r})], [], [],"
        " lambda p: False)\n"
        "pyscope.is_deploy_script(Path('fabfile.py'), 'from fabric import task')\n"
    )
    assert "infralint.pyscope" in modules
    assert "libcst" not in modules


def test_a_dockerfile_only_run_never_imports_libcst(tmp_path: Path) -> None:
    # tools/report.py is discovered but lies outside every build context: it is never parsed.
    write(tmp_path, "svc/Dockerfile", text='FROM python:3.12.7-slim\nCMD ["python", "-V"]\n')
    write(tmp_path, "tools/report.py", text="import logging\nlogging.basicConfig(filename='x')\n")
    modules = _modules_after(
        "from pathlib import Path\n"
        "from tests.helpers import lint_directory\n"
        f"result = lint_directory(Path({str(tmp_path)!r}))\n"
        "assert result.checked_paths == ['svc/Dockerfile'], result.checked_paths\n"
    )
    assert "infralint.engine" in modules
    assert "infralint.pyscope" in modules
    assert "libcst" not in modules
