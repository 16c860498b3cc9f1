"""Running the engine in-process on files written by a test, and one check on a text."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infralint import engine, registry
from infralint.catalog import load_catalog
from infralint.config import (
    config_from_dict,
    enabled_codes,
    find_config,
    load_config,
    rule_options,
)
from infralint.languages import BY_NAME
from infralint.model import Finding, Violation
from infralint.project import Project
from infralint.source import SourceFile


def lint_directory(
    directory: Path,
    select: list[str] | None = None,
    paths: list[str] | None = None,
    ignore: list[str] | None = None,
) -> engine.RunResult:
    catalog = load_catalog()
    config = load_config(
        find_config(directory) if (directory / ".infralint.toml").exists() else None, catalog
    )
    enabled = enabled_codes(config, catalog, select=select or ["ALL"], ignore=ignore or [])
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


NOWHERE = Path("/nonexistent/project")  # relative test paths live here: nothing there is read


def rule_codes(language: str) -> list[str]:
    """Every rule of a language, from the catalogue (no hand-kept list to forget a rule in)."""
    return sorted(rule.code for rule in load_catalog() if rule.language == language)


def run_check(
    code: str,
    text: str,
    *,
    options: Mapping[str, Any] | None = None,
    project: Project | None = None,
    path: str | Path | None = None,
    settings: Mapping[str, Any] | None = None,
    reason: str = "",
) -> list[Violation]:
    """Run rule `code`'s check on `text` as the engine would, and return its violations.

    The document is parsed by the rule's language; the options are the rule document's defaults
    overridden by `options`, through the config layer (so they are validated, as a user's are);
    the project, unless given, is the file's directory and nothing outside it may be read.
    `path` defaults to the language's example path (Dockerfile, compose.yaml, ...); a relative
    path is shown as written and placed under NOWHERE.
    """
    catalog = load_catalog()
    rule = catalog.rules[code]
    language = BY_NAME[rule.language]
    shown = str(path if path is not None else language.example_path)
    absolute = Path(shown) if Path(shown).is_absolute() else NOWHERE / shown
    source = SourceFile(absolute, shown, text, language.name, reason)
    document = registry.parser_module(language.name).parse(source)
    config = config_from_dict({"rules": {code: dict(options or {})}}, None, catalog)
    if project is None:
        project = Project(absolute.parent, roots=(os.path.realpath(absolute.parent),))
        _link(project, document, absolute)
    context = registry.CheckContext(
        code, rule_options(config, rule), project, settings=dict(settings or {})
    )
    [(_, function)] = registry.checks_for(language.name, [code])
    return list(function(document, context))


def _link(project: Project, document: Any, path: Path) -> None:
    """The engine's link stage for one file: what its checks quote from other files is read
    before they run (checks read no file)."""
    from infralint import project_links

    if document.source.language == "compose":
        project_links.read_compose_siblings(project, [path])
        probe = project_links.DiskPaths.of(project)
        project_links.probe_builds(probe, project_links.build_queries(document))
        links = project_links.build_project(path.parent, [document])
        project_links.read_dockerfiles(project, links)
    elif document.source.language == "python":
        project_links.read_python_facts(project, [document])
