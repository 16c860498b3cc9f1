"""The version lives in infralint/__init__.py alone; everything else reads it from there."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib

import pytest

from infralint import __version__
from infralint.links import DOCS_SITE_URL, docs_url, docs_version, rule_page, rule_url
from tests.conftest import REPO
from tests.release_versions import is_published_version


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "infralint/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+([a-z]+\d+|\.dev\d+)?", __version__)


def test_installed_metadata_agrees() -> None:
    assert importlib.metadata.version("infralint") == __version__


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flags_print_the_version(flag: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "infralint", flag], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"infralint {__version__}\n"


def test_changelog_is_ready_for_the_version() -> None:
    # Between releases the newest section is [Unreleased]; RELEASING.md renames it on release.
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## \[([^\]]+)\]", changelog, re.M)
    assert newest, "CHANGELOG.md has no '## [VERSION]' section"
    assert newest.group(1) in {"Unreleased", __version__}


@pytest.mark.parametrize(
    ("version", "folder"),
    [("0.1.0", "0.1.0"), ("1.12.3", "1.12.3"), ("0.2.0.dev1", "dev"), ("0.2.0rc1", "dev")],
)
def test_docs_links_follow_the_version(version: str, folder: str) -> None:
    assert docs_version(version) == folder
    assert rule_url("DF104", version) == f"{DOCS_SITE_URL}/{folder}/rules/DF104/"
    assert docs_url("", version) == f"{DOCS_SITE_URL}/{folder}/"
    assert rule_url("DF104") == docs_url(rule_page("DF104"))


def test_rule_command_links_the_rule_s_page() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "infralint", "rule", "DF104"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(f"Online: {rule_url('DF104')}")


@pytest.mark.parametrize(
    ("named", "current", "ok"),
    [
        ("0.1.0", "0.1.0", True),
        ("0.0.9", "0.1.0", False),  # a release commit names its own version
        ("0.1.0", "0.2.0.dev0", True),  # between releases: the newest published one
        ("0.2.0", "0.2.0.dev0", False),  # not published yet
        ("0.1.0.dev0", "0.2.0.dev0", False),
        ("latest", "0.1.0", False),
    ],
)
def test_snippets_name_a_published_version(named: str, current: str, ok: bool) -> None:
    assert is_published_version(named, current) is ok
