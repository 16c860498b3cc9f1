"""ShellCheck on RUN scripts: the way back to the Dockerfile's positions (table tests that need
no binary), then the runs themselves (skipped, with the reason shown, when no binary exists)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infralint import engine, peer_codes
from infralint.catalog import load_catalog
from infralint.config import config_from_dict, enabled_codes
from infralint.parsers import dockerfile
from infralint.shellcheck import runner, scripts
from infralint.source import SourceFile

BINARY = runner.find_binary()
needs_shellcheck = pytest.mark.skipif(
    BINARY is None,
    reason="the shellcheck binary is not installed (pip install 'infralint[shellcheck]')",
)


def _parse(text: str) -> dockerfile.DockerfileDocument:
    source = SourceFile(Path("/nowhere/Dockerfile"), "Dockerfile", text, "dockerfile")
    return dockerfile.parse(source)  # type: ignore[return-value]


def _file_position(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _sent_position(script: scripts.ShellScript, needle: str) -> tuple[int, int, int, int]:
    """Where ShellCheck would report `needle` in the text it reads (1-based, end exclusive)."""
    offset = script.text.index(needle)
    line = script.text.count("\n", 0, offset) + 1
    column = offset - (script.text.rfind("\n", 0, offset) + 1) + 1
    return line, column, line, column + len(needle)


# (Dockerfile, the token to find, which occurrence of it in the file is the one meant)
MAPPING_CASES = [
    ("FROM a\nRUN echo $(ls) $FOO\n", "$FOO", 0),
    ("FROM a\nRUN echo $(ls) $FOO\n", "$(ls)", 0),
    ("FROM a\nRUN apk add curl \\\n  && echo $(ls) \\\n\t$FOO\n", "$FOO", 0),
    ("FROM a\nRUN apk add curl \\\n  && echo $(ls) \\\n\t$FOO\n", "$(ls)", 0),
    # comment and empty lines inside a continuation are dropped by the builder
    ("FROM a\nRUN set -e; \\\n# note $X\n\n    echo $BAR\n", "$BAR", 0),
    # a join inside single quotes is joined as Docker joins it
    ("FROM a\nRUN echo 'a \\\nb' $FOO\n", "$FOO", 0),
    ("FROM a\nRUN <<EOF\necho $(ls) $FOO\nEOF\n", "$FOO", 0),
    ("FROM a\nRUN <<EOF\n#!/bin/bash\nset -e\necho $(ls) $FOO\nEOF\n", "$(ls)", 0),
    ("FROM a\nRUN cat <<EOF > /x && echo $FOO\nbody $BAR\nEOF\n", "$BAR", 0),
    ("FROM a\nRUN cat <<EOF > /x && echo $FOO\nbody $BAR\nEOF\n", "$FOO", 0),
    ('FROM a\nRUN ["/bin/bash", "-c", "echo $(ls) $FOO"]\n', "$FOO", 0),
    ("FROM a\nONBUILD RUN echo é $FOO\n", "$FOO", 0),
    ("FROM a\nRUN \techo\t$FOO\n", "$FOO", 0),
]


@pytest.mark.parametrize(("text", "needle", "occurrence"), MAPPING_CASES)
def test_positions_map_back_to_the_dockerfile(text: str, needle: str, occurrence: int) -> None:
    found = scripts.file_scripts(_parse(text)).scripts
    script = next(s for s in found if needle in s.text.split("\n", 1)[1])
    span = script.span(*_sent_position(script, needle))
    assert span is not None
    assert (span.line, span.column) == _file_position(text, needle, occurrence)
    assert span.end_line == span.line and span.end_column == span.column + len(needle)


def test_continuations_come_back_as_shell_continuations() -> None:
    text = "FROM a\nRUN echo one \\\n    two \\\n# gone\n    three\n"
    [script] = scripts.file_scripts(_parse(text)).scripts
    assert script.text.endswith("echo one \\\n    two \\\n    three")


def test_a_join_in_single_quotes_or_a_comment_stays_a_join() -> None:
    text = "FROM a\nRUN echo 'a \\\nb' # c \\\nd\n"
    [script] = scripts.file_scripts(_parse(text)).scripts
    assert script.text.endswith("echo 'a b' # c d")


def test_the_added_head_maps_to_nothing() -> None:
    [script] = scripts.file_scripts(_parse("FROM a\nARG V\nRUN echo $V\n")).scripts
    assert script.text.startswith("# shellcheck shell=sh\nexport V=1\n")
    assert script.span(1, 1, 1, 5) is None
    assert script.span(2, 1, 2, 7) is None


def test_dialect_follows_the_stage_shell_and_the_shebang() -> None:
    text = (
        'FROM a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN echo 1\n'
        "FROM b\nRUN <<EOF\n#!/bin/dash\necho 2\nEOF\n"
        'FROM c\nSHELL ["pwsh", "-c"]\nRUN echo 3\n'
        'FROM d\nSHELL ["/bin/zsh", "-c"]\nRUN echo 4\n'
    )
    found = scripts.file_scripts(_parse(text)).scripts
    assert [s.text.split("\n")[0] for s in found] == ["# shellcheck shell=bash", "#!/bin/dash"]
    assert found[1].text.split("\n")[1] == "# shellcheck shell=dash"


def test_build_variables_are_declared_where_used() -> None:
    text = "ARG G\nFROM a AS base\nENV E=1\nFROM base\nARG A\nRUN echo $A $E $TARGETARCH $other\n"
    [script] = scripts.file_scripts(_parse(text)).scripts
    assert script.text.split("\n")[1] == "export A=1 E=1 TARGETARCH=1"


def test_oversized_scripts_are_left_out_and_counted() -> None:
    words = "$A" * (scripts.MAX_EXPANSIONS + 1)
    found = scripts.file_scripts(_parse(f"FROM a\nRUN echo {words}\nRUN echo ok\n"))
    assert found.skipped == 1 and len(found.scripts) == 1


# --------------------------------------------------------------------------- with the binary

ACCEPTANCE = (
    "FROM alpine:3.20\n"
    "RUN echo $(ls) $FOO\n"
    "RUN apk add --no-cache curl=8.9.0-r0 \\\n"
    "    && echo $(ls) \\\n"
    "        $FOO\n"
    "RUN tar -xf $(ls)\n"
    "RUN <<EOF\n"
    "echo $(ls) $FOO\n"
    "EOF\n"
)
EXPECTED = {
    ("SC2046", 2, 10),
    ("SC2086", 2, 16),
    ("SC2046", 4, 13),
    ("SC2086", 5, 9),
    ("SC2046", 6, 13),
    ("SC2046", 8, 6),
    ("SC2086", 8, 12),
}


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infralint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _findings(result: subprocess.CompletedProcess[str]) -> set[tuple[str, int, int]]:
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return {(f["code"], f["line"], f["column"]) for f in report["findings"]}


@needs_shellcheck
def test_select_sc_reports_at_the_right_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(ACCEPTANCE)
    result = _cli(["check", "--no-cache", "--select", "SC", "-f", "json", "."], tmp_path)
    assert _findings(result) == EXPECTED
    report = json.loads(result.stdout)
    levels = {f["code"]: f["severity"] for f in report["findings"]}
    assert levels == {"SC2046": "warning", "SC2086": "note"}  # ShellCheck's warning and info


HADOLINT = shutil.which("hadolint")


@needs_shellcheck
@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed")
def test_hadolint_reports_the_same_codes(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(ACCEPTANCE)
    assert HADOLINT is not None
    out = subprocess.run(
        [HADOLINT, "-f", "json", "--no-fail", "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    theirs = {(f["code"], f["line"]) for f in json.loads(out) if f["code"].startswith("SC")}
    # hadolint keeps one ShellCheck finding per instruction, on the instruction's first line.
    assert {code for code, _ in theirs} == {"SC2046", "SC2086"}
    ours = _findings(_cli(["check", "--no-cache", "--select", "SC", "-f", "json", "."], tmp_path))
    instruction_line = {2: 2, 4: 3, 5: 3, 6: 6, 8: 7}
    assert theirs <= {(code, instruction_line[line]) for code, line, _ in ours}


@needs_shellcheck
def test_sc_findings_take_part_in_selection_and_suppression(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.20\n"
        "# hadolint ignore=SC2086\n"
        "RUN echo $(ls) $FOO\n"
        "# infralint: ignore SC2046 -- the listing is meant to split\n"
        "RUN echo $(ls) $FOO\n"
        "RUN echo $(ls) $FOO\n"
    )
    (tmp_path / "other.Dockerfile").write_text("FROM alpine:3.20\nRUN echo $(ls) $FOO\n")
    found = _findings(_cli(["check", "--no-cache", "--select", "SC", "-f", "json", "."], tmp_path))
    assert found == {
        ("SC2046", 3, 10),
        ("SC2086", 5, 16),
        ("SC2046", 6, 10),
        ("SC2086", 6, 16),
        ("SC2046", 2, 10),
        ("SC2086", 2, 16),
    }
    ignored = _cli(
        ["check", "--no-cache", "--select", "SC", "--ignore", "SC2046", "-f", "json", "."],
        tmp_path,
    )
    assert {code for code, _, _ in _findings(ignored)} == {"SC2086"}
    (tmp_path / ".infralint.toml").write_text(
        'select = ["SC20"]\n[per-file-ignores]\n"other.Dockerfile" = ["SC2086"]\n'
    )
    per_file = json.loads(_cli(["check", "--no-cache", "-f", "json", "."], tmp_path).stdout)
    other = {f["code"] for f in per_file["findings"] if f["path"] == "other.Dockerfile"}
    assert other == {"SC2046"}
    (tmp_path / ".infralint.toml").unlink()
    (tmp_path / ".hadolint.yaml").write_text("ignored: [SC2046]\n")
    hadolint_config = _cli(["check", "--no-cache", "--select", "SC", "-f", "json", "."], tmp_path)
    assert {code for code, _, _ in _findings(hadolint_config)} == {"SC2086"}


@needs_shellcheck
def test_sarif_has_one_rule_per_sc_code_seen(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(ACCEPTANCE)
    result = _cli(["check", "--no-cache", "--select", "SC", "-f", "sarif", "."], tmp_path)
    [run] = json.loads(result.stdout)["runs"]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"SC2046", "SC2086"}
    assert rules["SC2046"]["helpUri"] == "https://www.shellcheck.net/wiki/SC2046"
    assert {result["ruleId"] for result in run["results"]} == {"SC2046", "SC2086"}


@needs_shellcheck
def test_baseline_holds_sc_findings(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(ACCEPTANCE)
    (tmp_path / ".infralint.toml").write_text('select = ["SC"]\n')
    made = _cli(["baseline", "create", "-o", "base.json", "."], tmp_path)
    assert made.returncode == 0, made.stderr
    result = _cli(
        ["check", "--no-cache", "--select", "SC", "--baseline", "base.json", "-f", "json", "."],
        tmp_path,
    )
    assert result.returncode == 0, result.stdout
    assert not json.loads(result.stdout)["findings"]


def _run(directory: Path, select: list[str]) -> engine.RunResult:
    catalog = load_catalog()
    config = config_from_dict({}, None, catalog)
    settings = engine.Settings(
        config=config,
        catalog=catalog,
        enabled=frozenset(enabled_codes(config, catalog, select=select)),
        cwd=directory,
        project_root=directory,
        jobs=1,
        use_cache=False,
    )
    return engine.run([str(directory)], settings)


@needs_shellcheck
def test_a_run_starts_one_shellcheck_per_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(60):
        folder = tmp_path / f"app{index}"
        folder.mkdir()
        (folder / "Dockerfile").write_text(f"FROM alpine:3.20\nRUN echo $(ls) $V{index}\n")
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(command: list[str], **kwargs: object) -> object:
        calls.append(command)
        return real(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(runner.subprocess, "run", counting)
    result = _run(tmp_path, ["SC"])
    assert len(result.findings) == 120
    assert len(calls) == 1 and len([c for c in calls[0] if c.endswith(".sh")]) == 60


def test_without_the_binary_sc_is_skipped_or_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from infralint import check_command

    (tmp_path / "Dockerfile").write_text(ACCEPTANCE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "find_binary", lambda: None)
    options = check_command.CheckOptions(paths=["."], select=["SC2046"], no_cache=True)
    with pytest.raises(check_command.UsageError, match="SC2046 needs ShellCheck"):
        check_command.run_check(options)
    default = check_command.CheckOptions(paths=["."], no_cache=True, verbose=True, quiet=True)
    check_command.run_check(default)
    captured = capsys.readouterr()
    assert captured.err.count("ShellCheck is not installed: the SC rules were skipped") == 1
    assert "SC2046" not in captured.out and "SC2086" not in captured.out


def test_cache_key_follows_the_shellcheck_version(tmp_path: Path) -> None:
    from infralint.cache import Cache
    from infralint.project import Project

    catalog = load_catalog()
    base = engine.WorkerContext(
        catalog_dir=str(next(iter(catalog)).path.parent),
        config=config_from_dict({}, None, catalog),
        enabled=frozenset({"SC2086"}),
        project=Project(root=tmp_path, roots=(str(tmp_path),)),
    )
    contexts = [
        engine.WorkerContext(**{**base.__dict__, "shellcheck": binary})
        for binary in (None, runner.Binary("x", "0.10.0"), runner.Binary("x", "0.11.0"))
    ]
    cache = Cache(tmp_path, b"k" * 32)
    job = engine.FileJob(str(tmp_path / "Dockerfile"), "Dockerfile", "Dockerfile", "dockerfile", "")
    assert len({cache._context_key(context, job) for context in contexts}) == 3


def test_shellcheck_output_is_read_defensively() -> None:
    good = {"file": "0.sh", "line": 1, "column": 2, "endLine": 1, "endColumn": 3}
    item = {**good, "level": "warning", "code": 2086, "message": "m"}
    output = json.dumps({"comments": [item, {**item, "code": "x"}, {**item, "level": "?"}, 5]})
    [[comment]] = runner._parse(output.encode(), ["0.sh"])
    assert comment == runner.Comment("SC2086", "warning", "m", 1, 2, 1, 3)
    with pytest.raises(runner.ShellCheckFailed):
        runner._parse(b"not json", ["0.sh"])


def test_sc_codes_are_rules_without_documents() -> None:
    catalog = load_catalog()
    assert catalog.rules["SC2086"].name == "shellcheck-sc2086"
    assert catalog.get("sc2086") is not None
    assert "SC2086" not in {rule.code for rule in catalog}  # not listed with the documents
    assert peer_codes.shellcheck_prefix("SC20") >= {"SC2086", "SC2046"}
    assert peer_codes.shellcheck_prefix("SCX") == set()


@pytest.mark.parametrize(("text", "needle", "occurrence"), MAPPING_CASES)
def test_any_position_maps_inside_the_instruction_or_nowhere(
    text: str, needle: str, occurrence: int
) -> None:
    """ShellCheck may report anywhere, even past a line's end: never a crash, never a line
    outside the RUN it checked."""
    lines = text.count("\n") + 1
    for script in scripts.file_scripts(_parse(text)).scripts:
        height = script.text.count("\n") + 2
        for line in range(0, height + 1):
            for column in (0, 1, 2, 7, 500):
                span = script.span(line, column, line + 1, column + 3)
                if span is not None:
                    assert 2 <= span.line <= span.end_line <= lines, (line, column, span)


@needs_shellcheck
def test_a_failing_shellcheck_is_il001_on_each_file_of_its_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text("FROM alpine:3.20\nRUN echo $X\n")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "Dockerfile").write_text("FROM alpine:3.20\n")  # no RUN: not in a batch

    def broken(binary: runner.Binary, texts: list[str]) -> list[list[runner.Comment]]:
        raise runner.ShellCheckFailed("shellcheck failed: out of memory")

    monkeypatch.setattr(runner, "check_scripts", broken)
    result = _run(tmp_path, ["SC", "IL001"])
    failures = {(f.path, f.code) for f in result.findings}
    assert failures == {("a/Dockerfile", "IL001"), ("b/Dockerfile", "IL001")}
    assert all("ShellCheck findings are missing" in f.message for f in result.findings)


@needs_shellcheck
def test_sc_severity_can_be_configured(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN echo $X\n")
    (tmp_path / ".infralint.toml").write_text('select = ["SC"]\n[severity]\nSC2086 = "error"\n')
    result = _cli(["check", "--no-cache", "-f", "json", "."], tmp_path)
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["severity"]) == ("SC2086", "error")
    assert result.returncode == 1


def test_reading_scripts_stays_linear() -> None:
    """Thousands of ARGs and RUNs in one stage: names are matched against each script once,
    and each stage's names are gathered once."""
    import time

    args = "".join(f"ARG A{i}=1\n" for i in range(5000))
    runs = "".join(f"RUN echo $A{i} \\\n  $A{i + 1}\n" for i in range(3000))
    document = _parse("FROM a\n" + args + runs)
    start = time.monotonic()
    found = scripts.file_scripts(document)
    assert time.monotonic() - start < 5
    assert len(found.scripts) == 3000
    assert found.scripts[7].text.split("\n")[1] == "export A7=1 A8=1"
