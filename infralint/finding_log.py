"""A large run's findings, kept in a private temporary file instead of in memory.

A 10,000-file run held every finding as an object until the reports were written, so the
parent's memory grew with the run. The engine hands each file's findings to the log as soon as
the file is checked; the log writes them as JSON (the cache's encoding) to a spooled temporary
file (memory up to SPOOL_BYTES, then an unlinked file in the system's temporary directory, never
in the scanned tree) and keeps only an index. The reports read them back one path at a time, in
the order a sorted list gives: path first, then line, column, code and message.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING

from infralint.cache import finding_from_json, finding_to_json

if TYPE_CHECKING:
    from infralint.model import Finding, Severity

# Findings kept in memory before the log moves to a file: at 8 MiB, the in-memory buffer of a
# 10,000-file run reached it before moving, and that buffer alone made a third of the growth of
# the parent's peak from 1,000 to 10,000 files.
SPOOL_BYTES = 1024 * 1024


class FindingLog(Collection["Finding"]):
    """Findings added a file at a time; iterated (any number of times) in sorted order."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        self._index: list[tuple[str, int, int]] = []  # (path, offset, length) of each chunk
        self._counts: Counter[Severity] = Counter()
        self._size = 0
        self._sorted = True

    def add(self, findings: list[Finding]) -> None:
        """Keep `findings` (one checked file's); the caller drops its own reference."""
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            by_path.setdefault(finding.path, []).append(finding)
            self._counts[finding.severity] += 1
        self._size += len(findings)
        for path, group in by_path.items():
            data = json.dumps([finding_to_json(f) for f in group], separators=(",", ":"))
            encoded = data.encode("ascii")  # json.dumps escapes every non-ASCII character
            offset = self._file.seek(0, 2)
            self._file.write(encoded)
            if self._index and path < self._index[-1][0]:
                self._sorted = False
            self._index.append((path, offset, len(encoded)))

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return self._size > 0

    def __iter__(self) -> Iterator[Finding]:
        return self.select(lambda _finding: True)

    def __contains__(self, item: object) -> bool:
        return any(finding == item for finding in self)

    def count(self, keep: Callable[[Severity], bool]) -> int:
        """How many findings have a severity `keep` accepts (without reading them back)."""
        return sum(number for severity, number in self._counts.items() if keep(severity))

    def select(self, keep: Callable[[Finding], bool]) -> Iterator[Finding]:
        """The findings `keep` accepts, in sorted order, one path's chunks read at a time."""
        index = self._index if self._sorted else sorted(self._index, key=lambda item: item[0])
        position = 0
        while position < len(index):
            path = index[position][0]
            group: list[Finding] = []
            while position < len(index) and index[position][0] == path:
                _, offset, length = index[position]
                self._file.seek(offset)
                items = json.loads(self._file.read(length))
                group.extend(finding_from_json(item, path) for item in items)
                position += 1
            group.sort(key=lambda finding: finding.sort_key)
            yield from (finding for finding in group if keep(finding))

    def close(self) -> None:
        self._file.close()


class FindingView(Collection["Finding"]):
    """The findings of a log at or above a severity (`--min-severity`), without copying them."""

    def __init__(self, log: FindingLog, minimum_rank: int) -> None:
        self._log = log
        self._rank = minimum_rank

    def __len__(self) -> int:
        return self._log.count(lambda severity: severity.rank >= self._rank)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[Finding]:
        return self._log.select(lambda finding: finding.severity.rank >= self._rank)

    def __contains__(self, item: object) -> bool:
        return any(finding == item for finding in self)
