"""Output cannot be forged; config and baseline files are validated input (issue 20, items 18, 19).

Item 18: directory names and file content carry newlines, terminal escape sequences (OSC 52 writes
the clipboard), C1 controls and bidi overrides. No human-readable output and no message on stderr
may print them raw, and under GitHub Actions no line may start a workflow command we did not
write. Item 19: malformed config, .hadolint.yaml and baseline files are a one-line configuration
error (exit 2), and a baseline entry hides a finding only in the file it names.
"""

from __future__ import annotations

import json
import re
import time
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.harness import findings, lint, run_cli

# What a terminal or a log viewer would obey: C0 controls other than tab and line feed (a raw
# carriage return rewrites the line on a terminal), DEL, C1, bidi marks and overrides, and the
# Unicode line separators.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
FORGED_DIR = "x\n::stop-commands::tok\n::error file=a::forged"
HOSTILE_DIRS = (
    FORGED_DIR,
    "osc\x1b]52;c;aGFja2Vk\x07",
    "bidi\u202etxt.exe\u2066",
    "c1\x85\x9b31m",
    "cr\rfake",
)
# A line the Dockerfile parser quotes in IL001 ("unknown instruction ..."): file content.
HOSTILE_LINE = "\x1b]52;c;aGFja2Vk\x07\x1b[2J\u202e::error::content\n"
# A compose value the checks quote, with a line break of its own.
HOSTILE_COMPOSE = 'services:\n  web:\n    image: "evil\\n::error file=b::forged\\u001b[31m"\n'
# A config value `infralint config` prints: it must stay inside its TOML string.
EXCLUDED = "\x1b]52;c;aGk=\x07\n[tool.evil]\n::error::toml\u202e"
# Our own workflow commands: a kind, properties without a raw `::`, then `::` and the data.
OUR_COMMAND = re.compile(r"^::(error|warning|notice)( [^:]*)?::")


def _hostile_tree(root: Path) -> None:
    for name in HOSTILE_DIRS:
        (root / name).mkdir()
        (root / name / "Dockerfile").write_text("FROM alpine\n")
    (root / "content").mkdir()
    (root / "content" / "Dockerfile").write_text("FROM alpine:3.20\n" + HOSTILE_LINE)
    (root / "compose.yaml").write_text(HOSTILE_COMPOSE)


def _run(root: Path, args: list[str], env: dict[str, str] | None = None) -> tuple[str, str]:
    # Bytes: text mode would turn a raw carriage return into a line feed before we look.
    result = run_cli(args, root, env=env, text=False)
    stdout: str = result.stdout.decode("utf-8", "surrogateescape")
    return stdout, result.stderr.decode("utf-8", "surrogateescape")


def _assert_nothing_raw(text: str) -> None:
    raw = RAW_CONTROL.findall(text)
    assert not raw, f"raw control characters {raw!r} in output"


def _assert_no_forged_line(text: str) -> None:
    for line in text.split("\n"):
        assert not line.startswith("::"), line


def test_text_output_shows_hostile_paths_and_content_escaped(tmp_path: Path) -> None:
    """Item 18: text output (and its summary) prints paths and quoted content escaped."""
    _hostile_tree(tmp_path)
    stdout, stderr = _run(tmp_path, ["check", "--no-cache", "-f", "text", "."])
    _assert_nothing_raw(stdout + stderr)
    _assert_no_forged_line(stdout + stderr)
    # Still reported, visibly: the escapes say what the name really is.
    assert "x\\n::stop-commands::tok\\n::error file=a::forged/Dockerfile:1:6: DF101" in stdout
    assert "osc\\x1b]52;c;aGFja2Vk\\x07/Dockerfile" in stdout
    assert "bidi\\u202etxt.exe\\u2066/Dockerfile" in stdout
    assert "cr\\rfake/Dockerfile" in stdout
    assert "\\x1b]52;c;aGFja2Vk\\x07\\x1b[2J\\u202e::error::content" in stdout


def test_github_output_has_only_our_workflow_commands(tmp_path: Path) -> None:
    """Item 18: under GITHUB_ACTIONS=true no stdout or stderr line is a forged command."""
    _hostile_tree(tmp_path)
    missing = "gone\n::error::from-stderr\x1b]52;c;eA==\x07"
    stdout, stderr = _run(
        tmp_path, ["check", "--no-cache", ".", missing], env={"GITHUB_ACTIONS": "true"}
    )
    _assert_nothing_raw(stdout + stderr)
    _assert_no_forged_line(stderr)
    lines = stdout.splitlines()
    assert lines, "the default format under GitHub Actions is github"
    for line in lines:
        assert OUR_COMMAND.match(line) or line.startswith("infralint: "), line
    # The runner decodes %0A and %3A: the annotation still lands on the real file.
    escaped_dir = FORGED_DIR.replace(":", "%3A").replace("\n", "%0A")
    assert any(f"file={escaped_dir}/Dockerfile," in line for line in lines)
    assert "gone\\n::error::from-stderr" in stderr


