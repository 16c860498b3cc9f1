"""SARIF output and GitHub's primaryLocationLineHash.

Schema and GitHub-ingestion checks use ../shared/tools/check_sarif.py when it is there (it is in
the development setup, not in an sdist); those tests are skipped otherwise.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sarif_om as om
from conftest_goldens import CWD, SOURCES, assert_golden, sample_report
from hypothesis import given, settings
from hypothesis import strategies as st

from infralint.catalog import load_catalog
from infralint.links import rule_url
from infralint.model import Finding, Fix, Notification, Severity, Span
from infralint.reporters import render
from infralint.reporters.fingerprints import line_hashes, text_from_lines
from infralint.reporters.sarif import Suppression, to_json

CHECK_SARIF = Path(__file__).resolve().parents[2] / "shared" / "tools" / "check_sarif.py"
needs_check_sarif = pytest.mark.skipif(
    not CHECK_SARIF.is_file(), reason="../shared/tools/check_sarif.py is not available"
)


def sarif(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render("sarif", sample_report(**overrides)))
    return data


def run_of(log: dict[str, Any]) -> dict[str, Any]:
    (run,) = log["runs"]
    result: dict[str, Any] = run
    return result


def check_sarif(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK_SARIF), "--strict", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


# --------------------------------------------------------------------------- fingerprints

# Inputs and expected values published in github/codeql-action's src/fingerprints.test.ts.
PUBLISHED_HASHES = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    (
        "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
        [
            "e54938cc54b302f1:1",
            "bb609acbe9138d60:1",
            "1131fd5871777f34:1",
            "5c482a0f8b35ea28:1",
            "54517377da7028d2:1",
            "2c644846cb18d53e:1",
            "f1b89f20de0d133:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            *(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)),
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]
GREETINGS = [
    "e9496ae3ebfced30:1",
    "fb7c023a8b9ccb3f:1",
    "ce8ba1a563dcdaca:1",
    "e20e36e16fcb0cc8:1",
    "b3edc88f2938467e:1",
    "c8e28b0b4002a3a0:1",
    "c129715d7a2bc9a3:1",
]
LINE_ENDINGS = [
    " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
    " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
    " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
    " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
]


@pytest.mark.parametrize(("text", "expected"), PUBLISHED_HASHES)
def test_line_hashes_match_githubs_published_values(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == expected


@pytest.mark.parametrize("text", LINE_ENDINGS)
def test_line_hashes_treat_every_line_ending_alike(text: str) -> None:
    assert line_hashes(text) == GREETINGS


def test_line_hashes_of_githubs_end_to_end_sample() -> None:
    # codeql-action src/testdata/testFile1.js (four `var x = 0;` lines), expected value from
    # its fingerprinting.expected.sarif for line 1.
    text = "".join(f"var {name} = 0;\n" for name in "abcd")
    assert line_hashes(text)[0] == "5e4d5a9cf1294ad9:1"


def test_line_hash_survives_blank_lines_inserted_above() -> None:
    text = SOURCES["api/Dockerfile"]
    assert line_hashes("\n\n\n" + text)[3:] == line_hashes(text)


def test_line_hash_of_a_line_depends_on_the_lines_that_follow() -> None:
    # The window runs 100 characters past the line start: this is GitHub's behaviour, not ours.
    assert line_hashes("FROM a\nRUN x\n")[0] != line_hashes("FROM a\nRUN y\n")[0]


def test_astral_characters_count_as_two_utf16_units() -> None:
    # JavaScript strings are UTF-16: an emoji is two code units, so it hashes unlike any one
    # BMP character, and the text after it still lines up.
    assert line_hashes("a😀b\n")[0] != line_hashes("a\ufffdb\n")[0]
    assert line_hashes("a😀b\nc\n")[1] == line_hashes("xy\nc\n")[1]


def reference_line_hashes(text: str) -> list[str]:
    """A character-by-character model of the action's loop, to check the fast version against:
    a ring of the last 100 characters, each slot remembering whether a line started there."""
    data = text.encode("utf-16-le", errors="surrogatepass")
    units = [data[i] | data[i + 1] << 8 for i in range(0, len(data), 2)]
    ring, line_at = [0] * 100, [0] * 100
    value, slot, line, line_start, after_cr = 0, 0, 0, True, False
    seen: dict[str, int] = {}
    out: list[str] = []

    def step(unit: int, *, flush: bool = False) -> None:
        nonlocal value, slot, line, line_start, after_cr
        if not flush:
            if unit in (32, 9) or (after_cr and unit == 10):
                after_cr = False
                return
            after_cr = unit == 13
            unit = 10 if after_cr else unit
        if line_at[slot]:
            digest = format(value, "x")
            seen[digest] = seen.get(digest, 0) + 1
            out.append(f"{digest}:{seen[digest]}")
            line_at[slot] = 0
        if not flush and line_start:
            line, line_start, line_at[slot] = line + 1, False, line + 1
        line_start = line_start or unit == 10
        value = (37 * value + unit - pow(37, 100, 1 << 64) * ring[slot]) % (1 << 64)
        ring[slot], slot = unit, (slot + 1) % 100

    for unit in [*units, 65535]:
        step(unit)
    for _ in range(100):
        step(0, flush=True)
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b", " ", "\t", "\r", "\n", "\r\n", "é", "😀", "RUN x\n" * 30]),
        max_size=60,
    )
)
def test_line_hashes_agree_with_a_literal_model_of_the_action(parts: list[str]) -> None:
    text = "".join(parts)
    assert line_hashes(text) == reference_line_hashes(text)


def test_reference_model_reproduces_the_published_values() -> None:
    for text, expected in PUBLISHED_HASHES:
        assert reference_line_hashes(text) == expected


def test_text_from_lines_accepts_lines_with_or_without_endings() -> None:
    text = "FROM a\r\nRUN b\n"
    assert text_from_lines(text.splitlines(keepends=True)) == text
    assert line_hashes(text_from_lines(text.splitlines())) == line_hashes(text)


# --------------------------------------------------------------------------- serializer


def test_serializer_uses_camel_case_and_omits_unset_values() -> None:
    data = to_json(om.Region(start_line=3, start_column=1, end_column=9))
    assert data == {"startLine": 3, "startColumn": 1, "endColumn": 9}


def test_serializer_keeps_an_explicit_default_level() -> None:
    # jschema-to-python drops level "warning" because it equals the schema default.
    data = to_json(om.ReportingConfiguration(level="warning"))
    assert data == {"level": "warning"}
    assert to_json(om.Result(message=om.Message(text="m"), level="warning"))["level"] == "warning"


def test_suppression_writes_status_not_state() -> None:
    data = to_json(Suppression(kind="inSource", status="accepted", justification="why"))
    assert data == {"kind": "inSource", "status": "accepted", "justification": "why"}


# --------------------------------------------------------------------------- the log


def test_sarif_matches_golden_file(request: pytest.FixtureRequest) -> None:
    assert_golden(request.config, "report.sarif", render("sarif", sample_report()))


def test_driver_describes_every_enabled_rule() -> None:
    report = sample_report()
    driver = run_of(sarif())["tool"]["driver"]
    assert driver["name"] == "infralint"
    assert driver["version"] == driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in report.rules]
    for descriptor in driver["rules"]:
        rule = report.catalog.get(descriptor["id"])
        assert rule is not None
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["markdown"] == rule.user_document.strip()
        assert rule.section("How to fix") in descriptor["help"]["text"]
        assert descriptor["helpUri"] == rule_url(rule.code, "0.1.0")
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
        properties = descriptor["properties"]
        assert properties["tags"][:2] == list(dict.fromkeys([rule.language, rule.concern]))
        assert properties["precision"] == rule.precision
        assert ("security-severity" in properties) == (rule.code[2] == "4")


def test_security_severity_follows_the_rule_severity() -> None:
    rules = {r["id"]: r for r in run_of(sarif())["tool"]["driver"]["rules"]}
    assert rules["DF404"]["properties"]["security-severity"] == "8.0"
    assert "security" in rules["DC401"]["properties"]["tags"]


def test_results_point_at_rules_and_repo_relative_files() -> None:
    run = run_of(sarif())
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/repo/"}}
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        # Display paths are relative to the working directory (services/), URIs to the root.
        assert location["artifactLocation"]["uri"].startswith("services/")
        assert set(location["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
    first = run["results"][0]
    assert first["ruleId"] == "DF101"
    assert first["level"] == "warning"
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 6,
        "endLine": 1,
        "endColumn": 12,
    }


def test_zero_width_span_is_widened_to_its_line() -> None:
    results = run_of(sarif())["results"]
    (parse_error,) = [r for r in results if r["ruleId"] == "IL001"]
    region = parse_error["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 10}


def test_partial_fingerprints_carry_ours_and_githubs() -> None:
    results = run_of(sarif())["results"]
    df101 = results[0]["partialFingerprints"]
    assert df101["infralint/v1"] == "df101-aaaa"
    assert df101["primaryLocationLineHash"] == line_hashes(SOURCES["api/Dockerfile"])[0]


def test_line_hash_left_out_when_the_source_is_unavailable() -> None:
    def no_source(path: str) -> list[str]:
        raise KeyError(path)

    for result in run_of(sarif(source_lines=no_source))["results"]:
        assert "primaryLocationLineHash" not in result["partialFingerprints"]
        assert result["partialFingerprints"]["infralint/v1"]


def test_suppressed_findings_are_results_with_suppressions() -> None:
    results = run_of(sarif())["results"]
    suppressed = {r["ruleId"]: r["suppressions"] for r in results if "suppressions" in r}
    assert suppressed == {
        "DC401": [
            {
                "kind": "inSource",
                "status": "accepted",
                "justification": "debugging container, never deployed",
            }
        ],
        "CB101": [
            {
                "kind": "external",
                "status": "accepted",
                "justification": "baseline .infralint-baseline.json",
            }
        ],
    }
    assert len(results) == 7


def test_suppressed_finding_listed_twice_is_reported_once() -> None:
    report = sample_report()
    report = report._replace(findings=[*report.findings, report.suppressed[0]])
    results = json.loads(render("sarif", report))["runs"][0]["results"]
    assert len(results) == 7


def test_notifications_become_tool_execution_notifications() -> None:
    (invocation,) = run_of(sarif())["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"].startswith("cannot read 'missing.yaml'")
    location = notification["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "services/missing.yaml", "uriBaseId": "%SRCROOT%"}


def test_crashed_check_notification_names_its_rule() -> None:
    crash = Notification("check crashed: KeyError 'x'", level=Severity.WARNING, rule="DF404")
    (invocation,) = run_of(sarif(notifications=[crash]))["invocations"]
    assert invocation["executionSuccessful"] is True
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["associatedRule"] == {"id": "DF404", "index": 3}


def test_clean_run_is_successful_with_empty_results() -> None:
    run = run_of(sarif(findings=[], suppressed=[], notifications=[]))
    assert run["results"] == []
    assert run["invocations"] == [
        {"executionSuccessful": True, "workingDirectory": {"uri": CWD.as_uri() + "/"}}
    ]


@pytest.mark.parametrize(("category", "expected"), [("docker", "docker/"), ("a/b/", "a/b/")])
def test_sarif_category_sets_automation_details(category: str, expected: str) -> None:
    run = run_of(sarif(options={"sarif_category": category}))
    assert run["automationDetails"] == {"id": expected}


def test_no_category_no_automation_details() -> None:
    assert "automationDetails" not in run_of(sarif())


def test_uris_are_percent_encoded_and_files_outside_the_root_absolute() -> None:
    spaced = Finding(
        "DF101", "base-image-untagged", Severity.WARNING, "m", "my app/Dockerfile", Span(1)
    )
    outside = Finding("DF101", "base-image-untagged", Severity.WARNING, "m", "../../x/D", Span(1))
    results = run_of(sarif(findings=[spaced, outside], suppressed=[]))["results"]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in results]
    assert {"uri": "file:///srv/x/D"} in locations
    assert {"uri": "services/my%20app/Dockerfile", "uriBaseId": "%SRCROOT%"} in locations


def test_rule_of_a_finding_outside_the_enabled_rules_is_still_described() -> None:
    report = sample_report()
    report = report._replace(rules=[rule for rule in report.rules if rule.code != "CB101"])
    rules = json.loads(render("sarif", report))["runs"][0]["tool"]["driver"]["rules"]
    assert "CB101" in [rule["id"] for rule in rules]


def test_fix_becomes_a_sarif_fix() -> None:
    fixed = Finding(
        "DF101",
        "base-image-untagged",
        Severity.WARNING,
        "m",
        "api/Dockerfile",
        Span(1, 6, 1, 12),
        fix=Fix(Span(1, 12, 1, 12), ":3.12", safe=False),
    )
    (result,) = run_of(sarif(findings=[fixed], suppressed=[]))["results"]
    assert result["fixes"] == [
        {
            "description": {"text": "unsafe fix: review it"},
            "artifactChanges": [
                {
                    "artifactLocation": {
                        "uri": "services/api/Dockerfile",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 1,
                                "startColumn": 12,
                                "endLine": 1,
                                "endColumn": 12,
                            },
                            "insertedContent": {"text": ":3.12"},
                        }
                    ],
                }
            ],
        }
    ]


@needs_check_sarif
def test_sample_passes_check_sarif_strict(tmp_path: Path) -> None:
    path = tmp_path / "report.sarif"
    fixed = Finding(
        "DF101",
        "base-image-untagged",
        Severity.WARNING,
        "m",
        "web/Dockerfile",
        Span(1, 6, 1, 11),
        fix=Fix(Span(1, 6, 1, 11), "nginx:1.27"),
    )
    report = sample_report(options={"sarif_category": "x"})
    report = report._replace(findings=[*report.findings, fixed])
    path.write_text(render("sarif", report), "utf-8")
    outcome = check_sarif(path)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr


@needs_check_sarif
def test_every_real_rule_passes_check_sarif_strict(tmp_path: Path) -> None:
    # One finding of every rule of the real catalogue (as with --select ALL).
    catalog = load_catalog()
    findings = [
        Finding(rule.code, rule.name, rule.severity, f"{rule.name} here", "Dockerfile", Span(1))
        for rule in catalog
    ]
    report = sample_report(
        catalog=catalog,
        rules=list(catalog),
        findings=findings,
        suppressed=[],
        source_lines=lambda path: ["FROM alpine\n"],
    )
    log = json.loads(render("sarif", report))
    described = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert described == sorted(rule.code for rule in catalog)
    path = tmp_path / "all.sarif"
    path.write_text(json.dumps(log), "utf-8")
    outcome = check_sarif(path)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr


# --------------------------------------------------------------------------- through the CLI

PROJECT = {
    "Dockerfile": (
        "FROM python\n"
        "ARG API_TOKEN=abc123\n"
        "RUN pip install flask && curl -k https://example.com/x | sh\n"
        "COPY app.py /app/\n"
        "CMD python /app/app.py > /var/log/app.log\n"
    ),
    "app.py": "import logging\nlogging.basicConfig(filename='/var/log/app.log')\n",
    "compose.yaml": (
        "version: '3'\n"
        "services:\n"
        "  web:\n"
        "    build: .\n"
        "    image: web:latest\n"
        "    privileged: true\n"
        "    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n"
    ),
    "cookbooks/app/metadata.rb": "name 'app'\nversion '1.0.0'\ndepends 'apt'\n",
    "cookbooks/app/recipes/default.rb": "package 'nginx' do\n  action :upgrade\nend\n",
    "cookbooks/app/Berksfile": "source 'https://supermarket.chef.io'\nmetadata\n",
    "broken/Dockerfile": "FROM alpine:3.20\nRUN <<EOF\necho never closed\n",
}


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    return subprocess.run(
        [sys.executable, "-m", "infralint", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def sarif_of(project: Path, *args: str) -> dict[str, Any]:
    out = project.parent / f"{project.name}.sarif"
    done = run_cli(project, "check", "--no-cache", "-f", f"sarif:{out}", *args)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


needs_cli = pytest.mark.skipif(
    importlib.util.find_spec("infralint.cli") is None, reason="the CLI does not exist yet"
)


@needs_cli
@needs_check_sarif
def test_cli_sarif_for_every_language_passes_check_sarif(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_files(project, PROJECT)
    out = tmp_path / "all.sarif"
    done = run_cli(
        project,
        "check",
        "--no-cache",
        "--select",
        "ALL",
        "--project-root",
        str(project),
        "--sarif-category",
        "infra",
        "-f",
        "text",
        "-f",
        f"sarif:{out}",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DF101" in done.stdout  # the text output went to stdout at the same time
    outcome = check_sarif(out)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    run = run_of(json.loads(out.read_text(encoding="utf-8")))
    listed = json.loads(run_cli(project, "rules", "--format", "json").stdout)
    described = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert {rule["code"] for rule in listed} <= described
    assert run["automationDetails"] == {"id": "infra/"}
    codes = {result["ruleId"] for result in run["results"]}
    assert {"DF101", "IL001"} <= codes
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert "broken/Dockerfile" in uris


def fingerprints_by_rule(log: dict[str, Any], uri: str) -> dict[tuple[str, str], dict[str, str]]:
    found = {}
    for result in run_of(log)["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        if location == uri:
            found[(result["ruleId"], result["message"]["text"])] = result["partialFingerprints"]
    return found


@needs_cli
def test_cli_fingerprints_survive_blank_lines_and_differ_between_files(tmp_path: Path) -> None:
    dockerfile = "FROM python\nRUN pip install flask\nUSER root\n"
    project = tmp_path / "project"
    write_files(project, {"Dockerfile": dockerfile, "copy/Dockerfile": dockerfile})
    before = sarif_of(project, "--project-root", str(project))
    write_files(project, {"Dockerfile": "\n\n\n" + dockerfile})
    after = sarif_of(project, "--project-root", str(project))

    original = fingerprints_by_rule(before, "Dockerfile")
    assert original, "expected findings in the sample Dockerfile"
    assert fingerprints_by_rule(after, "Dockerfile") == original
    for prints in original.values():
        assert set(prints) == {"infralint/v1", "primaryLocationLineHash"}

    twin = fingerprints_by_rule(before, "copy/Dockerfile")
    assert twin.keys() == original.keys()
    for key, prints in original.items():
        assert twin[key]["infralint/v1"] != prints["infralint/v1"]
        # GitHub tells the files apart by path; its line hash depends on content only.
        assert twin[key]["primaryLocationLineHash"] == prints["primaryLocationLineHash"]
