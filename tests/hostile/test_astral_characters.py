"""Characters beyond the Basic Multilingual Plane in shell scripts.

tree-sitter-bash's scanner crashed the whole process (SIGSEGV) on some of them, found by the fuzz
suite: `RUN Q{` followed by U+DBAE3. The crash is intermittent, so each case runs many
Dockerfiles in one process; a crash is a negative exit status, never a report.
"""

from __future__ import annotations

from pathlib import Path

from infralint.parsers.shell import parse_shell
from tests.hostile.harness import assert_control_checked, codes, lint

CRASHERS = ["\U000dbae3", "\U000e0000", "\U0010fffd"]


def test_run_scripts_with_astral_characters_never_crash(tmp_path: Path) -> None:
    for index in range(60):
        char = CRASHERS[index % len(CRASHERS)]
        text = f"FROM alpine:3.20\nRUN Q{{{char}}} && apt-get install -y curl\n"
        (tmp_path / f"Dockerfile.{index}").write_text(text, encoding="utf-8")
    status, report, stderr = lint(tmp_path)
    assert status == 1, stderr  # findings, not a crash (a signal gives a negative status)
    assert codes(report, "Dockerfile.0").count("DF104") == 1  # the script is still read
    assert_control_checked(report)


def test_words_keep_their_own_characters() -> None:
    # The grammar sees stand-ins; the words are cut from the script's own text.
    script = parse_shell('echo "\U0001f600 $X" Q{\U000dbae3}\n')
    (command,) = script.commands
    assert [word.text for word in command.args] == ["\U0001f600 $X", "Q{\U000dbae3}"]
    assert command.args[1].span.column == 13 and command.args[1].span.end_column == 17
