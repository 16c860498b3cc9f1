"""hadolint migration: pragmas and .hadolint.yaml keys give the same suppressions as hadolint."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import run

DOCKERFILE = """FROM ubuntu
# hadolint ignore=DL3008,SC2086
RUN apt-get update && apt-get install -y curl
RUN apt-get install -y wget && rm -rf /var/lib/apt/lists/*
MAINTAINER someone
"""


def _infralint(project: Path) -> set[tuple[str, int]]:
    result = run(["check", "--no-cache", "-f", "json", "--select", "ALL", "Dockerfile"], project)
    assert result.returncode in (0, 1), result.stderr
    return {
        (f.get("peer") or f["code"], f["line"])
        for f in json.loads(result.stdout)["findings"]
        if f.get("peer") or f["code"].startswith("DF")
    }


def _codes(project: Path) -> set[str]:
    result = run(["check", "--no-cache", "-f", "json", "Dockerfile"], project)
    return {f["code"] for f in json.loads(result.stdout)["findings"]}


def _lines(project: Path, code: str) -> list[int]:
    result = run(["check", "--no-cache", "-f", "json", "Dockerfile"], project)
    return [f["line"] for f in json.loads(result.stdout)["findings"] if f["code"] == code]


def test_ignore_pragma_covers_the_next_instruction(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    assert _lines(tmp_path, "DF104") == [4]


def test_global_pragma_and_disable_ignore_pragma(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("# hadolint global ignore=DL3008\n" + DOCKERFILE)
    assert _lines(tmp_path, "DF104") == []
    (tmp_path / ".hadolint.yaml").write_text("disable-ignore-pragma: true\n")
    assert _lines(tmp_path, "DF104") == [4, 5]


def test_ignored_key(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".hadolint.yaml").write_text("ignored:\n  - DL4000\n  - DL3006\n")
    codes = _codes(tmp_path)
    assert "DF503" not in codes and "DF101" not in codes
    assert "DF104" in codes


def test_override_and_failure_threshold(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM ubuntu:24.04\nMAINTAINER me\n")
    (tmp_path / ".hadolint.yaml").write_text("override:\n  error:\n    - DL4000\n")
    result = run(["check", "--no-cache", "-f", "json", "Dockerfile"], tmp_path)
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "DF503"]
    assert finding["severity"] == "error"
    (tmp_path / ".hadolint.yaml").write_text("failure-threshold: error\n")
    assert run(["check", "--no-cache", "Dockerfile"], tmp_path).returncode == 0


def test_trusted_registries(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM evil.example.com/x:1.0\n")
    (tmp_path / ".hadolint.yaml").write_text("trustedRegistries:\n  - docker.io\n")
    assert "DF117" in _codes(tmp_path)
    (tmp_path / ".hadolint.yaml").write_text("trustedRegistries:\n  - evil.example.com\n")
    assert "DF117" not in _codes(tmp_path)


def test_infralint_config_wins_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DL4000]\n")
    (tmp_path / ".infralint.toml").write_text("fail-on = 'error'\n")
    assert "DF503" in _codes(tmp_path)
    (tmp_path / ".infralint.toml").write_text("hadolint-config = true\n")
    assert "DF503" not in _codes(tmp_path)


def test_unknown_codes_are_quiet_unless_verbose(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DL9999]\n")
    assert "DL9999" not in run(["check", "--no-cache", "Dockerfile"], tmp_path).stderr
    assert "DL9999" in run(["check", "--no-cache", "-v", "Dockerfile"], tmp_path).stderr


def test_migrate_prints_a_config_block(tmp_path: Path) -> None:
    (tmp_path / ".hadolint.yaml").write_text(
        "ignored: [DL3008, DL9999]\nfailure-threshold: info\ntrustedRegistries: [docker.io]\n"
    )
    result = run(["migrate", "hadolint"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[tool.infralint]" in result.stdout
    assert 'ignore = ["DF104"]' in result.stdout
    assert 'fail-on = "note"' in result.stdout
    assert "DL9999 has no infralint equivalent" in result.stdout
    assert 'trusted-registries = ["docker.io"]' in result.stdout


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint is not installed")
def test_same_suppressions_as_hadolint(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DL4000]\n")
    out = subprocess.run(
        ["hadolint", "-f", "json", "--no-fail", "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    theirs = {(f["code"], f["line"]) for f in json.loads(out) if f["code"] in ("DL3008", "DL4000")}
    ours = {(peer, line) for peer, line in _infralint(tmp_path) if peer in ("DL3008", "DL4000")}
    assert ours == theirs


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ignored: 5\n", "ignored: expected a list of rule codes"),
        ("trustedRegistries: {a: 1}\n", "trustedRegistries: expected a list"),
        ("override: {error: [[DL3000]]}\n", "override.error: expected a list"),
        ("failure-threshold: {a: 1}\n", "failure-threshold: unknown level {'a': 1}"),
        ("disable-ignore-pragma: 'yes'\n", "disable-ignore-pragma: expected true or false"),
        ("- a\n", "a hadolint config is a mapping"),
        ("a: [\n", "cannot read hadolint config"),
    ],
)
def test_malformed_hadolint_config_is_a_config_error(
    tmp_path: Path, text: str, message: str
) -> None:
    from infralint.catalog import load_catalog
    from infralint.config import Config, ConfigError
    from infralint.hadolint import load_yaml, translate

    path = tmp_path / ".hadolint.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        translate(load_yaml(path), path, load_catalog(), Config())
