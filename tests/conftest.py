"""Shared fixtures. `--update-goldens` rewrites golden files instead of comparing with them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty project directory (for the cache and the file writer)."""
    project = tmp_path / "project"
    project.mkdir()
    return project


@pytest.fixture
def directory_fd(root: Path) -> Iterator[int]:
    """An open descriptor of `root`, as the writer and the cache work relative to one."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    yield fd
    os.close(fd)
