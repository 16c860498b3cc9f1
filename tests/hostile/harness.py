"""The hostile-input suite's one way to run infralint: a subprocess under a time and memory cap.

Every case runs the installed CLI as a user would, in a scanned tree the test builds, and the
runner asserts what holds for any input: no traceback and no internal error reach the user.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

TIME_LIMIT_S = 60  # per run; a case meant to be fast asserts its own tighter bound
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the whole infralint process
CONTROL = "FROM alpine\n"  # DF101 in the same run proves the other files are still checked


def _limit_memory(limit: int = MEMORY_LIMIT) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_cli(
    args: list[str],
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    timeout: float = TIME_LIMIT_S,
    text: bool = True,
    file_size_limit: int | None = None,
    memory_limit: int = MEMORY_LIMIT,
) -> subprocess.CompletedProcess[Any]:
    """`python -m infralint ARGS` in CWD, bounded; stdout/stderr captured. `file_size_limit`
    (RLIMIT_FSIZE, bytes) makes larger writes fail, even for root."""

    def limits() -> None:
        _limit_memory(memory_limit)
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    result = subprocess.run(
        [sys.executable, "-m", "infralint", *args],
        cwd=cwd,
        capture_output=True,
        text=text,
        timeout=timeout,
        preexec_fn=limits,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    stderr = result.stderr if text else result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert "internal error" not in stderr, stderr
    return result


def lint(
    directory: Path,
    *paths: str,
    cache: bool = False,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    control: bool = True,
    timeout: float = TIME_LIMIT_S,
    memory_limit: int = MEMORY_LIMIT,
) -> tuple[int, dict[str, Any], str]:
    """A JSON check of PATHS (default '.') in DIRECTORY, with a control Dockerfile beside them."""
    if control:
        control_file = directory / "control" / "Dockerfile"
        control_file.parent.mkdir(exist_ok=True)
        control_file.write_text(CONTROL)
    args = ["check", "-f", "json", "-j", "1", *extra]
    if not cache:
        args.append("--no-cache")
    result = run_cli(
        [*args, *(paths or (".",))],
        directory,
        env=env,
        timeout=timeout,
        memory_limit=memory_limit,
    )
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, report, result.stderr


def findings(report: dict[str, Any], path: str | None = None) -> list[dict[str, Any]]:
    items = report.get("findings", [])
    assert isinstance(items, list)
    return [item for item in items if path is None or item["path"] == path]


def codes(report: dict[str, Any], path: str | None = None) -> list[str]:
    return [str(item["code"]) for item in findings(report, path)]


def assert_control_checked(report: dict[str, Any]) -> None:
    assert "DF101" in codes(report, "control/Dockerfile")


def il001(report: dict[str, Any], path: str) -> list[str]:
    return [str(f["message"]) for f in findings(report, path) if f["code"] == "IL001"]
