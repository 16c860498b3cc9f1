"""Every example in every rule document is a test (see CONTRIBUTING.md, "Examples are tests")."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from infralint.catalog import load_catalog
from infralint.examples import (
    Example,
    ExampleFile,
    expectation_list,
    materialise,
    missing_fragments,
    parse_examples,
)
from tests.helpers import lint_directory

CATALOG = load_catalog()
CASES = [
    pytest.param(rule.code, example, id=f"{rule.code}-{example.name}")
    for rule in CATALOG
    for example in parse_examples(rule.document)
]


@pytest.mark.parametrize(("code", "example"), CASES)
def test_example(code: str, example: Example, tmp_path: Path) -> None:
    materialise(example, tmp_path)
    # Every rule but ShellCheck's, whose findings no rule document expects (it has its own
    # tests): a ShellCheck process per example would double the suite's time.
    result = lint_directory(tmp_path, ignore=["SC"])
    assert not result.notifications, [n.message for n in result.notifications]
    actual: dict[str, Counter[int]] = {}
    for finding in result.findings:
        if finding.code == code:
            actual.setdefault(finding.path, Counter())[finding.span.line] += 1
    expected = {path: lines for path, lines in example.expected(code).items() if lines}
    messages = [f"{f.path}:{f.span.line}: {f.message}" for f in result.findings if f.code == code]
    assert actual == expected, "\n".join(messages)
    at_line: dict[tuple[str, int], list[str]] = {}
    for finding in result.findings:
        if finding.code == code:
            at_line.setdefault((finding.path, finding.span.line), []).append(finding.message)
    assert not missing_fragments(example, code, at_line), "\n".join(messages)


@pytest.mark.parametrize("rule", list(CATALOG), ids=lambda rule: rule.code)
def test_rule_has_flagged_and_clean_examples(rule: object) -> None:
    from infralint.catalog import Rule

    assert isinstance(rule, Rule)
    examples = parse_examples(rule.document)
    assert any(example.flags(rule.code) for example in examples), "no flagged example"
    assert any(not example.flags(rule.code) for example in examples), "no clean example"


def test_cases_exist() -> None:
    assert len(CASES) >= 2 * len(CATALOG)
    assert os.path.isdir(CATALOG.rules["IL001"].path.parent)


def test_expect_reads_codes_repeats_and_message_fragments() -> None:
    text = (
        '# expect: DF101 "neither tag", DF104\n'
        "# expect: DF104 \"'curl'\"\n"
        "FROM ubuntu\n"
        "# expect-file: CB106\n"
    )
    assert [tuple(item) for item in expectation_list(text)] == [
        (3, "DF101", "neither tag"),
        (3, "DF104", None),
        (3, "DF104", "'curl'"),
        (1, "CB106", None),
    ]


def test_a_fragment_no_message_contains_is_reported() -> None:
    example = Example("e", [ExampleFile("Dockerfile", '# expect: DF101 "neither tag"\nFROM x\n')])
    found = {("Dockerfile", 2): ["image 'x' has neither tag nor digest"]}
    assert missing_fragments(example, "DF101", found) == []
    assert missing_fragments(example, "DF102", found) == []
    wrong = {("Dockerfile", 2): ["image 'x' is pinned"]}
    assert missing_fragments(example, "DF101", wrong) == [
        "Dockerfile:2: no message with 'neither tag'"
    ]
    assert missing_fragments(example, "DF101", {}) != []
