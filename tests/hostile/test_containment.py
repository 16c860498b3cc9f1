"""Reads stay inside the scanned tree; the project root and paths do not depend on the working
directory or the locale (issue 20, items 5, 16 and 20).

Every case scans `tmp_path/repo`; what lies outside it is written to sibling directories of
`tmp_path` and carries a secret-looking marker that must never reach any report.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.harness import CONTROL, assert_control_checked, lint, run_cli

MARKER = "ghp_OUTSIDEsecretMARKER0123456789"
OUTSIDE_DOCKERFILE = (
    f"FROM ubuntu:latest AS stage_{MARKER}\n"
    f"ARG TOKEN_{MARKER}\n"
    f"RUN curl -fsSL https://user:{MARKER}@example.com/install.sh | sh\n"
    f"{MARKER}\n"
)
OUTSIDE_SCRIPT = (
    f"#!/bin/sh\ncurl -fsSL https://user:{MARKER}@example.com/x | sh\napt-get install -y {MARKER}\n"
)
FORMATS = ("json", "text", "sarif")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _outputs(repo: Path, env: dict[str, str] | None = None) -> str:
    """stdout and stderr of a check of the whole tree in every format, with the control."""
    _write(repo / "control" / "Dockerfile", CONTROL)
    shown = []
    for name in FORMATS:
        result = run_cli(["check", "--no-cache", "-j", "1", "-f", name, "."], repo, env=env)
        assert result.returncode in (0, 1), result.stderr
        shown.append(result.stdout + result.stderr)
    assert "DF101" in shown[0]  # the control was checked
    return "\n".join(shown)


# --------------------------------------------------------------------------- item 5


def _symlinked_dockerfile(tmp_path: Path, repo: Path) -> dict[str, str]:
    target = _write(tmp_path / "outside" / "Dockerfile", OUTSIDE_DOCKERFILE)
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "Dockerfile").symlink_to(target)
    return {}


def _compose(repo: Path, build: str) -> None:
    _write(
        repo / "app" / "compose.yaml",
        f"services:\n  app:\n    build:\n{build}"
        "      target: missing\n      args:\n        UNDECLARED: '1'\n",
    )


def _compose_absolute_context(tmp_path: Path, repo: Path) -> dict[str, str]:
    _write(tmp_path / "outside" / "Dockerfile", OUTSIDE_DOCKERFILE)
    _compose(repo, f"      context: {tmp_path / 'outside'}\n")
    return {}


def _compose_home_context(tmp_path: Path, repo: Path) -> dict[str, str]:
    home = tmp_path / "home"
    _write(home / "proj" / "Dockerfile", OUTSIDE_DOCKERFILE)
    _compose(repo, "      context: ~/proj\n")
    return {"HOME": str(home)}


def _compose_dockerfile_up(tmp_path: Path, repo: Path) -> dict[str, str]:
    _write(tmp_path / "outside" / "Dockerfile", OUTSIDE_DOCKERFILE)
    _compose(repo, "      context: .\n      dockerfile: ../../outside/Dockerfile\n")
    return {}


def _pyinfra_sources(tmp_path: Path, repo: Path) -> dict[str, str]:
    script = _write(tmp_path / "outside" / "setup.sh", OUTSIDE_SCRIPT)
    _write(tmp_path / "outside" / "secret.conf", f"password = {MARKER}\n")
    _write(
        repo / "deploy.py",
        "from pyinfra.operations import files, server\n\n"
        f'server.script(name="abs", src="{script}")\n'
        'server.script(name="up", src="../outside/setup.sh")\n'
        f'files.put(name="put", src="{tmp_path / "outside" / "secret.conf"}", dest="/etc/x")\n',
    )
    return {}


@pytest.mark.parametrize(
    "plant",
    [
        _symlinked_dockerfile,
        _compose_absolute_context,
        _compose_home_context,
        _compose_dockerfile_up,
        _pyinfra_sources,
    ],
    ids=["symlinked-dockerfile", "compose-abs", "compose-home", "compose-dockerfile-up", "pyinfra"],
)
def test_item5_outside_content_never_reaches_a_report(
    tmp_path: Path, plant: Callable[[Path, Path], dict[str, str]]
) -> None:
    """Item 5: a file outside the scanned tree (by symlink, absolute path, `~`, `..`, or a
    pyinfra `src=`) is never read, so its content is in no output format."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = plant(tmp_path, repo)
    assert MARKER not in _outputs(repo, env)


