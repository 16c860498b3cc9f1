"""Reporters turn a run into text. Each module exposes `render(report: Report) -> str`.

A reporter may also expose `lines(report) -> Iterator[str]`, and then `render_chunks` writes
its output a batch of lines at a time instead of building one string (a 50,000-finding report
is tens of megabytes more at its peak otherwise). A `module:function` entry names another
lines function of the module (the text formats share one module).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from infralint.catalog import Catalog, Rule
from infralint.links import REPOSITORY_URL
from infralint.model import Finding, Notification

REPORTERS = {
    "text": "infralint.reporters.text",
    "concise": "infralint.reporters.text:concise_lines",
    "full": "infralint.reporters.text:full_lines",
    "grouped": "infralint.reporters.text:grouped_lines",
    "json": "infralint.reporters.json_report",
    "json-lines": "infralint.reporters.json_report:json_lines",
    "rdjson": "infralint.reporters.rdjson",
    "sarif": "infralint.reporters.sarif",
    "github": "infralint.reporters.github",
    "gitlab": "infralint.reporters.gitlab",
    "checkstyle": "infralint.reporters.checkstyle",
    "junit": "infralint.reporters.junit",
    "azure": "infralint.reporters.azure",
}
# `text`, the default and the earlier name, is `concise` with `full`'s source excerpts when
# standard output is a terminal.


INFORMATION_URI = REPOSITORY_URL


def _no_lines(_path: str) -> list[str]:
    return []


class Report(NamedTuple):
    """A finished run, as every reporter receives it."""

    findings: Collection[Finding]  # iterated, possibly several times; a large run's stay on disk
    suppressed: Collection[Finding]
    notifications: list[Notification]
    files_checked: int
    checked_paths: list[str]
    rules: list[Rule]
    catalog: Catalog
    project_root: Path
    cwd: Path
    tool_version: str
    options: Mapping[str, Any] = MappingProxyType({})
    source_lines: Callable[[str], list[str]] = _no_lines


def render(format_name: str, report: Report) -> str:
    return "".join(render_chunks(format_name, report))


CHUNK_LINES = 2048


def render_chunks(format_name: str, report: Report) -> Iterator[str]:
    """The same text as `render`, in pieces of up to CHUNK_LINES lines."""
    module_name, _, function = REPORTERS[format_name].partition(":")
    module = importlib.import_module(module_name)
    lines: Callable[[Report], Iterator[str]] | None = getattr(module, function or "lines", None)
    if lines is None:
        yield module.render(report)
        return
    batch: list[str] = []
    for line in lines(report):
        batch.append(line)
        if len(batch) == CHUNK_LINES:
            yield "\n".join(batch) + "\n"
            batch.clear()
    if batch:
        yield "\n".join(batch) + "\n"
