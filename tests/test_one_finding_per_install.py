"""One install command, one finding: every unpinned package named, each a related location,
and a fingerprint that survives editing the package list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infralint.cache import finding_from_json, finding_to_json
from infralint.model import Related, Span
from tests.helpers import lint_directory, run_check
from tests.test_cli import run

INSTALL = "FROM debian:12.7\nRUN apt-get update && apt-get install -y --no-install-recommends {}\n"


def column(text: str, word: str) -> int:
    """The 1-based column of ` word` on the second line (the RUN)."""
    return text.splitlines()[1].index(f" {word}") + 2


def _df104(tmp_path: Path, packages: str) -> list[tuple[str, str]]:
    (tmp_path / "Dockerfile").write_text(INSTALL.format(packages))
    result = lint_directory(tmp_path, select=["DF104"])
    return [(finding.fingerprint, finding.message) for finding in result.findings]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("git make", "git make curl"),  # a package added
        ("git make curl", "git curl"),  # one removed
        ("git make", "git"),  # down to one
        ("git make", "jq=1.6 git make"),  # a pinned one added in front
    ],
)
def test_fingerprint_survives_editing_the_package_list(
    tmp_path: Path, before: str, after: str
) -> None:
    (old,) = _df104(tmp_path, before)
    (new,) = _df104(tmp_path, after)
    assert old[0] == new[0]


def test_two_installs_keep_two_fingerprints(tmp_path: Path) -> None:
    text = INSTALL.format("git") + "RUN apt-get install -y --no-install-recommends make\n"
    (tmp_path / "Dockerfile").write_text(text)
    findings = lint_directory(tmp_path, select=["DF104"]).findings
    assert len({finding.fingerprint for finding in findings}) == 2


def test_every_package_is_named_and_related() -> None:
    text = INSTALL.format("git make=4.3-4.1 curl")
    (found,) = run_check("DF104", text)
    assert found.message == (
        "2 packages are not pinned: 'git', 'curl' (apt-get install <package>=<version>)"
    )
    assert found.span.column == INSTALL.splitlines()[1].index("apt-get install") + 1
    assert [(item.span.column, item.message) for item in found.related] == [
        (column(text, "git"), "package 'git' is not pinned"),
        (column(text, "curl"), "package 'curl' is not pinned"),
    ]


@pytest.mark.parametrize(
    ("code", "text", "count"),
    [
        ("DF105", "FROM alpine:3.20\nRUN apk add --no-cache bash curl jq=1.7.1-r0\n", 2),
        ("DF106", "FROM rockylinux:9.3\nRUN dnf install -y httpd git && dnf clean all\n", 2),
        (
            "DF107",
            "FROM python:3.12.5\nRUN pip install --no-cache-dir flask requests==2.32.3 rich\n",
            2,
        ),
        ("DF108", "FROM node:20.16.0\nRUN npm install -g typescript eslint@latest\n", 2),
        ("DF109", "FROM ruby:3.3.4\nRUN gem install rails bundler\n", 2),
        ("DF110", "FROM golang:1.22.6\nRUN go install a.example/x@latest b.example/y@master\n", 2),
    ],
)
def test_each_pinning_rule_gives_one_finding_per_command(code: str, text: str, count: int) -> None:
    (found,) = run_check(code, text)
    assert len(found.related) == count
    assert found.message.startswith(f"{count} ")


def test_sarif_lists_each_package_as_a_related_location(tmp_path: Path) -> None:
    text = INSTALL.format("git make")
    (tmp_path / "Dockerfile").write_text(text)
    process = run(["check", "--no-cache", "--select", "DF104", "-f", "sarif", "."], tmp_path)
    (result,) = json.loads(process.stdout)["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [item["id"] for item in related] == [1, 2]
    assert [item["message"]["text"] for item in related] == [
        "package 'git' is not pinned",
        "package 'make' is not pinned",
    ]
    assert related[1]["physicalLocation"]["region"]["startColumn"] == column(text, "make")
    assert related[1]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"


def test_related_locations_survive_the_cache(tmp_path: Path) -> None:
    text = INSTALL.format("git make")
    (tmp_path / "Dockerfile").write_text(text)
    (finding,) = lint_directory(tmp_path, select=["DF104"]).findings
    git, make = column(text, "git"), column(text, "make")
    assert finding.related == (
        Related(Span(2, git, 2, git + 3), "package 'git' is not pinned"),
        Related(Span(2, make, 2, make + 4), "package 'make' is not pinned"),
    )
    stored = json.loads(json.dumps(finding_to_json(finding)))
    assert finding_from_json(stored, finding.path) == finding


def test_a_baselined_install_stays_baselined_when_a_package_is_added(tmp_path: Path) -> None:
    (tmp_path / ".infralint.toml").write_text('select = ["DF104"]\n')
    (tmp_path / "Dockerfile").write_text(INSTALL.format("git make"))
    assert run(["baseline", "create", "."], tmp_path).returncode == 0
    (tmp_path / "Dockerfile").write_text(INSTALL.format("git make curl"))
    checked = run(
        ["check", "--no-cache", "-f", "json", "--baseline", ".infralint-baseline.json", "."],
        tmp_path,
    )
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["findings"] == []
