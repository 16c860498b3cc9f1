"""Hostile input never crashes, hangs or executes (issue: robustness).

Every input is generated here at test time. Each case runs the real CLI in a subprocess with a
wall-clock bound and an address-space bound, and asserts: no traceback, exit status 0 or 1 (2 only
for a missing path), a clear IL001 or message, and that a normal file in the same run is still
checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.harness import assert_control_checked, findings, il001, lint

Writer = Callable[[Path], None]


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _invalid_utf8(path: Path) -> None:
    path.write_bytes(b"FROM alpine:3.20\nRUN echo \xff\xfe caf\xe9\n")


def _nul(path: Path) -> None:
    path.write_bytes(b"FROM alpine:3.20\x00\nRUN true\n")


@pytest.mark.parametrize(
    ("writer", "needle"),
    [
        (_binary, "binary"),
        (_invalid_utf8, "UTF-8"),
        (_nul, "binary"),
    ],
    ids=["binary-garbage", "invalid-utf8", "nul-bytes"],
)
def test_unreadable_bytes_are_il001(tmp_path: Path, writer: Writer, needle: str) -> None:
    writer(tmp_path / "Dockerfile")
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    messages = il001(report, "Dockerfile")
    assert len(messages) == 1 and needle in messages[0]
    assert_control_checked(report)


def test_utf16_with_bom_crlf_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_bytes("FROM alpine\r\nRUN true\r\n".encode("utf-16"))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "Dockerfile").write_bytes(b"FROM alpine\r\nRUN true\r\n")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "Dockerfile").write_bytes(b"")
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    for path in ("a/Dockerfile", "b/Dockerfile"):
        df101 = [f for f in findings(report, path) if f["code"] == "DF101"]
        assert [(f["line"], f["column"]) for f in df101] == [(1, 6)], path
    assert_control_checked(report)


def test_fifty_thousand_line_continuation(tmp_path: Path) -> None:
    body = "RUN echo start \\\n" + "  && echo more \\\n" * 50_000 + "  && echo end\n"
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n" + body)
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    assert_control_checked(report)


def test_sixty_megabyte_dockerfile_hits_the_size_limit(tmp_path: Path) -> None:
    line = "RUN echo " + "x" * 90 + "\n"
    with (tmp_path / "Dockerfile").open("w") as handle:
        handle.write("FROM alpine:3.20\n")
        handle.write(line * (60 * 1024 * 1024 // len(line)))
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    (message,) = il001(report, "Dockerfile")
    assert "max-file-size" in message
    assert_control_checked(report)


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['x-a0: &a0 ["lol"]']
    for level in range(1, levels):
        refs = ", ".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"x-a{level}: &a{level} [{refs}]")
    lines += ["services:", "  web:", "    image: nginx:1.27", f"    labels: *a{levels - 1}"]
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(_alias_bomb())
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    (message,) = il001(report, "compose.yaml")
    assert "alias" in message
    assert_control_checked(report)


def test_recursive_alias(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services: &s\n  web: *s\n")
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    assert_control_checked(report)


def test_ten_thousand_levels_of_nesting(tmp_path: Path) -> None:
    depth = 10_000
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    x: " + "[" * depth + "]" * depth + "\n"
    )
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    (message,) = il001(report, "compose.yaml")
    assert "depth" in message or "nest" in message
    assert_control_checked(report)


def test_hundred_thousand_services(tmp_path: Path) -> None:
    services = "".join(f"  s{i}:\n    image: nginx:1.27\n" for i in range(100_000))
    (tmp_path / "compose.yaml").write_text("services:\n" + services)
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    assert_control_checked(report)


def _cookbook(tmp_path: Path, recipe: str) -> None:
    (tmp_path / "cb" / "recipes").mkdir(parents=True)
    (tmp_path / "cb" / "metadata.rb").write_text("name 'cb'\nversion '1.0.0'\n")
    (tmp_path / "cb" / "recipes" / "default.rb").write_text(recipe)


def test_ruby_with_five_thousand_nested_blocks(tmp_path: Path) -> None:
    depth = 5_000
    _cookbook(tmp_path, "x do\n" * depth + "package 'curl'\n" + "end\n" * depth)
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    assert_control_checked(report)


def test_ruby_unterminated_heredoc(tmp_path: Path) -> None:
    _cookbook(tmp_path, "execute 'x' do\n  command <<-EOH\n    apt-get install -y curl\n")
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    assert il001(report, "cb/recipes/default.rb")
    assert_control_checked(report)


def test_symlink_loop_fifo_and_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path / "loop", tmp_path / "loop" / "again")
    os.symlink(tmp_path / "self", tmp_path / "self")
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "Dockerfile")
    (tmp_path / "locked").mkdir()
    locked = tmp_path / "locked" / "Dockerfile"
    locked.write_text("FROM alpine\n")
    locked.chmod(0)
    status, report, _ = lint(tmp_path)
    assert status in (0, 1)
    assert il001(report, "fifo/Dockerfile")
    if os.geteuid() != 0:  # root reads any file
        assert il001(report, "locked/Dockerfile")
    assert_control_checked(report)


def test_missing_path_exits_2_and_the_rest_is_reported(tmp_path: Path) -> None:
    status, report, stderr = lint(tmp_path, "does-not-exist", "control")
    assert status == 2
    assert "does-not-exist" in stderr
    assert_control_checked(report)


def test_odd_file_names_are_reported_unmangled(tmp_path: Path) -> None:
    odd = tmp_path / "dir with spaces" / "ünï"
    odd.mkdir(parents=True)
    (odd / "Dockerfile").write_text("FROM alpine\n")
    raw = os.fsencode(tmp_path) + b"/caf\xe9"
    os.mkdir(raw)
    with open(raw + b"/Dockerfile", "wb") as handle:
        handle.write(b"FROM alpine\n")
    status, report, _ = lint(tmp_path)
    assert status == 1
    paths = {f["path"] for f in report["findings"]}  # type: ignore[attr-defined]
    assert "dir with spaces/ünï/Dockerfile" in paths
    assert any(str(path).startswith("caf") for path in paths)
