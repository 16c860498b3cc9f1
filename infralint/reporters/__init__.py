"""Reporters turn a run into text, a piece at a time: a large run's findings are read back from
disk one file at a time (finding_log.py), and no report holds them all, as text or as objects.

Each module exposes `lines(report) -> Iterator[str]` (lines without their ending) or
`chunks(report) -> Iterator[str]` (pieces of text, concatenated as they are). A `module:function`
entry names another lines function of the module (the text formats share one module).
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

    # Sorted (Finding.sort_key), iterated possibly several times; a large run's stay on disk.
    findings: Collection[Finding]
    suppressed: Collection[Finding]  # sorted too
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


CHUNK_CHARACTERS = 16384  # per write: a batch of findings, never the report


def render_chunks(format_name: str, report: Report) -> Iterator[str]:
    """The report's text in pieces of about CHUNK_CHARACTERS characters."""
    module_name, _, function = REPORTERS[format_name].partition(":")
    module = importlib.import_module(module_name)
    pieces: Callable[[Report], Iterator[str]] | None = getattr(module, "chunks", None)
    if pieces is None or function:
        lines: Callable[[Report], Iterator[str]] = getattr(module, function or "lines")
        pieces = _ended(lines)
    return _joined(pieces(report))


def _ended(lines: Callable[[Report], Iterator[str]]) -> Callable[[Report], Iterator[str]]:
    def pieces(report: Report) -> Iterator[str]:
        return (line + "\n" for line in lines(report))

    return pieces


def _joined(pieces: Iterator[str]) -> Iterator[str]:
    """Small pieces joined into fewer, larger ones (each one is a write)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARACTERS:
            yield "".join(batch)
            batch.clear()
            size = 0
    if batch:
        yield "".join(batch)
