"""The same input gives byte-identical output: across runs, -j values, cache on/off, and
discovery order; paths are the same on any machine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_cli import run

FIXTURES = REPO / "fixtures"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("det") / "project"
    shutil.copytree(FIXTURES, target, ignore=shutil.ignore_patterns("fixes"))
    return target


def _output(project: Path, *args: str) -> str:
    result = run(["check", "-f", "json", "--select", "ALL", *args], project)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_identical_across_jobs_and_cache(project: Path) -> None:
    reference = _output(project, "--no-cache", "-j", "1", ".")
    assert _output(project, "--no-cache", "-j", "2", ".") == reference
    assert _output(project, "--no-cache", "-j", "4", ".") == reference
    assert _output(project, "-j", "2", ".") == reference  # fills the cache
    assert _output(project, "-j", "1", ".") == reference  # reads it
    shutil.rmtree(project / ".infralint_cache", ignore_errors=True)


def test_identical_when_paths_are_given_in_reverse(project: Path) -> None:
    tops = sorted(path.name for path in project.iterdir() if not path.name.startswith("."))
    forward = _output(project, "--no-cache", *tops)
    backward = _output(project, "--no-cache", *reversed(tops))
    assert forward == backward


def test_no_absolute_paths_in_output(project: Path) -> None:
    assert str(project) not in _output(project, "--no-cache", ".")


def test_parallel_run_over_many_files_matches_serial(tmp_path: Path) -> None:
    for index in range(120):
        folder = tmp_path / f"svc{index:03d}"
        folder.mkdir()
        (folder / "Dockerfile").write_text(f"FROM ubuntu\nRUN apt-get install curl{index % 3}\n")
    serial = _output(tmp_path, "--no-cache", "-j", "1", ".")
    assert _output(tmp_path, "--no-cache", "-j", "2", ".") == serial


def test_a_cache_committed_to_the_repository_is_not_trusted(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\n")
    first = _output(tmp_path, "-j", "1", ".")
    assert '"DF101"' in first
    [data] = (tmp_path / ".infralint_cache" / "v3").glob("results-*.data")
    # The index is signed with this machine's key and keeps each result's hash: an edit of a
    # result (here, DF101 made into another code) is refused even here, and another machine
    # (another key) never reads it.
    data.write_bytes(data.read_bytes().replace(b'"DF101"', b'"XX999"'))
    assert _output(tmp_path, "-j", "1", ".") == first  # same machine: the forged entry is refused
    env_home = tmp_path / "other-machine"
    from tests.test_cli import run as run_cli

    result = run_cli(
        ["check", "-f", "json", "--select", "ALL", "."],
        tmp_path,
        env={"XDG_CACHE_HOME": str(env_home)},
    )
    assert '"DF101"' in result.stdout


def _cached_run(project: Path, home: Path, *args: str) -> tuple[int, str]:
    """A run with the cache on (the per-machine key kept in `home`, outside the project)."""
    result = run(["check", "-f", "json", *args], project, env={"XDG_CACHE_HOME": str(home)})
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.stdout


def test_cache_sees_a_sibling_compose_file_change(tmp_path: Path) -> None:
    """DC503 judges compose.prod.yaml by the services of compose.yaml beside it: renaming one
    there must reach a cached result of compose.prod.yaml (the file itself is unchanged)."""
    project, home = tmp_path / "project", tmp_path / "xdg"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16.3\n")
    (project / "compose.prod.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n"
    )
    args = ("--select", "DC503", "compose.prod.yaml")
    assert _cached_run(project, home, *args)[0] == 0
    (project / "compose.yaml").write_text("services:\n  database:\n    image: postgres:16.3\n")
    status, output = _cached_run(project, home, *args)
    uncached = run(["check", "-f", "json", "--no-cache", *args], project)
    assert (status, output) == (1, uncached.stdout)
    assert "names the service 'db', which is not defined" in output


def test_cache_sees_a_build_dockerfile_appear_and_disappear(tmp_path: Path) -> None:
    """DC510 reports a build whose Dockerfile is missing: creating it (the compose file is
    unchanged) must reach a cached result, and so must removing it again."""
    project, home = tmp_path / "project", tmp_path / "xdg"
    (project / "app").mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  web:\n    build: ./app\n")
    args = ("--select", "DC510", ".")
    status, output = _cached_run(project, home, *args)
    assert status == 1
    assert "builds with 'Dockerfile', which does not exist" in output
    (project / "app" / "Dockerfile").write_text("FROM alpine:3.20\n")
    assert _cached_run(project, home, *args)[0] == 0
    (project / "app" / "Dockerfile").unlink()
    assert _cached_run(project, home, *args) == (status, output)


def test_cached_links_see_a_build_dockerfile_appear(tmp_path: Path) -> None:
    """A compose file's links (cached with it) name only existing Dockerfiles: one created
    since must reach DC508, which quotes the ARGs it declares."""
    project, home = tmp_path / "project", tmp_path / "xdg"
    (project / "app").mkdir(parents=True)
    (project / "compose.yaml").write_text(
        "services:\n  web:\n    build:\n      context: ./app\n      args: {NOPE: '1'}\n"
    )
    args = ("--select", "DC508", ".")
    assert _cached_run(project, home, *args)[0] == 0
    (project / "app" / "Dockerfile").write_text("FROM alpine:3.20\n")
    status, output = _cached_run(project, home, *args)
    assert status == 1
    assert "passes the build arg 'NOPE', which Dockerfile does not declare" in output
    (project / "app" / "Dockerfile").unlink()
    assert _cached_run(project, home, *args)[0] == 0


def test_cache_sees_a_change_of_a_script_a_deploy_uploads(tmp_path: Path) -> None:
    project, home = tmp_path / "project", tmp_path / "xdg"
    project.mkdir()
    (project / "deploy.py").write_text(
        "from pyinfra.operations import server\nserver.script(src='setup.sh')\n"
    )
    (project / "setup.sh").write_text("#!/bin/sh\necho ok\n")
    args = ("--select", "PY201", "deploy.py")
    assert _cached_run(project, home, *args)[0] == 0
    (project / "setup.sh").write_text("#!/bin/sh\nyum install -y httpd\n")
    status, output = _cached_run(project, home, *args)
    assert status == 1
    assert "runs 'yum install'" in output