def test_gitlab_descriptions_are_escaped_and_paths_exact(tmp_path: Path) -> None:
    """Item 18: GitLab's JSON: C1 controls and bidi overrides, which json.dumps leaves raw, are
    \\u escapes; the description a reviewer reads shows controls escaped (`\\x1b`), while
    location.path stays the exact file name."""
    _hostile_tree(tmp_path)
    stdout, _ = _run(tmp_path, ["check", "--no-cache", "-f", "gitlab", "."])
    _assert_nothing_raw(stdout)
    issues = json.loads(stdout)
    paths = {issue["location"]["path"] for issue in issues}
    assert f"{FORGED_DIR}/Dockerfile" in paths
    assert "osc\x1b]52;c;aGFja2Vk\x07/Dockerfile" in paths
    for issue in issues:
        _assert_nothing_raw(issue["description"].replace("\r", "").replace("\n", ""))
    assert any("\\x1b]52;c;aGFja2Vk\\x07" in issue["description"] for issue in issues)


def _xml_strings(root: ET.Element) -> list[tuple[str, str]]:
    """(where, text) for every attribute value and text node of the document."""
    strings = []
    for element in root.iter():
        strings += [(f"{element.tag}@{key}", value) for key, value in element.attrib.items()]
        strings.append((element.tag, element.text or ""))
    return strings


@pytest.mark.parametrize("format_name", ["checkstyle", "junit"])
def test_xml_reports_carry_no_controls_and_no_forged_lines(
    tmp_path: Path, format_name: str
) -> None:
    """Item 18: checkstyle and JUnit XML: controls escaped, no line break inside a path."""
    _hostile_tree(tmp_path)
    stdout, _ = _run(tmp_path, ["check", "--no-cache", "-f", format_name, "."])
    _assert_nothing_raw(stdout)
    root = ET.fromstring(stdout)
    for where, text in _xml_strings(root):
        _assert_nothing_raw(text.replace("\r", ""))
        if where.endswith(("@name", "@classname", "@file")):
            assert "\n" not in text and "\r" not in text, (where, text)
        _assert_no_forged_line(text)
    names = {value for where, value in _xml_strings(root) if where.endswith("@name")}
    assert any(name.startswith("x\\n::stop-commands::tok\\n") for name in names)


def test_stderr_and_other_commands_escape_what_they_print(tmp_path: Path) -> None:
    """Item 18: a missing path argument (stderr), `infralint files` and `infralint config`."""
    _hostile_tree(tmp_path)
    (tmp_path / ".infralint.toml").write_text(f"exclude = {json.dumps([EXCLUDED])}\n")
    missing = "gone\x1b]52;c;eA==\x07\n::error::from-stderr\u202e"
    _, stderr = _run(tmp_path, ["check", "--no-cache", "-f", "json", ".", missing])
    assert "gone\\x1b]52;c;eA==\\x07\\n::error::from-stderr\\u202e" in stderr
    files_out, files_err = _run(tmp_path, ["files", "."])
    config_out, config_err = _run(tmp_path, ["config"])
    for text in (stderr, files_out, files_err, config_out, config_err):
        _assert_nothing_raw(text)
        _assert_no_forged_line(text)
    assert "x\\n::stop-commands::tok\\n::error file=a::forged/Dockerfile\tdockerfile" in files_out
    # The printed config is still TOML, and means what the file said.
    printed = tomllib.loads(config_out.split("\n", 1)[1].rsplit("\n# enabled rules", 1)[0])
    assert printed["tool"]["infralint"]["exclude"] == [EXCLUDED]


# --------------------------------------------------------------------------- item 19: config

DEPTH = 100_000


