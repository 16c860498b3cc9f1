"""Regenerate the README rule tables and docs/RULES.md from rules/*.md."""

from __future__ import annotations

from pathlib import Path

from infralint.catalog import parse_catalog
from infralint.docs import regenerate

if __name__ == "__main__":
    repo = Path(__file__).resolve().parent.parent
    for path in regenerate(repo, parse_catalog(repo / "rules")):
        print(f"updated {path.relative_to(repo)}")
