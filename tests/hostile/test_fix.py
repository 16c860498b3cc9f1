"""`--fix` never loses data and never leaves its paths (issue 20, items 6, 8, 9, 10, 11, 12).

Each case runs the real CLI on a tree the test builds (item 9 runs it in-process, to change the
file at a known point between read and write) and asserts the bytes on disk. Files that must
stay untouched lie outside the scanned directory, in siblings under `tmp_path`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from infralint import entry, fixes
from tests.hostile.harness import run_cli

# DF503's safe fix turns the MAINTAINER line into a LABEL and leaves every other byte alone.
MAINTAINER = "MAINTAINER Jane <jane@example.com>"
LABEL = 'LABEL org.opencontainers.image.authors="Jane <jane@example.com>"'
FIXABLE = f"FROM debian:12.7\n{MAINTAINER}\nRUN echo hello\n"
FIXED = FIXABLE.replace(MAINTAINER, LABEL)


def _fix(directory: Path, *args: str, **limits: int) -> subprocess.CompletedProcess[str]:
    return run_cli(
        ["check", "--no-cache", "-j", "1", "-f", "json", "--select", "DF503", "--fix", *args],
        directory,
        **limits,  # type: ignore[arg-type]
    )


def _dockerfile(directory: Path, content: str | bytes = FIXABLE) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "Dockerfile"
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    return path


def _not_fixed_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "not fixed" in line]


# --------------------------------------------------------------------------- item 6


def _symlink_out(repo: Path, outside: Path) -> list[str]:
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").symlink_to(_dockerfile(outside))
    return ["."]


def _hard_link_out(repo: Path, outside: Path) -> list[str]:
    (repo / "svc").mkdir()
    os.link(_dockerfile(outside), repo / "svc" / "Dockerfile")
    return ["."]


def _compose_context_out(repo: Path, outside: Path) -> list[str]:
    _dockerfile(outside)
    (repo / "compose.yaml").write_text(
        f"services:\n  web:\n    build:\n      context: {outside}\n    user: '1000'\n"
    )
    return ["."]


def _compose_context_beside_a_given_file(repo: Path, outside: Path) -> list[str]:
    """Only compose.yaml is given: the Dockerfile its build context reaches was not."""
    _dockerfile(outside)
    (outside / "compose.yaml").write_text(
        "services:\n  web:\n    build:\n      context: .\n    user: '1000'\n"
    )
    return [str(outside / "compose.yaml")]


@pytest.mark.parametrize(
    "way_out",
    [_symlink_out, _hard_link_out, _compose_context_out, _compose_context_beside_a_given_file],
    ids=["symlink", "hard-link", "compose-context", "compose-context-of-a-given-file"],
)
def test_fix_writes_only_inside_the_given_paths(
    tmp_path: Path, way_out: Callable[[Path, Path], list[str]]
) -> None:
    """Item 6: --fix edits no file outside the given paths, whatever leads to it."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    inside = _dockerfile(repo / "inside")
    paths = way_out(repo, outside)
    result = _fix(repo, *paths, "inside")
    assert (outside / "Dockerfile").read_text() == FIXABLE
    assert inside.read_text() == FIXED  # the run did fix what it may
    reported = _not_fixed_lines(result.stderr)
    assert len(reported) <= 1, result.stderr  # once, if the file was found at all
    if way_out is _symlink_out:  # never read at all: discovery notes the link out of the tree
        notes = json.loads(result.stdout)["notifications"]
        assert not reported
        assert any(n["path"] == "svc/Dockerfile" and "outside" in n["message"] for n in notes)
    if way_out is _hard_link_out:
        assert reported and reported[0].startswith("infralint: svc/Dockerfile: not fixed: ")
        assert "hard links" in reported[0]


# --------------------------------------------------------------------------- item 8


def _large_fixable() -> str:
    comments = "".join(f"# line {n:05} of a long history that must survive\n" for n in range(700))
    return FIXABLE + comments


def test_failed_write_leaves_the_file_whole(tmp_path: Path) -> None:
    """Item 8: a write that fails half way (file-size limit) leaves the original bytes."""
    original = _large_fixable().encode()
    assert len(original) > 30_000
    path = _dockerfile(tmp_path / "svc", original)
    result = _fix(tmp_path, ".", file_size_limit=4096)
    assert path.read_bytes() == original
    assert sorted(os.listdir(path.parent)) == ["Dockerfile"]  # no temporary file left behind
    [line] = _not_fixed_lines(result.stderr)
    assert line.startswith("infralint: svc/Dockerfile: not fixed: cannot write")


# --------------------------------------------------------------------------- item 9


def test_file_changed_between_read_and_write_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 9: a file saved (by an editor) after the fixes were computed is left as saved."""
    path = _dockerfile(tmp_path / "svc")
    saved = FIXABLE.replace("RUN echo hello", "RUN echo edited in the meantime")
    compute = fixes.fix_text

    def compute_then_save(*args: object, **kwargs: object) -> fixes.FileFix:
        outcome = compute(*args, **kwargs)  # type: ignore[arg-type]
        path.write_text(saved)  # the editor saves while the fix is about to be written
        return outcome

    monkeypatch.setattr(fixes, "fix_text", compute_then_save)
    monkeypatch.chdir(tmp_path)
    argv = ["infralint", "check", "--no-cache", "-q", "-f", "json", "--select", "DF503"]
    monkeypatch.setattr(sys, "argv", [*argv, "--fix", "."])
    with pytest.raises(SystemExit) as exit_status:
        entry.main()
    captured = capsys.readouterr()
    assert path.read_text() == saved
    assert exit_status.value.code == 1  # the saved file still has its MAINTAINER
    [line] = _not_fixed_lines(captured.err)
    assert line == "infralint: svc/Dockerfile: not fixed: the file changed since it was read"


# --------------------------------------------------------------------------- item 10


def _encode(text: str, newlines: list[str], codec: str, bom: bytes, final: bool) -> bytes:
    """`text`'s lines ended in turn by `newlines` (the last one unended unless `final`)."""
    lines = text.split("\n")[:-1]
    ends = [newlines[index % len(newlines)] for index in range(len(lines))]
    if not final:
        ends[-1] = ""
    return bom + "".join(line + end for line, end in zip(lines, ends, strict=True)).encode(codec)


