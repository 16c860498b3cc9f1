"""What a report reads per file (its lines, GitHub's line hashes), kept for the last few files.

Findings reach a reporter sorted by path, so a file's lines are needed for a run of findings and
then never again: holding every file read would make a report's memory grow with the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")

KEEP = 4  # files: a finding's fix or related place may name a file other than its own


class Recent(Generic[Value]):
    """`make(path)`, computed once while the path is among the last KEEP asked for."""

    def __init__(self, make: Callable[[str], Value], keep: int = KEEP) -> None:
        self._make = make
        self._keep = keep
        self._values: dict[str, Value] = {}

    def __call__(self, path: str) -> Value:
        values = self._values
        if path in values:
            value = values.pop(path)  # re-inserted below: the most recent last
        else:
            value = self._make(path)
            if len(values) >= self._keep:
                del values[next(iter(values))]
        values[path] = value
        return value


def readable_lines(read: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """`read`, with a file that cannot be read (any more) giving no lines."""

    def lines(path: str) -> list[str]:
        try:
            return list(read(path))
        except (OSError, KeyError, ValueError):
            return []

    return lines
