"""A report's files in path order, each with its run problems and findings, for the formats that
nest findings in a file element (Checkstyle, JUnit) and list clean files too.

Findings arrive sorted by path, so a file's findings are held only while it is written: the
peak is the largest file's findings, not the run's.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

from infralint.model import Finding, Notification

if TYPE_CHECKING:
    from infralint.reporters import Report


class FileEntry(NamedTuple):
    path: str
    checked: bool  # a file the run checked (not only a path a finding or run problem names)
    notifications: list[Notification]  # the run problems of this path
    findings: list[Finding]  # sorted


def files_in_order(report: Report) -> Iterator[FileEntry]:
    """Every checked file, and every other path a finding or run problem names, once each."""
    notes: dict[str, list[Notification]] = {}
    for notification in report.notifications:
        if notification.path:
            notes.setdefault(notification.path, []).append(notification)
    # Three streams of parts of entries, each sorted by path, merged into one entry a path.
    checked = (FileEntry(path, True, [], []) for path in sorted(set(report.checked_paths)))
    noted = (FileEntry(path, False, notes[path], []) for path in sorted(notes))
    found = (FileEntry(path, False, [], group) for path, group in _by_path(report.findings))
    merged = heapq.merge(checked, noted, found, key=lambda part: part.path)
    for path, parts in groupby(merged, key=lambda part: part.path):
        entry = FileEntry(path, False, [], [])
        for part in parts:
            entry = entry._replace(checked=entry.checked or part.checked)
            entry.notifications.extend(part.notifications)
            entry.findings.extend(part.findings)
        entry.findings.sort(key=lambda finding: finding.sort_key)
        yield entry


def _by_path(findings: Iterable[Finding]) -> Iterator[tuple[str, list[Finding]]]:
    for path, group in groupby(findings, key=lambda finding: finding.path):
        yield path, list(group)
