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
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
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
        # Where each chunk (one path's findings of one add) is: its path, offset and length.
        # Kept apart, not as a tuple per chunk: a run has a chunk or more per file, and a tuple
        # with its two integers (and a path string of its own) cost ten times the numbers.
        self._paths: list[str] = []
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0
        self._counts: Counter[Severity] = Counter()
        self._size = 0
        self._sorted = True

    def add(self, findings: list[Finding], shown: str | None = None) -> None:
        """Keep `findings` (one checked file's); the caller drops its own reference. `shown`,
        the file's path as shown (its findings' paths, but for scripts a Dockerfile runs), is
        the string the index keeps for them: not one more copy per file."""
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            by_path.setdefault(finding.path, []).append(finding)
            self._counts[finding.severity] += 1
        self._size += len(findings)
        for path, group in by_path.items():
            data = json.dumps([finding_to_json(f) for f in group], separators=(",", ":"))
            encoded = data.encode("ascii")  # json.dumps escapes every non-ASCII character
            self._file.seek(self._end)
            self._file.write(encoded)
            if self._paths and path < self._paths[-1]:
                self._sorted = False
            self._paths.append(shown if shown is not None and shown == path else path)
            self._offsets.append(self._end)
            self._lengths.append(len(encoded))
            self._end += len(encoded)

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
        paths = self._paths
        order: Sequence[int] = range(len(paths))
        if not self._sorted:  # stable: one path's chunks stay in the order they were added
            order = sorted(order, key=paths.__getitem__)
        position = 0
        while position < len(order):
            path = paths[order[position]]
            group: list[Finding] = []
            while position < len(order) and paths[order[position]] == path:
                chunk = order[position]
                self._file.seek(self._offsets[chunk])
                items = json.loads(self._file.read(self._lengths[chunk]))
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
