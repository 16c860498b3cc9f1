"""Baselines: accept today's findings, fail only on new ones.

A baseline is a sorted, reviewable JSON file keyed by the findings' content-based fingerprints, so
it survives lines moving. Findings it matches are reported as suppressed (SARIF marks them), and
entries that match nothing any more are stale: `baseline update --prune` drops them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infralint.model import Finding

if TYPE_CHECKING:
    from collections.abc import Mapping


DEFAULT_FILE = ".infralint-baseline.json"
FORMAT_VERSION = 1
# About 100,000 entries; the file comes from the scanned repository, so reading it is bounded.
MAX_BASELINE_SIZE = 32 * 1024 * 1024
ENTRY_FIELDS = ("fingerprint", "code", "path")  # required; "message" is only for reviewers


class BaselineError(Exception):
    """An unreadable or malformed baseline file (exit status 2)."""


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    code: str
    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {
            "fingerprint": self.fingerprint,
            "code": self.code,
            "path": self.path,
            "message": self.message,
        }


def entry_for(finding: Finding, repo_path: str) -> Entry:
    """The entry recording `finding`, whose file is `repo_path` relative to the project root."""
    return Entry(finding.fingerprint, finding.code, repo_path, finding.message)


def load(path: Path) -> list[Entry]:
    from infralint.reader import read_named

    try:
        raw = read_named(path, MAX_BASELINE_SIZE)
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except OSError as error:
        reason = error.strerror or error
        raise BaselineError(f"{path}: cannot read the baseline: {reason}") from None
    if len(raw) > MAX_BASELINE_SIZE:
        raise BaselineError(f"{path}: the baseline is larger than {MAX_BASELINE_SIZE} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error}") from None
    except RecursionError:
        raise BaselineError(f"{path}: cannot read the baseline: nested too deeply") from None
    version = data.get("version") if isinstance(data, dict) else None
    if type(version) is not int or version != FORMAT_VERSION:  # `true == 1` is no version
        raise BaselineError(f"{path}: not an infralint baseline (version {FORMAT_VERSION})")
    items = data.get("findings")
    if not isinstance(items, list):
        raise BaselineError(f"{path}: findings: expected a list of entries")
    return [_entry(item, f"{path}: findings[{index}]") for index, item in enumerate(items)]


def _entry(item: Any, where: str) -> Entry:
    if not isinstance(item, dict):
        raise BaselineError(f"{where}: expected an object")
    fields: dict[str, str] = {}
    for name in (*ENTRY_FIELDS, "message"):
        value = item.get(name, "" if name == "message" else None)
        if not isinstance(value, str):
            raise BaselineError(f"{where}.{name}: expected a string")
        fields[name] = value
    return Entry(**fields)


def dump(entries: list[Entry]) -> str:
    ordered = sorted(set(entries), key=lambda e: (e.path, e.code, e.fingerprint, e.message))
    document: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "tool": "infralint",
        "findings": [entry.to_json() for entry in ordered],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@dataclass
class Applied:
    new: list[Finding]
    baselined: list[Finding]
    stale: list[Entry]


def apply(
    findings: list[Finding], entries: list[Entry], paths: Mapping[str, str] | None = None
) -> Applied:
    """Split findings into new and baselined (see Matcher)."""
    matcher = Matcher(entries)
    new, baselined = matcher.split(findings, paths or {})
    return Applied(new, baselined, matcher.stale())


class Matcher:
    """Findings matched against a baseline as they come, a file's at a time: a large run's
    findings are never all in memory at once (engine._Folded).

    Each entry absorbs one finding with its code, fingerprint and file: an entry shown as one
    file must not hide a finding in another. Files are independent, so matching each file's
    findings as they arrive gives what matching the run's sorted list would."""

    def __init__(self, entries: list[Entry]) -> None:
        self._entries = entries
        self._available: Counter[tuple[str, str, str]] = Counter(
            (entry.code, entry.fingerprint, entry.path) for entry in entries
        )
        self._used: Counter[tuple[str, str, str]] = Counter()

    def split(
        self, findings: list[Finding], paths: Mapping[str, str]
    ) -> tuple[list[Finding], list[Finding]]:
        """(new, baselined) of `findings`; `paths` maps a finding's path to the repo-relative
        one entries record (see `repo_paths`), where the two differ."""
        new: list[Finding] = []
        baselined: list[Finding] = []
        for finding in findings:
            key = (finding.code, finding.fingerprint, paths.get(finding.path, finding.path))
            if self._used[key] < self._available[key]:
                self._used[key] += 1
                baselined.append(finding._replace(suppressed=True, suppression_reason="baseline"))
            else:
                new.append(finding)
        return new, baselined

    def stale(self) -> list[Entry]:
        """The entries that matched nothing so far."""
        left = self._used.copy()
        stale = []
        for entry in self._entries:
            key = (entry.code, entry.fingerprint, entry.path)
            if left[key] > 0:
                left[key] -= 1
            else:
                stale.append(entry)
        return stale


def updated(
    entries: list[Entry], findings: list[Finding], prune: bool, paths: Mapping[str, str]
) -> list[Entry]:
    """The entries for `baseline update`: every current finding, plus stale ones unless pruned."""
    current = [entry_for(finding, paths.get(finding.path, finding.path)) for finding in findings]
    if prune:
        return current
    stale = apply(findings, entries, paths).stale
    return current + stale
