"""`infralint check --watch`: a real process that checks again when a file changes."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from infralint.check_command import CheckOptions, UsageError, run_check

ROUND_DONE = "watching for changes"


def test_without_watchfiles_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import fails
    with pytest.raises(UsageError, match=r"pip install 'infralint\[watch\]'"):
        run_check(CheckOptions(watch=True))


def test_watch_refuses_standard_input() -> None:
    pytest.importorskip("watchfiles")
    with pytest.raises(UsageError, match="standard input"):
        run_check(CheckOptions(paths=["-"], watch=True))


def _lines(stream: queue.Queue[str], until: str, timeout: float) -> list[str]:
    """Lines read until one contains UNTIL (AssertionError after TIMEOUT seconds)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {until!r} after {timeout} s: {seen}"
        try:
            line = stream.get(timeout=remaining)
        except queue.Empty:
            continue
        seen.append(line)
        if until in line:
            return seen


def test_a_change_is_checked_again_and_our_own_writes_are_not(tmp_path: Path) -> None:
    pytest.importorskip("watchfiles")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\n")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "infralint",
            "check",
            "--watch",
            "-f",
            "concise",
            "-f",
            "json:report.json",
            "--select",
            "DF101",
            ".",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    output: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: [output.put(line) for line in process.stdout or ()])
    reader.daemon = True
    reader.start()
    try:
        first = _lines(output, ROUND_DONE, 60)
        assert any("No findings in 1 file." in line for line in first), first
        dockerfile.write_text("FROM alpine\n")
        second = _lines(output, ROUND_DONE, 60)
        assert any("Dockerfile:1:6: DF101" in line for line in second), second
        # The cache and the report file that round wrote are no change to react to.
        time.sleep(2)
        assert output.empty(), list(output.queue)
        assert (tmp_path / ".infralint_cache").is_dir()  # the cache is used across rounds
    finally:
        process.send_signal(signal.SIGINT)
        try:
            status = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert status == 130
    assert not any("Traceback" in line for line in output.queue)
