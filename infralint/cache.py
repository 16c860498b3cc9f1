"""Per-file results cache in `.infralint_cache/` at the project root.

An entry is keyed by (infralint version, effective config and enabled rules, the file's path and
content hash, and the cross-file links that can change its findings). Entries are JSON, never
pickle: the cache directory sits in the scanned repository, so it must never be able to run code,
and keys include a per-machine secret, so a cache committed to the repository is never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infralint import __version__
from infralint.model import Finding, Fix, Notification, Severity, Span
from infralint.project import BuildLink

if TYPE_CHECKING:
    from infralint.engine import FileJob, FileResult, Settings, WorkerContext

_SEVERITIES = {severity.value: severity for severity in Severity}
CACHE_DIR = ".infralint_cache"
FORMAT = "v2"
INDEX = "index.json"
MAX_ENTRIES = 100_000  # results kept across runs; the oldest are dropped beyond this


class Cache:
    """One JSON index per project: reading one file beats opening one file per result.

    A file's content hash is remembered with its size and mtime, so an unchanged file is not
    read again to be hashed; any change to either re-hashes it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._context_keys: dict[int, str] = {}
        self._writable = True
        self._dirty = False
        self._digests: dict[str, list[Any]] = {}  # path -> [size, mtime_ns, sha256]
        self._results: dict[str, Any] = {}
        self._links: dict[str, Any] = {}
        try:
            data = json.loads((directory / INDEX).read_text(encoding="utf-8"))
            if data.get("version") == __version__:
                self._digests = dict(data["digests"])
                self._results = dict(data["results"])
                self._links = dict(data["links"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # no cache yet, or one from another version: start afresh

    @classmethod
    def open(cls, settings: Settings) -> Cache:
        return cls(settings.project_root / CACHE_DIR / FORMAT)

    def digest(self, path: str) -> str:
        try:
            info = os.stat(path)
        except OSError:
            return ""
        known = self._digests.get(path)
        if known and known[0] == info.st_size and known[1] == info.st_mtime_ns:
            return str(known[2])
        digest = _file_digest(Path(path))
        if digest:
            self._digests[path] = [info.st_size, info.st_mtime_ns, digest]
            self._dirty = True
        return digest

    def _context_key(self, context: WorkerContext) -> str:
        cached = self._context_keys.get(id(context))
        if cached is None:
            linked = sorted(
                (str(link.dockerfile), self.digest(str(link.dockerfile)) if link.dockerfile else "")
                for link in context.project.links
            )
            material = json.dumps(
                [
                    _machine_key(),
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
            cached = _sha256(material)
            self._context_keys[id(context)] = cached
        return cached

    def _key(self, job: FileJob, context: WorkerContext) -> str | None:
        if job.text is not None:
            return None  # stdin is never cached
        digest = self.digest(job.path)
        if not digest:
            return None
        return _sha256(
            f"{self._context_key(context)}\0{job.path}\0{job.language}\0{job.reason}\0{digest}"
        )

    def get(self, job: FileJob, context: WorkerContext) -> FileResult | None:
        key = self._key(job, context)
        data = self._results.get(key) if key else None
        if data is None:
            return None
        try:
            return _result_from_json(data, job.display_path)
        except (ValueError, KeyError, TypeError):
            return None

    def put(self, job: FileJob, context: WorkerContext, result: FileResult) -> None:
        if result.notifications:
            return  # a run with internal errors is not worth remembering
        key = self._key(job, context)
        if key is not None:
            self._results.pop(key, None)  # re-inserted last: the newest survive pruning
            self._results[key] = _result_to_json(result)
            self._dirty = True

    def _links_key(self, path: str, text: str) -> str:
        return _sha256(f"links\0{path}\0{text}")

    def get_links(self, path: str, text: str) -> list[BuildLink] | None:
        """A compose file's build links, when the file is unchanged since they were cached."""
        data = self._links.get(self._links_key(path, text))
        if data is None:
            return None
        try:
            return [_link_from_json(item) for item in data]
        except (KeyError, TypeError, ValueError):
            return None

    def put_links(self, path: str, text: str, links: list[BuildLink]) -> None:
        self._links[self._links_key(path, text)] = [_link_to_json(link) for link in links]
        self._dirty = True

    def save(self) -> None:
        if not (self._dirty and self._writable):
            return
        results = self._results
        if len(results) > MAX_ENTRIES:
            results = dict(list(results.items())[-MAX_ENTRIES:])
        document = {
            "version": __version__,
            "digests": self._digests,
            "results": results,
            "links": self._links,
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = self.directory / f"{INDEX}.{os.getpid()}.tmp"
            temporary.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
            temporary.replace(self.directory / INDEX)
            _mark_cache_dir(self.directory.parent)
        except OSError:
            self._writable = False  # a read-only checkout: run without caching


def _mark_cache_dir(root: Path) -> None:
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


def _machine_key() -> str:
    """A random key kept outside the repository and mixed into every cache key.

    The cache directory sits in the scanned repository, so a pull request could commit one whose
    entries say "no findings" for its own files. Entries only match when made on this machine
    (a fresh CI machine has a fresh key), so a planted cache is never read."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "infralint"
    key_file = home / "cache-key"
    try:
        return key_file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        pass
    key = os.urandom(16).hex()
    try:
        home.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key, encoding="ascii")
    except OSError:
        pass  # nowhere to keep it: this run's entries will simply not match next time
    return key


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


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
    data = finding._asdict()
    data["severity"] = finding.severity.value
    data["span"] = finding.span._asdict()
    if finding.fix is not None:
        data["fix"] = {**finding.fix._asdict(), "span": finding.fix.span._asdict()}
    data.pop("path")
    return data


def _finding_from_json(data: dict[str, Any], path: str) -> Finding:
    fix = data.get("fix")
    return Finding(
        code=data["code"],
        name=data["name"],
        severity=_SEVERITIES[data["severity"]],
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
    data = link._asdict()
    data["span"] = link.span._asdict()
    data["args"] = dict(link.args)
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
