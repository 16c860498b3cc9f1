"""Reporters turn a run into text. Each module exposes `render(report: Report) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infralint.catalog import Catalog, Rule
from infralint.model import Finding, Notification

REPORTERS = {
    "text": "infralint.reporters.text",
    "json": "infralint.reporters.json_report",
    "sarif": "infralint.reporters.sarif",
    "github": "infralint.reporters.github",
    "gitlab": "infralint.reporters.gitlab",
    "checkstyle": "infralint.reporters.checkstyle",
    "junit": "infralint.reporters.junit",
}


def _no_lines(_path: str) -> list[str]:
    return []


@dataclass
class Report:
    findings: list[Finding]
    suppressed: list[Finding]
    notifications: list[Notification]
    files_checked: int
    checked_paths: list[str]
    rules: list[Rule]
    catalog: Catalog
    project_root: Path
    cwd: Path
    tool_version: str
    options: dict[str, Any] = field(default_factory=dict)
    source_lines: Callable[[str], list[str]] = _no_lines


def render(format_name: str, report: Report) -> str:
    module = importlib.import_module(REPORTERS[format_name])
    text: str = module.render(report)
    return text
