"""Baselines: accept today's findings, fail only on new ones.

A baseline is a sorted, reviewable JSON file keyed by the findings' content-based fingerprints, so
it survives lines moving. Findings it matches are reported as suppressed (SARIF marks them), and
entries that match nothing any more are stale: `baseline update --prune` drops them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infralint.model import Finding

DEFAULT_FILE = ".infralint-baseline.json"
FORMAT_VERSION = 1


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


def entry_for(finding: Finding) -> Entry:
    return Entry(finding.fingerprint, finding.code, finding.path, finding.message)


def load(path: Path) -> list[Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error}") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not an infralint baseline (version {FORMAT_VERSION})")
    try:
        return [
            Entry(item["fingerprint"], item["code"], item["path"], item.get("message", ""))
            for item in data["findings"]
        ]
    except (KeyError, TypeError):
        raise BaselineError(f"{path}: malformed baseline entries") from None


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


def apply(findings: list[Finding], entries: list[Entry]) -> Applied:
    """Split findings into new and baselined. Each entry absorbs one finding."""
    available: dict[tuple[str, str], int] = {}
    for entry in entries:
        key = (entry.code, entry.fingerprint)
        available[key] = available.get(key, 0) + 1
    used: dict[tuple[str, str], int] = {}
    new: list[Finding] = []
    baselined: list[Finding] = []
    for finding in findings:
        key = (finding.code, finding.fingerprint)
        if used.get(key, 0) < available.get(key, 0):
            used[key] = used.get(key, 0) + 1
            baselined.append(finding._replace(suppressed=True, suppression_reason="baseline"))
        else:
            new.append(finding)
    stale = []
    for entry in entries:
        key = (entry.code, entry.fingerprint)
        if used.get(key, 0) > 0:
            used[key] -= 1
        else:
            stale.append(entry)
    return Applied(new, baselined, stale)


def updated(entries: list[Entry], findings: list[Finding], prune: bool) -> list[Entry]:
    """The entries for `baseline update`: every current finding, plus stale ones unless pruned."""
    current = [entry_for(finding) for finding in findings]
    if prune:
        return current
    stale = apply(findings, entries).stale
    return current + stale
