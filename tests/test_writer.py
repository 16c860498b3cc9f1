"""The one file writer (infralint/writer.py): whole or not at all, never through a planted link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from infralint import writer


def test_a_planted_temporary_name_is_skipped_never_followed(
    root: Path, directory_fd: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = root.parent / "bashrc"
    target.write_text("original\n")
    (root / "planted.tmp").symlink_to(target)
    names = iter(["planted.tmp", "fresh.tmp"])
    monkeypatch.setattr(writer, "temporary_name", lambda name: next(names))
    writer.write_atomic(directory_fd, "index.json", b"data")
    assert target.read_text() == "original\n"
    assert (root / "planted.tmp").is_symlink()
    assert (root / "index.json").read_bytes() == b"data"
    assert sorted(path.name for path in root.iterdir()) == ["index.json", "planted.tmp"]
    assert stat.S_IMODE((root / "index.json").stat().st_mode) == 0o600


def test_a_symlink_at_the_destination_is_replaced_not_followed(
    root: Path, directory_fd: int
) -> None:
    target = root.parent / "victim"
    target.write_text("original\n")
    (root / "index.json").symlink_to(target)
    writer.write_atomic(directory_fd, "index.json", b"data")
    assert target.read_text() == "original\n"
    assert not (root / "index.json").is_symlink()
    assert (root / "index.json").read_bytes() == b"data"


def test_a_failed_write_leaves_no_temporary_file(
    root: Path, directory_fd: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        writer.write_atomic(directory_fd, "index.json", b"data")
    assert list(root.iterdir()) == []


def test_mode_and_owner_are_those_asked_for(root: Path, directory_fd: int) -> None:
    writer.write_atomic(
        directory_fd, "script.sh", b"x", mode=0o751, owner=(os.getuid(), os.getgid())
    )
    info = (root / "script.sh").stat()
    assert stat.S_IMODE(info.st_mode) == 0o751
    assert (info.st_uid, info.st_gid) == (os.getuid(), os.getgid())