BYTE_SHAPES = {
    "mixed-crlf-lf-utf8-bom": (["\r\n", "\n"], "utf-8", b"\xef\xbb\xbf", True),
    "cr-only-no-final-newline": (["\r"], "utf-8", b"", False),
    "utf16-le-bom-crlf": (["\r\n"], "utf-16-le", b"\xff\xfe", True),
    "utf16-be-bom-mixed-no-final-newline": (["\n", "\r"], "utf-16-be", b"\xfe\xff", False),
}


@pytest.mark.parametrize("shape", BYTE_SHAPES.values(), ids=BYTE_SHAPES.keys())
def test_bytes_outside_the_edit_survive_and_diff_shows_the_change(
    tmp_path: Path, shape: tuple[list[str], str, bytes, bool]
) -> None:
    """Item 10: line endings, BOM, encoding and the final newline stay; --diff shows exactly
    the change --fix makes."""
    newlines, codec, bom, final = shape
    text = FIXABLE + "# one more line\nRUN echo bye\n"
    original = _encode(text, newlines, codec, bom, final)
    path = _dockerfile(tmp_path / "svc", original)
    shown = run_cli(
        ["check", "--no-cache", "-f", "json", "--select", "DF503", "--diff", "."],
        tmp_path,
        text=False,
    )
    assert path.read_bytes() == original
    _fix(tmp_path, ".")
    expected = _encode(text.replace(MAINTAINER, LABEL), newlines, codec, bom, final)
    assert path.read_bytes() == expected
    before = original[len(bom) :].decode(codec)
    after = expected[len(bom) :].decode(codec)
    assert _patched(before, shown.stdout.decode("utf-8")) == after


def _patched(text: str, diff: str) -> str:
    """`text` with a one-file unified diff applied: proof the diff shows every change."""
    lines = re.findall(r"[^\n]*\n|[^\n]+", text)
    out: list[str] = []
    position = 0
    diff_lines = re.findall(r"[^\n]*\n", diff)
    index = 2  # after the ---/+++ header
    while index < len(diff_lines):
        header = re.match(r"@@ -(\d+)", diff_lines[index])
        assert header, diff_lines[index]
        start = max(int(header.group(1)) - 1, 0)
        out.extend(lines[position:start])
        position = start
        index += 1
        while index < len(diff_lines) and not diff_lines[index].startswith("@@"):
            line = diff_lines[index]
            body = line[1:]
            if index + 1 < len(diff_lines) and diff_lines[index + 1].startswith("\\ No newline"):
                body = body[:-1]
                index += 1
            if line[0] in " -":
                assert lines[position] == body, (lines[position], body)
                position += 1
            if line[0] in " +":
                out.append(body)
            index += 1
    out.extend(lines[position:])
    return "".join(out)


# --------------------------------------------------------------------------- item 11


def test_one_unwritable_file_does_not_stop_the_run(tmp_path: Path) -> None:
    """Item 11: a file that cannot be written is reported; the others are fixed; the exit
    status counts what is left."""
    big = _dockerfile(tmp_path / "a-big", _large_fixable())
    small = _dockerfile(tmp_path / "b-small")
    result = _fix(tmp_path, ".", file_size_limit=8192)
    assert big.read_text() == _large_fixable()
    assert small.read_text() == FIXED
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("a-big/Dockerfile", "DF503")]
    [line] = _not_fixed_lines(result.stderr)
    assert line.startswith("infralint: a-big/Dockerfile: not fixed: cannot write")


# --------------------------------------------------------------------------- item 12

# Our own fixture: each function builds a handler where `sys` (or `logging`) means something else.
SHADOWED = """\
import logging
import sys as system

sys = "not the module"


def with_parameter(sys):
    return logging.FileHandler("a.log")


def with_local():
    sys = None
    return logging.FileHandler("b.log")


def with_enclosing():
    sys = 0

    def build():
        return logging.FileHandler("c.log")

    return build()


def with_logging_parameter(logging):
    from logging import FileHandler

    return FileHandler("d.log")
"""

DRIVER = """\
import logging, runpy, sys
scope = runpy.run_path("app.py")
handlers = [
    scope["with_parameter"](object()),
    scope["with_local"](),
    scope["with_enclosing"](),
    scope["with_logging_parameter"](None),
]
assert all(type(h) is logging.StreamHandler and h.stream is sys.stdout for h in handlers)
print("ok")
"""


def test_py301_fix_names_the_modules_in_scope(tmp_path: Path) -> None:
    """Item 12: the unsafe PY301 fix writes code that runs where `sys` is shadowed."""
    (tmp_path / "Dockerfile").write_text('FROM python:3.12\nCOPY app.py .\nCMD ["python"]\n')
    app = tmp_path / "app.py"
    app.write_text(SHADOWED)
    run_cli(
        ["check", "--no-cache", "-f", "json", "--select", "PY301", "--fix", "--unsafe-fixes", "."],
        tmp_path,
    )
    fixed = app.read_text()
    assert "FileHandler(" not in fixed
    compile(fixed, "app.py", "exec")
    ran = subprocess.run(
        [sys.executable, "-c", DRIVER], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0 and ran.stdout == "ok\n", ran.stderr
