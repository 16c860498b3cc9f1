"""Per-file results cache in `.infralint_cache/` at the project root.

An entry is keyed by (infralint version, effective config and enabled rules, the file's path and
content hash, and the cross-file links that can change its findings). Entries are JSON, never
pickle: the cache directory sits in the scanned repository, so it must never be able to run code.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infralint import __version__
from infralint.model import Finding, Fix, Notification, Severity, Span
from infralint.project import BuildLink

if TYPE_CHECKING:
    from infralint.engine import FileJob, FileResult, Settings, WorkerContext

CACHE_DIR = ".infralint_cache"
FORMAT = "v1"


class Cache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._context_keys: dict[int, str] = {}
        self._writable = True

    @classmethod
    def open(cls, settings: Settings) -> Cache:
        return cls(settings.project_root / CACHE_DIR / FORMAT)

    def _context_key(self, context: WorkerContext) -> str:
        cached = self._context_keys.get(id(context))
        if cached is None:
            linked = sorted(
                (str(link.dockerfile), _file_digest(link.dockerfile) if link.dockerfile else "")
                for link in context.project.links
            )
            material = json.dumps(
                [
                    __version__,
                    context.config.to_dict(),
                    sorted(context.enabled),
                    context.want_fixes,
                    [repr(link) for link in context.project.links],
                    linked,
                ],
                sort_keys=True,
                default=str,
            )
            cached = hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()
            self._context_keys[id(context)] = cached
        return cached

    def _entry(self, job: FileJob, context: WorkerContext) -> Path | None:
        if job.text is not None:
            return None  # stdin is never cached
        digest = _file_digest(Path(job.path))
        if not digest:
            return None
        material = f"{self._context_key(context)}\0{job.path}\0{job.language}\0{job.reason}"
        key = hashlib.sha256(f"{material}\0{digest}".encode("utf-8", "surrogateescape")).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, job: FileJob, context: WorkerContext) -> FileResult | None:
        entry = self._entry(job, context)
        if entry is None:
            return None
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            return _result_from_json(data, job.display_path)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, job: FileJob, context: WorkerContext, result: FileResult) -> None:
        if not self._writable or result.notifications:
            return  # a run with internal errors is not worth remembering
        entry = self._entry(job, context)
        if entry is None:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temporary = entry.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(_result_to_json(result)), encoding="utf-8")
            temporary.replace(entry)
        except OSError:
            self._writable = False  # a read-only checkout: run without caching

    def _links_entry(self, path: str, text: str) -> Path:
        material = f"links\0{__version__}\0{path}\0{text}".encode("utf-8", "surrogateescape")
        key = hashlib.sha256(material).hexdigest()
        return self.directory / "links" / f"{key}.json"

    def get_links(self, path: str, text: str) -> list[BuildLink] | None:
        """A compose file's build links, when the file is unchanged since they were cached."""
        try:
            data = json.loads(self._links_entry(path, text).read_text(encoding="utf-8"))
            return [_link_from_json(item) for item in data]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_links(self, path: str, text: str, links: list[BuildLink]) -> None:
        if not self._writable:
            return
        entry = self._links_entry(path, text)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            entry.write_text(json.dumps([_link_to_json(link) for link in links]), encoding="utf-8")
        except OSError:
            self._writable = False

    def save(self) -> None:
        root = self.directory.parent
        try:
            if root.is_dir():
                tag = root / "CACHEDIR.TAG"
                if not tag.exists():
                    tag.write_text(
                        "Signature: 8a477f597d28d172789f06886806bc55\n"
                        "# This directory is a cache made by infralint.\n",
                        encoding="utf-8",
                    )
                ignore = root / ".gitignore"
                if not ignore.exists():
                    ignore.write_text("# Made by infralint.\n*\n", encoding="utf-8")
        except OSError:
            pass


def clean(project_root: Path) -> bool:
    import shutil

    target = project_root / CACHE_DIR
    if not target.is_dir():
        return False
    shutil.rmtree(target, ignore_errors=True)
    return True


def _file_digest(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def _finding_to_json(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    data["severity"] = finding.severity.value
    data.pop("path")
    return data


def _finding_from_json(data: dict[str, Any], path: str) -> Finding:
    fix = data.get("fix")
    return Finding(
        code=data["code"],
        name=data["name"],
        severity=Severity(data["severity"]),
        message=data["message"],
        path=path,
        span=Span(**data["span"]),
        fingerprint=data["fingerprint"],
        peer=data.get("peer"),
        fix=Fix(Span(**fix["span"]), fix["replacement"], fix["safe"]) if fix else None,
        suppressed=data.get("suppressed", False),
        suppression_reason=data.get("suppression_reason"),
    )


def _link_to_json(link: BuildLink) -> dict[str, Any]:
    data = asdict(link)
    for key in ("compose_path", "context", "dockerfile"):
        data[key] = str(data[key]) if data[key] is not None else None
    return data


def _link_from_json(data: dict[str, Any]) -> BuildLink:
    return BuildLink(
        compose_path=Path(data["compose_path"]),
        service=data["service"],
        context=Path(data["context"]),
        dockerfile=Path(data["dockerfile"]) if data["dockerfile"] else None,
        args=dict(data["args"]),
        target=data["target"],
        span=Span(**data["span"]),
        inline=data["inline"],
    )


def _result_to_json(result: FileResult) -> dict[str, Any]:
    return {
        "findings": [_finding_to_json(f) for f in result.findings],
        "suppressed": [_finding_to_json(f) for f in result.suppressed],
    }


def _result_from_json(data: dict[str, Any], path: str) -> FileResult:
    from infralint.engine import FileResult

    return FileResult(
        findings=[_finding_from_json(item, path) for item in data["findings"]],
        suppressed=[_finding_from_json(item, path) for item in data["suppressed"]],
        notifications=list[Notification](),
    )
