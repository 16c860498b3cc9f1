"""Stopping a run with workers: real process trees, real signals.

Each case starts `infralint check -j 2` on enough files to use the worker pool, waits until the
workers exist, signals the parent, and checks that the parent exits promptly with 128+signal,
that no worker outlives it, and that the output pipe reaches EOF (a runner waiting on it would
otherwise hang).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

FILES = 1500
PROMPT_SECONDS = 10.0


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many")
    body = "FROM python:3.12\n" + "RUN apt-get update && apt-get install -y curl wget git\n" * 40
    for index in range(FILES):
        directory = root / f"service{index}"
        directory.mkdir()
        (directory / "Dockerfile").write_text(body)
    return root


def _start(root: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "infralint", "check", "--no-cache", "-j", "2", "."],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        if len(workers) >= 2:
            time.sleep(0.3)  # let them take their first chunks
            return process, _children(process.pid)
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"the workers never started (exit {process.poll()})")


def _wait_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + PROMPT_SECONDS
    while time.monotonic() < deadline:
        left = {pid for pid in pids if _alive(pid)}
        if not left:
            return set()
        time.sleep(0.05)
    return {pid for pid in pids if _alive(pid)}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stopping_signal_ends_the_whole_tree_promptly(many_files: Path, signum: int) -> None:
    process, workers = _start(many_files)
    started = time.monotonic()
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=PROMPT_SECONDS * 3)  # EOF on both pipes
    elapsed = time.monotonic() - started
    assert process.returncode == 128 + signum, stderr.decode(errors="replace")
    assert elapsed < PROMPT_SECONDS
    assert not _wait_gone(workers)
    assert f"stopped by {signal.Signals(signum).name}".encode() in stderr
    assert b"Found" not in stdout  # no summary of a run that did not finish
    assert b"Traceback" not in stderr


def test_workers_exit_when_the_parent_is_killed(many_files: Path) -> None:
    process, workers = _start(many_files)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=PROMPT_SECONDS)
    assert not _wait_gone(workers)
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]


def test_an_undisturbed_run_still_finishes(tmp_path: Path) -> None:
    for index in range(60):  # above the pool threshold
        (tmp_path / f"Dockerfile.{index}").write_text("FROM python:3.12\n")
    result = subprocess.run(
        [sys.executable, "-m", "infralint", "check", "--no-cache", "-j", "2", "."],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert b"Found 60 findings (60 notes) in 60 files." in result.stdout
