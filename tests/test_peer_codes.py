"""hadolint's DL codes (and ShellCheck's SC codes) wherever infralint reads a rule code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from infralint import peer_codes
from infralint.catalog import load_catalog
from infralint.config import ConfigError, config_from_dict, enabled_codes, ignored_for_path
from infralint.suppressions import parse_suppressions


def _ours(code: str) -> set[str]:
    return set(load_catalog().peer_map("hadolint")[code])


def test_dl_codes_select_and_ignore_their_peers() -> None:
    catalog = load_catalog()
    config = config_from_dict({}, None, catalog)
    assert enabled_codes(config, catalog, select=["DL3008"]) == _ours("DL3008")
    assert enabled_codes(config, catalog, select=["DF", "DL3008"], ignore=["dl3008"]) == (
        enabled_codes(config, catalog, select=["DF"]) - _ours("DL3008")
    )
    extended = enabled_codes(config, catalog, select=["DC"], extend_select=["DL4006"])
    assert extended - enabled_codes(config, catalog, select=["DC"]) == _ours("DL4006")


def test_dl_codes_in_config_and_per_file_ignores() -> None:
    catalog = load_catalog()
    config = config_from_dict(
        {"ignore": ["DL3008"], "per-file-ignores": {"legacy/*": ["DL3018", "SC2086"]}},
        None,
        catalog,
    )
    assert not enabled_codes(config, catalog) & _ours("DL3008")
    assert ignored_for_path(config, "legacy/Dockerfile", catalog) == _ours("DL3018") | {"SC2086"}


def test_unknown_dl_code_names_the_nearest_rule() -> None:
    catalog = load_catalog()
    with pytest.raises(ConfigError, match=r"unknown hadolint rule 'DL3099'.*nearest.*DL30"):
        config_from_dict({"ignore": ["DL3099"]}, None, catalog)
    with pytest.raises(ConfigError, match=r"DL3005 was retired.*DF115"):
        config_from_dict({"select": ["DL3005"]}, None, catalog)
    with pytest.raises(ConfigError, match="unknown ShellCheck code"):
        config_from_dict({"select": ["SC9"]}, None, catalog)


def test_a_deliberately_unported_dl_code_is_a_note() -> None:
    catalog = load_catalog()
    peer_codes.take_notes()
    config = config_from_dict({}, None, catalog)
    assert enabled_codes(config, catalog, select=["DF101"], ignore=["DL3049"]) == {"DF101"}
    [note] = peer_codes.take_notes()
    assert "DL3049 is not ported" in note and "label-schema" in note
    assert set(peer_codes.NOT_PORTED).isdisjoint(catalog.peer_map("hadolint"))


def test_inline_ignore_accepts_dl_and_sc_codes() -> None:
    lines = [
        "FROM a",
        "# infralint: ignore DL3008, SC2086 -- legacy",
        "RUN apt-get install -y curl $X",
    ]
    [suppression], problems = parse_suppressions(lines, load_catalog(), lambda line: line)
    assert not problems
    assert suppression.codes == _ours("DL3008") | {"SC2086"}


def test_rule_command_shows_what_a_dl_code_maps_to(tmp_path: Path) -> None:
    def rule(code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "infralint", "rule", code],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    mapped = rule("DL3008")
    assert mapped.returncode == 0, mapped.stderr
    first = mapped.stdout.splitlines()[0]
    assert first == f"hadolint DL3008 is {', '.join(sorted(_ours('DL3008')))}"
    unported = rule("DL3049")
    assert unported.returncode == 0 and "not ported" in unported.stdout
    unknown = rule("DL3099")
    assert unknown.returncode == 2 and "nearest known one is" in unknown.stderr
    shellcheck = rule("SC2086")
    assert shellcheck.returncode == 0
    assert "https://www.shellcheck.net/wiki/SC2086" in shellcheck.stdout
