"""Running the engine in-process on files written by a test."""

from __future__ import annotations

from pathlib import Path

from infralint import engine
from infralint.catalog import load_catalog
from infralint.config import enabled_codes, find_config, load_config
from infralint.model import Finding


def lint_directory(
    directory: Path, select: list[str] | None = None, paths: list[str] | None = None
) -> engine.RunResult:
    catalog = load_catalog()
    config = load_config(
        find_config(directory) if (directory / ".infralint.toml").exists() else None, catalog
    )
    enabled = enabled_codes(config, catalog, select=select or ["ALL"])
    settings = engine.Settings(
        config=config,
        catalog=catalog,
        enabled=frozenset(enabled),
        cwd=directory,
        project_root=directory,
        jobs=1,
        use_cache=False,
    )
    return engine.run(paths or [str(directory)], settings)


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]
