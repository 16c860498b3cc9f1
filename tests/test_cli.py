"""The command line as INTERFACES.md describes it, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BAD_DOCKERFILE = "FROM ubuntu:24.04\n# infralint: ignore NOPE1\nRUN true\n"
GOOD_DOCKERFILE = "FROM ubuntu:24.04\n"


def run(
    args: list[str], cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "infralint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "Dockerfile").write_text(BAD_DOCKERFILE)
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "Dockerfile").write_text(GOOD_DOCKERFILE)
    return tmp_path


def test_findings_exit_1_and_text_format(project: Path) -> None:
    result = run(["check", "--no-cache", "--select", "IL", "."], project)
    assert result.returncode == 1, result.stderr
    assert "bad/Dockerfile:2:1: IL003 [warning] suppression names unknown rule 'NOPE1'" in (
        result.stdout
    )
    assert "Found 1 finding (1 warning) in 2 files." in result.stdout
    assert "Traceback" not in result.stderr


def test_exit_zero_and_fail_on(project: Path) -> None:
    assert (
        run(["check", "--no-cache", "--select", "IL", "--exit-zero", "."], project).returncode == 0
    )
    assert (
        run(
            ["check", "--no-cache", "--select", "IL", "--fail-on", "error", "."], project
        ).returncode
        == 0
    )
    assert (
        run(["check", "--no-cache", "--select", "IL", "--fail-on", "note", "."], project).returncode
        == 1
    )


def test_missing_path_exits_2_but_reports_the_others(project: Path) -> None:
    result = run(["check", "--no-cache", "--select", "IL", "-f", "json", "nope", "bad"], project)
    assert result.returncode == 2
    assert "nope: no such file or directory" in result.stderr
    data = json.loads(result.stdout)
    assert [f["code"] for f in data["findings"]] == ["IL003"]


def test_json_report_matches_the_contract(project: Path) -> None:
    result = run(["check", "--no-cache", "--select", "IL", "-f", "json", "."], project)
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert data["tool"]["name"] == "infralint"
    assert data["files_checked"] == 2
    finding = data["findings"][0]
    assert set(finding) >= {
        "code",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "fingerprint",
    }
    assert finding["path"] == "bad/Dockerfile"
    assert (finding["line"], finding["column"]) == (2, 1)


def test_output_file_and_several_formats(project: Path) -> None:
    result = run(
        ["check", "--no-cache", "--select", "IL", "-f", "text", "-f", "json:out.json", "."], project
    )
    assert result.returncode == 1
    assert "IL003" in result.stdout
    assert json.loads((project / "out.json").read_text())["findings"][0]["code"] == "IL003"


def test_unknown_select_code_exits_2(project: Path) -> None:
    result = run(["check", "--select", "XX999", "."], project)
    assert result.returncode == 2
    assert "unknown rule or prefix 'XX999'" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_config_exits_2_with_one_line(project: Path) -> None:
    (project / ".infralint.toml").write_text("select = [\n")
    result = run(["check", "."], project)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert ".infralint.toml: invalid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_config_key_names_file_and_key(project: Path) -> None:
    (project / ".infralint.toml").write_text('selekt = ["DF"]\n')
    result = run(["check", "."], project)
    assert result.returncode == 2
    assert "unknown key 'selekt'" in result.stderr


def test_stdin_with_filename(project: Path) -> None:
    result = run(
        [
            "check",
            "--no-cache",
            "--select",
            "IL",
            "-f",
            "json",
            "--stdin-filename",
            "svc/Dockerfile",
            "-",
        ],
        project,
        stdin=BAD_DOCKERFILE,
    )
    data = json.loads(result.stdout)
    assert [f["path"] for f in data["findings"]] == ["svc/Dockerfile"]


def test_rules_json_has_the_contract_keys() -> None:
    result = run(["rules", "--format", "json"], REPO)
    assert result.returncode == 0
    rules = json.loads(result.stdout)
    assert rules
    for rule in rules:
        assert set(rule) >= {
            "code",
            "name",
            "language",
            "severity",
            "enabled",
            "tags",
            "summary",
            "fix",
            "peers",
        }
        assert isinstance(rule["peers"], dict)


def test_rule_prints_its_document() -> None:
    result = run(["rule", "IL002"], REPO)
    assert result.returncode == 0
    assert "IL002 unused-suppression" in result.stdout
    assert "## Why is this bad?" in result.stdout
    assert run(["rule", "unused-suppression", "--format", "json"], REPO).returncode == 0
    assert run(["rule", "XX000"], REPO).returncode == 2


def test_files_explains_every_decision(project: Path) -> None:
    (project / "notes.txt").write_text("hi")
    (project / "Dockerfile.j2").write_text("FROM {{ base }}\n")
    (project / ".gitignore").write_text("ignored/\n")
    (project / "ignored").mkdir()
    (project / "ignored" / "Dockerfile").write_text(GOOD_DOCKERFILE)
    result = run(["files", "."], project)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "bad/Dockerfile\tdockerfile\tDockerfile name" in lines
    assert not any(line.startswith("ignored/") for line in lines)
    assert not any("Dockerfile.j2\tdockerfile" in line for line in lines)


def test_config_prints_the_effective_config(project: Path) -> None:
    (project / ".infralint.toml").write_text(
        'ignore = ["DF"]\n[rules.IL001]\n'.replace("[rules.IL001]\n", "")
    )
    result = run(["config"], project)
    assert result.returncode == 0
    assert 'ignore = ["DF"]' in result.stdout
    assert "# config file:" in result.stdout


def test_explicit_non_infrastructure_file_is_skipped_quietly(project: Path) -> None:
    (project / "values.yaml").write_text("replicas: 3\n")
    result = run(["check", "--no-cache", "values.yaml"], project)
    assert result.returncode == 0
    assert "No findings in 0 files." in result.stdout


def test_explicit_file_classified_by_content(project: Path) -> None:
    (project / "build.docker").write_text(BAD_DOCKERFILE)
    result = run(["check", "--no-cache", "--select", "IL", "build.docker"], project)
    assert result.returncode == 1
    assert "IL003" in result.stdout


def test_version_and_help() -> None:
    assert "infralint 0.1.0" in run(["--version"], REPO).stdout
    for command in ("check", "rules", "rule", "files", "config"):
        result = run([command, "--help"], REPO)
        assert result.returncode == 0
        assert "Usage:" in result.stdout
