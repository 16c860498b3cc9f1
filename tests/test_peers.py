"""The BuildKit and dclint tables: every check of those tools is a rule's peer or says why not."""

from __future__ import annotations

import pytest

from infralint.catalog import load_catalog
from infralint.docs import peer_table
from infralint.peers import PEER_TABLES

CATALOG = load_catalog()


@pytest.mark.parametrize("tool", sorted(PEER_TABLES))
def test_every_check_is_covered_or_explained(tool: str) -> None:
    _, checks, not_ported = PEER_TABLES[tool]
    mapped = CATALOG.peer_map(tool)
    assert len(set(checks)) == len(checks)
    for name in checks:
        assert (name in mapped) != (name in not_ported), name
    assert set(not_ported) <= set(checks)


@pytest.mark.parametrize("tool", sorted(PEER_TABLES))
def test_rules_name_only_real_checks(tool: str) -> None:
    _, checks, _ = PEER_TABLES[tool]
    assert set(CATALOG.peer_map(tool)) <= set(checks)


def test_table_rows_name_the_rules() -> None:
    table = peer_table(CATALOG, "buildkit")
    assert "| StageNameCasing | DF521 |" in table
    assert "| MultipleInstructionsDisallowed | DF307, DF501, DF502 |" in table
    assert "| InvalidBaseImagePlatform | not ported: needs the base image's manifest" in table
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + len(PEER_TABLES["buildkit"][1])
