"""CONTRIBUTING's newcomer path, run as written: the scaffold writes a rule document and a
check module that pass ruff, mypy and the document's own examples, with nothing else to edit.

It runs in a temporary copy of the repository (infralint/, rules/, tools/, pyproject.toml and
the rule-example test), so the working tree is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from infralint.languages import FILE_LANGUAGES

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COPIED = ("infralint", "rules", "tools", "pyproject.toml")
EXAMPLE_TESTS = ("conftest.py", "helpers.py", "test_rule_examples.py")

# Lints the scaffolded rule's examples in the copy: the rule-example runner's steps, with the
# copy's infralint (and only the new rule selected).
EXAMPLE_RUNNER = """
import sys, tempfile
from pathlib import Path
from infralint.catalog import parse_catalog
from infralint.examples import materialise, missing_fragments, parse_examples
from tests.helpers import lint_directory

code = sys.argv[1]
rule = parse_catalog(Path("rules")).rules[code]
examples = parse_examples(rule.document)
assert len(examples) == 2 and [e.flags(code) for e in examples] == [True, False], examples
for example in examples:
    with tempfile.TemporaryDirectory() as directory:
        materialise(example, Path(directory))
        result = lint_directory(Path(directory), select=[code])
        assert not result.notifications, result.notifications
        found = {}
        for finding in result.findings:
            found.setdefault((finding.path, finding.span.line), []).append(finding.message)
        expected = {
            (path, line): count
            for path, lines in example.expected(code).items()
            for line, count in lines.items()
        }
        assert {key: len(messages) for key, messages in found.items()} == expected, found
        assert not missing_fragments(example, code, found), found
print("examples ok")
"""


def _copy_repository(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    (target / "tests").mkdir()
    for name in EXAMPLE_TESTS:
        shutil.copy2(REPO / "tests" / name, target / "tests" / name)


def _run(command: list[str], cwd: Path) -> str:
    environment = {**os.environ, "PYTHONPATH": str(cwd), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_scaffolded_rules_pass_ruff_mypy_and_their_examples(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    copy.mkdir()
    _copy_repository(copy)
    modules, codes = [], []
    for language in FILE_LANGUAGES:
        code = f"{language.code_prefix}599"
        # CONTRIBUTING step 1, verbatim (with each language's code).
        command = ["tools/new_rule.py", code, "my-rule-name", "--language", language.name]
        out = _run([sys.executable, *command], copy)
        module = f"infralint/checks/{language.name}/{code.lower()}.py"
        assert out.splitlines()[:2] == [f"wrote rules/{code}.md", f"wrote {module}"]
        modules.append(module)
        codes.append(code)
    assert not (copy / "fixtures").exists()  # no fixture that nothing reads
    _run([str(BIN / "ruff"), "check", *modules], copy)
    _run([str(BIN / "ruff"), "format", "--check", *modules], copy)
    _run([str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / "mypy"), *modules], copy)
    for code in codes:
        assert "examples ok" in _run([sys.executable, "-c", EXAMPLE_RUNNER, code], copy)
    # CONTRIBUTING step 4, verbatim, for every new rule at once.
    selected = " or ".join(codes)
    pytest_args = ["-q", "-p", "no:cacheprovider", "tests/test_rule_examples.py", "-k"]
    out = _run([sys.executable, "-m", "pytest", *pytest_args, selected], copy)
    # Two examples and the flagged-and-clean test, per rule.
    assert re.search(rf"\b{3 * len(codes)} passed", out), out


def test_the_scaffold_refuses_a_code_of_the_wrong_language(tmp_path: Path) -> None:
    command = [sys.executable, str(REPO / "tools" / "new_rule.py"), "DF599", "x-y"]
    result = subprocess.run(
        [*command, "--language", "compose"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "DF599 is a dockerfile code" in result.stderr
    assert not (REPO / "rules" / "DF599.md").exists()
