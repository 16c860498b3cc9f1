"""Which Python files are in scope (build contexts, .dockerignore, python.paths) and which are
deploy scripts; and that scope decisions never import libcst."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from infralint.pyscope import (
    DockerIgnore,
    classify_python_files,
    is_deploy_script,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "python"
OUTSIDE = "outside every build context"
TEST_FILE = "a test file (tests are not shipped application code)"


def write(root: Path, *paths: str, text: str = "x = 1\n") -> None:
    for relative in paths:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def py_files(root: Path) -> list[Path]:
    """What discovery would hand over (minus its own .gitignore/exclude filtering)."""
    return sorted(root.rglob("*.py"))


def classify(
    root: Path,
    files: Iterable[Path] | None = None,
    dockerfiles: Iterable[Path] = (),
    compose: Iterable[tuple[Path, str]] = (),
    configured: Iterable[Path] = (),
    project_root: Path | None = None,
) -> dict[str, tuple[bool, str]]:
    """classify_python_files over `files` (default: every .py file under `root`), keyed by the
    path relative to `root`."""
    result = classify_python_files(
        py_files(root) if files is None else files,
        dockerfiles,
        compose,
        configured,
        root if project_root is None else project_root,
    )
    assert all(path.is_absolute() for path in result)
    return {path.relative_to(root).as_posix(): decision for path, decision in result.items()}


def in_scope(decisions: dict[str, tuple[bool, str]]) -> dict[str, str]:
    return {path: reason for path, (kept, reason) in decisions.items() if kept}


def test_dockerfile_directory_is_the_build_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "svc/Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "svc/app/main.py", "svc/run.py", "other/tool.py", "svc/README.md")
    files = [Path("svc/app/main.py"), Path("svc/run.py"), Path("other/tool.py")]  # relative
    assert classify(tmp_path, files, [Path("svc/Dockerfile")]) == {
        "svc/app/main.py": (True, "build context of svc/Dockerfile"),
        "svc/run.py": (True, "build context of svc/Dockerfile"),
        "other/tool.py": (False, OUTSIDE),
    }


def test_keys_are_absolute_but_not_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "real/Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "real/app.py")
    monkeypatch.chdir(tmp_path / "real")
    result = classify_python_files(
        [Path("../real/./app.py"), tmp_path / "real" / "app.py"],
        [Path("Dockerfile")],
        [],
        [],
        tmp_path,
    )
    assert result == {
        Path(os.path.abspath(tmp_path / "real" / "app.py")): (True, "build context of Dockerfile")
    }


def test_only_the_given_files_are_classified_and_nothing_is_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "app/main.py", "app/generated.py", "vendor/lib.py")

    def no_walk(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("classification must not walk the tree")

    monkeypatch.setattr(os, "walk", no_walk)
    # discovery left out app/generated.py and vendor/ (gitignored, excluded by the config)
    decisions = classify(tmp_path, [tmp_path / "app/main.py"], [tmp_path / "Dockerfile"])
    assert decisions == {"app/main.py": (True, "build context of Dockerfile")}
    assert classify(tmp_path, [], [tmp_path / "Dockerfile"]) == {}


def test_tests_virtualenvs_and_dependencies_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
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
    decisions = classify(tmp_path, dockerfiles=[tmp_path / "Dockerfile"])
    assert in_scope(decisions) == {"app/main.py": "build context of Dockerfile"}
    assert len(decisions) == 14
    for name in ("app/test_main.py", "app/main_test.py", "app/conftest.py"):
        assert decisions[name] == (False, TEST_FILE)
    assert decisions["tests/helpers.py"] == (
        False,
        "in a tests/ directory of the build context of .",
    )
    assert decisions["app/tests/unit.py"][1].startswith("in a tests/ directory")
    assert decisions["custom-env/lib/mod.py"] == (False, "inside a virtualenv (custom-env)")
    assert decisions["lib/python3.12/site-packages/dep.py"][1].startswith(
        "in a site-packages/ directory"
    )
    assert decisions["web/node_modules/gyp/gyp.py"][1].startswith("in a node_modules/ directory")


def test_a_skipped_directory_above_the_context_does_not_count(tmp_path: Path) -> None:
    write(tmp_path, "tests/fixture/Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "tests/fixture/app.py")
    decisions = classify(tmp_path, dockerfiles=[tmp_path / "tests/fixture/Dockerfile"])
    assert decisions["tests/fixture/app.py"][0] is True


def test_dockerignore_uses_docker_semantics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
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
    decisions = classify(tmp_path, dockerfiles=[tmp_path / "Dockerfile"])
    # `*.py` matches at the context root only; `**/` matches at any depth.
    assert sorted(in_scope(decisions)) == ["keep.py", "pkg/nested.py", "scripts/entry.py"]
    for name in (
        "top.py",
        "scripts/backfill.py",
        "pkg/gen_models.py",
        "gen_root.py",
        "docs/conf.py",
    ):
        assert decisions[name] == (False, "excluded by .dockerignore")


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


def test_dockerfile_specific_ignore_file_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "build/api.Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "build/a.py", "build/b.py")
    (tmp_path / "build" / ".dockerignore").write_text("a.py\n")
    (tmp_path / "build" / "api.Dockerfile.dockerignore").write_text("b.py\n")
    expected = {
        "build/a.py": (True, "build context of build/api.Dockerfile"),
        "build/b.py": (False, "excluded by build/api.Dockerfile.dockerignore"),
    }
    assert classify(tmp_path, dockerfiles=[tmp_path / "build/api.Dockerfile"]) == expected
    # found by the upward search, the Dockerfile still brings its own ignore file
    assert classify(tmp_path) == expected


def test_compose_contexts_use_their_label_and_dockerignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "worker/tasks.py", "worker/local_only.py")
    (tmp_path / "worker" / ".dockerignore").write_text("local_only.py\n")
    assert classify(tmp_path, compose=[(tmp_path / "worker", "compose.yaml service worker")]) == {
        "worker/tasks.py": (True, "build context of compose.yaml service worker"),
        "worker/local_only.py": (False, "excluded by worker/.dockerignore"),
    }


def test_configured_paths_files_and_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "src/app/a.py", "src/app/test_a.py", "src/tests/t.py", "single.py")
    write(tmp_path, "test_listed.py", "other.py", "notes.txt")
    configured = [
        tmp_path / "src",
        tmp_path / "single.py",
        Path("test_listed.py"),  # relative to the cwd
        tmp_path / "notes.txt",
        tmp_path / "missing",
    ]
    assert classify(tmp_path, configured=configured) == {
        "src/app/a.py": (True, "python.paths"),
        "src/app/test_a.py": (False, TEST_FILE),
        "src/tests/t.py": (False, "in a tests/ directory of python.paths entry src"),
        "single.py": (True, "python.paths"),
        "test_listed.py": (True, "python.paths"),  # a file listed by name is taken as it is
        "other.py": (False, OUTSIDE),
    }


def test_the_first_reason_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "app.py")
    compose = [(tmp_path, "compose.yaml service web")]
    assert classify(tmp_path, None, [Path("Dockerfile")], compose, [tmp_path]) == {
        "app.py": (True, "build context of Dockerfile")
    }
    # a Dockerfile found upward still comes before compose and python.paths
    assert classify(tmp_path, None, [], compose, [tmp_path]) == {
        "app.py": (True, "build context of Dockerfile")
    }
    (tmp_path / "Dockerfile").unlink()
    assert classify(tmp_path, None, [], compose, [tmp_path]) == {
        "app.py": (True, "build context of compose.yaml service web")
    }
    assert classify(tmp_path, None, [], [], [tmp_path]) == {"app.py": (True, "python.paths")}


def test_run_dockerfiles_win_in_the_order_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", "svc/Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "svc/app.py")
    outer, inner = Path("Dockerfile"), Path("svc/Dockerfile")
    assert classify(tmp_path, None, [outer, inner]) == {
        "svc/app.py": (True, "build context of Dockerfile")
    }
    assert classify(tmp_path, None, [inner, outer]) == {
        "svc/app.py": (True, "build context of svc/Dockerfile")
    }
    # a run Dockerfile comes before a nearer one found upward
    assert classify(tmp_path, None, [outer]) == {
        "svc/app.py": (True, "build context of Dockerfile")
    }


def test_a_context_that_leaves_a_file_out_does_not_hide_another_that_takes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", "svc/Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "svc/app.py")
    (tmp_path / "svc" / ".dockerignore").write_text("app.py\n")
    expected = {"svc/app.py": (True, "build context of Dockerfile")}
    assert classify(tmp_path, None, [Path("svc/Dockerfile"), Path("Dockerfile")]) == expected
    assert classify(tmp_path) == expected  # both found upward
    (tmp_path / ".dockerignore").write_text("svc\n")
    # every context leaves it out: the first reason is given
    assert classify(tmp_path) == {"svc/app.py": (False, "excluded by svc/.dockerignore")}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_files_reached_through_symlinked_directories_are_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outside = tmp_path / "outside"
    write(outside, "secret.py")
    context = tmp_path / "ctx"
    write(context, "Dockerfile", text="FROM python:3.12\n")
    write(context, "app.py", "pkg/mod.py")
    (context / "pkg" / "loop").symlink_to(context / "pkg", target_is_directory=True)
    (context / "out").symlink_to(outside, target_is_directory=True)
    (context / "self").symlink_to(context, target_is_directory=True)
    files = [
        context / "app.py",
        context / "pkg" / "mod.py",
        context / "pkg" / "loop" / "mod.py",
        context / "out" / "secret.py",
        context / "self" / "app.py",
    ]
    assert classify(tmp_path, files, [context / "Dockerfile"]) == {
        "ctx/app.py": (True, "build context of ctx/Dockerfile"),
        "ctx/pkg/mod.py": (True, "build context of ctx/Dockerfile"),
        "ctx/pkg/loop/mod.py": (False, "reached through a symlinked directory (ctx/pkg/loop)"),
        "ctx/out/secret.py": (False, "reached through a symlinked directory (ctx/out)"),
        # a linked directory with a Dockerfile of its own is a build context itself
        "ctx/self/app.py": (True, "build context of ctx/self/Dockerfile"),
    }


def test_missing_contexts_take_nothing(tmp_path: Path) -> None:
    write(tmp_path, "gone/app.py", "nope/app.py")
    decisions = classify(
        tmp_path,
        [tmp_path / "gone" / "app.py", tmp_path / "nope" / "app.py"],
        [tmp_path / "elsewhere" / "Dockerfile"],
        [(tmp_path / "missing", "c service s")],
    )
    assert decisions == {"gone/app.py": (False, OUTSIDE), "nope/app.py": (False, OUTSIDE)}


# --------------------------------------------------------------------------- upward search


def test_a_file_passed_alone_finds_its_dockerfile_upward(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "svc/Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "svc/app/pkg/main.py")
    assert classify(tmp_path, [Path("svc/app/pkg/main.py")]) == {
        "svc/app/pkg/main.py": (True, "build context of svc/Dockerfile")
    }


def test_the_upward_search_stops_at_the_root(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "project/app/main.py")
    files = [tmp_path / "project/app/main.py"]
    project = tmp_path / "project"
    assert classify(tmp_path, files, project_root=project) == {
        "project/app/main.py": (False, OUTSIDE)
    }
    # the root itself is searched
    assert classify(tmp_path, files, project_root=tmp_path)["project/app/main.py"][0] is True
    # a file outside the root is not searched at all
    assert classify(tmp_path, files, project_root=tmp_path / "elsewhere") == {
        "project/app/main.py": (False, OUTSIDE)
    }


def test_the_upward_search_recognises_dockerfile_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("Containerfile", "api.Dockerfile", "Dockerfile.prod"):
        write(tmp_path, f"{name}-ctx/{name}", text="FROM python:3.12\n")
        write(tmp_path, f"{name}-ctx/app.py")
    write(tmp_path, "template/Dockerfile.j2", text="FROM {{ base }}\n")
    write(tmp_path, "template/app.py")
    (tmp_path / "dir" / "Dockerfile").mkdir(parents=True)  # a directory, not a Dockerfile
    write(tmp_path, "dir/app.py")
    assert classify(tmp_path) == {
        "Containerfile-ctx/app.py": (True, "build context of Containerfile-ctx/Containerfile"),
        "api.Dockerfile-ctx/app.py": (True, "build context of api.Dockerfile-ctx/api.Dockerfile"),
        "Dockerfile.prod-ctx/app.py": (
            True,
            "build context of Dockerfile.prod-ctx/Dockerfile.prod",
        ),
        "template/app.py": (False, OUTSIDE),
        "dir/app.py": (False, OUTSIDE),
    }


def test_the_upward_search_prefers_the_nearest_dockerfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", "svc/Dockerfile", "svc/b.Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "svc/app/main.py", "top.py")
    assert classify(tmp_path) == {
        "svc/app/main.py": (True, "build context of svc/Dockerfile"),
        "top.py": (True, "build context of Dockerfile"),
    }


def test_each_directory_is_listed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "svc/Dockerfile", text="FROM python:3.12\n")
    directories = ["svc/app", "svc/app/a", "svc/app/b", "svc/lib", "tools"]
    for directory in directories:
        write(tmp_path, *(f"{directory}/m{i}.py" for i in range(20)))
    listed: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path: str) -> Any:
        listed.append(os.fspath(path))
        return real_scandir(path)

    files = py_files(tmp_path)
    monkeypatch.setattr(os, "scandir", counting_scandir)
    decisions = classify(tmp_path, files, [tmp_path / "svc/Dockerfile"])
    assert len(decisions) == 100
    assert sum(kept for kept, _ in decisions.values()) == 80
    assert len(listed) == len(set(listed))
    assert len(listed) <= len(directories) + 2  # + svc and the root


# --------------------------------------------------------------------------- fixture project


FIXTURE_SCOPE = {
    "svc/app/__init__.py": "build context of svc/Dockerfile",
    "svc/app/clean.py": "build context of svc/Dockerfile",
    "svc/app/legacy.py": "build context of svc/Dockerfile",
    "svc/app/main.py": "build context of svc/Dockerfile",
    "svc/app/settings.py": "build context of svc/Dockerfile",
    "worker/tasks.py": "build context of compose.yaml service worker",
}


def test_fixture_project_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)
    decisions = classify(
        FIXTURE,
        dockerfiles=[Path("svc/Dockerfile"), Path("dockerfiles/worker.Dockerfile")],
        compose=[(FIXTURE / "worker", "compose.yaml service worker")],
    )
    assert in_scope(decisions) == FIXTURE_SCOPE
    assert decisions["svc/scripts/backfill.py"] == (False, "excluded by svc/.dockerignore")
    assert decisions["svc/app/debug_local.py"] == (False, "excluded by svc/.dockerignore")
    assert decisions["svc/tests/test_logging.py"] == (
        False,
        "in a tests/ directory of the build context of svc",
    )
    assert decisions["svc/app/test_helpers.py"] == (False, TEST_FILE)
    assert decisions["tools/report.py"] == (False, OUTSIDE)
    assert decisions["deploy/deploy.py"] == (False, OUTSIDE)  # deploy scripts: the engine's call


def test_fixture_files_passed_alone_keep_their_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """pre-commit passes only the changed files: no Dockerfile is part of the run."""
    monkeypatch.chdir(FIXTURE)
    for path, reason in FIXTURE_SCOPE.items():
        expected = (True, reason) if path.startswith("svc/") else (False, OUTSIDE)
        assert classify(FIXTURE, [Path(path)]) == {path: expected}
    assert classify(FIXTURE, [Path("svc/scripts/backfill.py")]) == {
        "svc/scripts/backfill.py": (False, "excluded by svc/.dockerignore")
    }


def test_virtualenvs_are_named(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", text="FROM python:3.12\n")
    write(tmp_path, "py/pyvenv.cfg", text="home = /usr\n")
    write(tmp_path, "py/lib/mod.py")
    decisions = classify(tmp_path, dockerfiles=[tmp_path / "Dockerfile"])
    kept, reason = decisions["py/lib/mod.py"]
    assert kept is False and reason.startswith("inside a virtualenv")


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
        f"fixture = Path({str(FIXTURE)!r})\n"
        "pyscope.classify_python_files(sorted(fixture.rglob('*.py')),"
        " [fixture / 'svc/Dockerfile'], [], [], fixture)\n"
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
