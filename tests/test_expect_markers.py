"""The examples' `# expect:` test markers never reach a user: `infralint rule`, SARIF help and the
docs site all show rule documents through `strip_expect_markers`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from infralint.catalog import load_catalog
from infralint.examples import expectation_list, parse_examples
from infralint.expect_markers import has_expect_marker, strip_expect_markers
from infralint.reporters.sarif import reporting_descriptor, rule_help_text

CATALOG = load_catalog()
MARKED = [rule for rule in CATALOG if has_expect_marker(rule.document)]


def test_most_rules_have_markers_to_strip() -> None:
    # Guards the tests below against passing because nothing carried a marker.
    assert len(MARKED) > len(list(CATALOG)) // 2


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("FROM a\n# expect: DF104\nRUN x\n", "FROM a\nRUN x\n"),
        ("  # expect: DF104, DF105\nRUN x\n", "RUN x\n"),
        ('# expect: DF104 "no version"\nRUN x', "RUN x"),
        ("# expect-file: DC101\nservices: {}\n", "services: {}\n"),
        ("image: nginx  # expect: DC102\n", "image: nginx\n"),
        ("# a comment that says expect: nothing\n", "# a comment that says expect: nothing\n"),
        ("# expect: lowercase is not a marker\n", "# expect: lowercase is not a marker\n"),
    ],
)
def test_strip(text: str, stripped: str) -> None:
    assert strip_expect_markers(text) == stripped


def test_stripping_keeps_every_other_line_of_every_example() -> None:
    for rule in MARKED:
        for example in parse_examples(rule.document):
            for example_file in example.files:
                text = example_file.text
                marked = sum(has_expect_marker(line) for line in text.splitlines())
                clean = strip_expect_markers(text)
                assert not expectation_list(clean)
                assert len(clean.splitlines()) == len(text.splitlines()) - marked


def test_rule_command_shows_no_marker() -> None:
    for args in (["rule", "DF104"], ["rule", "DF104", "--format", "json"]):
        done = subprocess.run(
            [sys.executable, "-m", "infralint", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "# expect" not in done.stdout
        assert "apt-get install" in done.stdout  # the examples themselves are still there
    document = json.loads(done.stdout)["documentation"]
    assert "```dockerfile" in document


def test_sarif_help_carries_no_marker() -> None:
    for rule in CATALOG:
        descriptor = reporting_descriptor(rule, "0.1.0")
        assert not has_expect_marker(descriptor.help.markdown), rule.code
        assert not has_expect_marker(descriptor.help.text), rule.code
        assert not has_expect_marker(rule_help_text(rule)), rule.code
