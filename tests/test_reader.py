"""The contained reader (infralint/reader.py): what it reads and what it refuses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infralint import reader


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """(scanned tree, a sibling outside it)."""
    inside, outside = tmp_path / "repo", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (inside / "a.txt").write_text("inside\n")
    (outside / "secret.txt").write_text("secret\n")
    return inside, outside


def test_reads_a_file_inside_and_a_link_that_stays_inside(tree: tuple[Path, Path]) -> None:
    inside, _ = tree
    (inside / "link").symlink_to(inside / "a.txt")
    roots = reader.scan_roots([inside])
    assert reader.read_text(inside / "a.txt", roots, 100) == "inside\n"
    assert reader.read_text(inside / "link", roots, 100) == "inside\n"


@pytest.mark.parametrize("how", ["symlink", "dotdot", "absolute"])
def test_refuses_what_resolves_outside(tree: tuple[Path, Path], how: str) -> None:
    inside, outside = tree
    (inside / "link").symlink_to(outside / "secret.txt")
    path = {
        "symlink": inside / "link",
        "dotdot": inside / ".." / "outside" / "secret.txt",
        "absolute": outside / "secret.txt",
    }[how]
    with pytest.raises(reader.ReadRefused, match="outside the scanned tree"):
        reader.read_bytes(path, reader.scan_roots([inside]), 100)


def test_an_auxiliary_file_is_never_read_through_a_link(tree: tuple[Path, Path]) -> None:
    inside, _ = tree
    (inside / ".env").symlink_to(inside / "a.txt")
    with pytest.raises(reader.ReadRefused, match="symbolic link"):
        reader.read_bytes(inside / ".env", reader.scan_roots([inside]), 100, follow_links=False)


def test_refuses_a_fifo_a_device_and_a_file_over_the_cap(tree: tuple[Path, Path]) -> None:
    inside, _ = tree
    os.mkfifo(inside / "fifo")
    roots = reader.scan_roots([inside])
    with pytest.raises(reader.ReadRefused, match="not a regular file"):
        reader.read_bytes(inside / "fifo", roots, 100)
    with pytest.raises(reader.ReadRefused, match="not a regular file"):
        reader.read_bytes("/dev/zero", ("/dev",), 100)
    with pytest.raises(reader.ReadRefused, match="over the size limit of 3"):
        reader.read_bytes(inside / "a.txt", roots, 3)


def test_a_file_argument_is_its_own_root(tree: tuple[Path, Path]) -> None:
    inside, _ = tree
    (inside / "b.txt").write_text("beside\n")
    roots = reader.scan_roots([inside / "a.txt", inside / "missing"])
    assert roots == (os.path.realpath(inside / "a.txt"),)
    assert reader.read_text_or_none(inside / "b.txt", roots, 100) is None
    assert reader.read_text_or_none(inside / "a.txt", roots, 100) == "inside\n"
    assert reader.read_text_or_none(inside / "a.txt", (), 100) is None  # no roots: nothing read


def test_names_round_trip_between_utf8_and_the_native_form() -> None:
    for name in ("café/Dockerfile", "b\udcffd/Dockerfile", "plain"):
        assert reader.native_name(reader.utf8_name(name)) == name
