"""The README's newcomer commands are the ones CI runs, and its generated tables are fresh."""

from __future__ import annotations

import re

from infralint.catalog import INDEX_NAME, index_text, parse_catalog
from infralint.docs import render_readme, render_rules_reference
from tests.conftest import REPO


def _code_blocks(section: str) -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    body = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## )", readme, re.M | re.S)
    assert body, section
    return re.findall(r"```sh\n(.*?)```", body.group(1), re.S)


def test_ci_runs_exactly_the_readme_commands() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    install, test = _code_blocks("Install and run")[0], _code_blocks("Run the tests")[0]
    install_lines = install.strip().splitlines()
    assert install_lines[0] in ci.splitlines()
    assert any(line.startswith(install_lines[1]) for line in ci.splitlines())
    assert test.strip() in ci.splitlines()


def test_generated_tables_are_fresh() -> None:
    catalog = parse_catalog(REPO / "rules")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert render_readme(readme, catalog) == readme, "run: python tools/gen_docs.py"
    reference = (REPO / "docs" / "RULES.md").read_text(encoding="utf-8")
    assert render_rules_reference(catalog) == reference, "run: python tools/gen_docs.py"
    index = (REPO / "rules" / INDEX_NAME).read_text(encoding="utf-8")
    assert index_text(catalog) == index, "run: python tools/gen_docs.py"