def _alias_bomb(key: str) -> str:
    """Ten anchors, each a list of ten aliases of the one before: 10**10 leaves written out."""
    lines = [f"{key}:", "  - &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  - &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    return "\n".join(lines) + "\n"


MALFORMED_CONFIGS = {
    "toml-deep-inline-tables": (
        ".infralint.toml",
        "[a]\nb = " + "{c = " * DEPTH + "1" + "}" * DEPTH + "\n",
        "nested too deeply",
    ),
    "toml-deep-arrays": (
        ".infralint.toml",
        "select = " + "[" * DEPTH + "]" * DEPTH + "\n",
        "nested too deeply",
    ),
    "pyproject-infralint-not-a-table": ("pyproject.toml", "[tool]\ninfralint = 3\n", "infralint"),
    "toml-oversized": (".infralint.toml", "# padding\n" * 200_000, "larger than"),
    "hadolint-threshold-list": (".hadolint.yaml", "failure-threshold: [x]\n", "failure-threshold"),
    "hadolint-pragma-list": (".hadolint.yaml", "disable-ignore-pragma: [x]\n", "ignore-pragma"),
    "hadolint-deep-flow": (
        ".hadolint.yaml",
        "ignored: " + "[" * DEPTH + "]" * DEPTH + "\n",
        "nested too deeply",
    ),
    "hadolint-deep-block": (
        ".hadolint.yaml",
        "".join(" " * level + "a:\n" for level in range(1_200)),
        "nested too deeply",
    ),
    "hadolint-alias-bomb": (".hadolint.yaml", _alias_bomb("failure-threshold"), "threshold"),
}


@pytest.mark.parametrize(
    ("name", "content", "needle"), MALFORMED_CONFIGS.values(), ids=list(MALFORMED_CONFIGS)
)
def test_malformed_config_is_a_one_line_config_error(
    tmp_path: Path, name: str, content: str, needle: str
) -> None:
    """Item 19: deep nesting, alias bombs, wrong types, oversized files: exit 2, one line that
    names the file and the key, quickly."""
    (tmp_path / name).write_text(content)
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    started = time.monotonic()
    status, report, stderr = lint(tmp_path, control=False)
    assert time.monotonic() - started < 20
    assert status == 2 and report == {}
    (line,) = stderr.splitlines()
    assert line.startswith("infralint: error: ") and name in line and needle in line, line
    assert len(line) < 400, line


# --------------------------------------------------------------------------- item 19: baselines


def _baseline_document(entries: Any) -> str:
    return json.dumps({"version": 1, "tool": "infralint", "findings": entries})


MALFORMED_BASELINES = {
    "deeply-nested": '{"version": 1, "findings": ' + "[" * DEPTH + "]" * DEPTH + "}",
    "wrong-field-types": _baseline_document(
        [{"fingerprint": "0", "code": ["DF101"], "path": "Dockerfile"}]
    ),
    "message-not-a-string": _baseline_document(
        [{"fingerprint": "0", "code": "DF101", "path": "Dockerfile", "message": {"a": 1}}]
    ),
    "version-is-a-bool": '{"version": true, "findings": []}',
    "oversized": _baseline_document([]).replace("[]", "[]" + " " * (33 * 1024 * 1024)),
}


@pytest.mark.parametrize("content", MALFORMED_BASELINES.values(), ids=list(MALFORMED_BASELINES))
def test_malformed_baseline_is_rejected_clearly(tmp_path: Path, content: str) -> None:
    """Item 19: a baseline that is not one this version writes is exit 2 with one line."""
    (tmp_path / "baseline.json").write_text(content)
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    status, report, stderr = lint(tmp_path, extra=("--baseline", "baseline.json"), control=False)
    assert status == 2 and report == {}
    (line,) = stderr.splitlines()
    assert line.startswith("infralint: error: baseline.json") and len(line) < 400, line


def test_baseline_entry_hides_a_finding_only_in_the_file_it_names(tmp_path: Path) -> None:
    """Item 19: an entry labelled legacy/Dockerfile must not hide DF112 in another file."""
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "services" / "api").mkdir(parents=True)
    (tmp_path / "services" / "api" / "Dockerfile").write_text(
        "FROM alpine:3.20\nRUN curl -fsSL https://get.example.com | sh\n"
    )
    _, report, _ = lint(tmp_path, control=False)
    (df112,) = [f for f in findings(report, "services/api/Dockerfile") if f["code"] == "DF112"]

    def checked_with_entry_for(path: str) -> list[str]:
        entry = {"fingerprint": df112["fingerprint"], "code": "DF112", "path": path}
        (tmp_path / "baseline.json").write_text(_baseline_document([entry]))
        _, report, _ = lint(tmp_path, extra=("--baseline", "baseline.json"), control=False)
        return [f["code"] for f in findings(report, "services/api/Dockerfile")]

    assert "DF112" in checked_with_entry_for("legacy/Dockerfile")
    assert "DF112" not in checked_with_entry_for("services/api/Dockerfile")