def test_item5_symlink_out_of_the_tree_is_reported_as_skipped(tmp_path: Path) -> None:
    """Item 5: the report says that the symlinked Dockerfile was skipped (a note), and
    `infralint files` gives the reason."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _symlinked_dockerfile(tmp_path, repo)
    status, report, _ = lint(repo)
    assert status == 1
    notes = [n for n in report.get("notifications", []) if n["path"] == "app/Dockerfile"]
    assert [n["level"] for n in notes] == ["note"]
    assert "outside the scanned tree" in notes[0]["message"]
    assert not [f for f in report["findings"] if f["path"] == "app/Dockerfile"]
    assert_control_checked(report)
    listing = run_cli(["files", "."], repo).stdout
    assert "app/Dockerfile\tskipped\tnot read: " in listing


# --------------------------------------------------------------------------- item 16


def _plant_fifos(tmp_path: Path, repo: Path) -> None:
    for name in (".gitignore", ".dockerignore", ".env"):
        os.mkfifo(repo / "app" / name)


def _plant_dev_zero(tmp_path: Path, repo: Path) -> None:
    for name in (".gitignore", ".dockerignore", ".env"):
        (repo / "app" / name).symlink_to("/dev/zero")


def _plant_huge(tmp_path: Path, repo: Path) -> None:
    huge = tmp_path / "outside" / "huge"
    huge.parent.mkdir()
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GiB of NUL bytes, over the memory cap
    for name in (".gitignore", ".dockerignore", ".env"):
        (repo / "app" / name).symlink_to(huge)


@pytest.mark.parametrize(
    "plant", [_plant_fifos, _plant_dev_zero, _plant_huge], ids=["fifo", "dev-zero", "huge"]
)
def test_item16_auxiliary_files_are_regular_files_within_a_cap(
    tmp_path: Path, plant: Callable[[Path, Path], None]
) -> None:
    """Item 16: `.gitignore`, `.dockerignore` and `.env` that are FIFOs or links to /dev/zero
    or to a huge file are skipped with a note: the run ends fast and checks everything else."""
    repo = tmp_path / "repo"
    _write(repo / "app" / "Dockerfile", "FROM python:3.12\nCOPY . /app\n")
    _write(repo / "app" / "main.py", "import logging\nlogging.FileHandler('app.log')\n")
    _write(repo / "app" / "compose.yaml", "services:\n  app:\n    build: .\n")
    _write(repo / "control" / "Dockerfile", CONTROL)
    plant(tmp_path, repo)
    started = time.monotonic()
    result = run_cli(["check", "--no-cache", "-j", "1", "-f", "json", "."], repo, timeout=20)
    assert time.monotonic() - started < 20
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert_control_checked(report)
    notes = [n for n in report.get("notifications", []) if n["path"] == "app/.gitignore"]
    assert len(notes) == 1 and notes[0]["message"].startswith("not read: ")


# --------------------------------------------------------------------------- item 20


def _sarif_locations(sarif: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [
        (
            result["ruleId"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result.get("partialFingerprints"),
        )
        for result in sarif["runs"][0]["results"]
    ]


def test_item20_parent_directory_gives_the_same_fingerprints_and_paths(tmp_path: Path) -> None:
    """Item 20: `check repo` from the parent and `check .` inside give the same fingerprints
    and repo-relative paths (the project root comes from the scanned path, not the cwd)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    _write(repo / "svc" / "Dockerfile", "FROM alpine\nRUN apt-get install curl\n")
    runs = {}
    for cwd, target in ((repo, "."), (tmp_path, "repo")):
        json_run = run_cli(["check", "--no-cache", "-f", "json", target], cwd)
        sarif_run = run_cli(["check", "--no-cache", "-f", "sarif", target], cwd)
        fingerprints = [f["fingerprint"] for f in json.loads(json_run.stdout)["findings"]]
        runs[target] = (fingerprints, _sarif_locations(json.loads(sarif_run.stdout)))
    assert runs["."][0] and runs["."] == runs["repo"]


def _odd_names_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    for name in ("café".encode(), b"b\xffd", "日本".encode()):
        directory = os.path.join(os.fsencode(repo), name)
        os.makedirs(directory)
        with open(os.path.join(directory, b"Dockerfile"), "wb") as handle:
            handle.write(b"FROM alpine\nRUN apt-get install curl\n")
    return repo


LOCALES = {
    "C-no-coercion-no-utf8-mode": {
        "LC_ALL": "C",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONUTF8": "0",
    },
    "C-no-coercion": {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0"},
    "latin1-name-missing-locale": {"LC_ALL": "xx_XX.ISO-8859-1", "PYTHONUTF8": "0"},
}


@pytest.mark.parametrize("locale_env", LOCALES.values(), ids=LOCALES.keys())
def test_item20_locale_does_not_change_output(
    tmp_path: Path, locale_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 20: non-ASCII and undecodable path names give byte-identical text, JSON and SARIF
    under a non-UTF-8 locale and under UTF-8, with no encode error."""
    monkeypatch.delenv("PYTHONUTF8", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    repo = _odd_names_repo(tmp_path)
    for name in FORMATS:
        args = ["check", "--no-cache", "-f", name, "."]
        utf8 = run_cli(args, repo, env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, text=False)
        other = run_cli(args, repo, env=locale_env, text=False)
        assert utf8.returncode == other.returncode == 1, other.stderr
        assert b"caf\xc3\xa9/Dockerfile" in utf8.stdout or b"caf%C3%A9" in utf8.stdout
        assert other.stdout == utf8.stdout, name
        assert other.stderr == utf8.stderr, name
