"""Per-file results cache in `.infralint_cache/` at the project root.

An entry is keyed by (infralint version, effective config and enabled rules, the file's path and
content hash, and the cross-file links that can change its findings). Entries are JSON, never
pickle: the cache directory sits in the scanned repository, so it must never be able to run code.

That repository may be hostile (a pull request from a stranger), so nothing in it is trusted:
- every key, and the index as a whole, is signed with a per-machine secret kept outside the tree,
  so a committed cache is never read (a fresh CI machine has a fresh key);
- the index is read with a size cap, never through a symlink, and every field is type-checked;
  a bad one is discarded with a note (shown under -v), never a crash;
- writes go through directory fds: `.infralint_cache` and `v2` must be real directories we own,
  and files are created with O_EXCL|O_NOFOLLOW, then renamed, so no symlink can redirect them.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

from infralint import __version__
from infralint.model import FileResult, Finding, Fix, Notification, Related, Severity, Span
from infralint.project import BuildLink, BuildQuery, LinkBasis
from infralint.writer import write_atomic

if TYPE_CHECKING:
    from infralint.engine import FileJob, Settings, WorkerContext

_SEVERITIES = {severity.value: severity for severity in Severity}
CACHE_DIR = ".infralint_cache"
FORMAT = "v2"
INDEX = "index.json"
KEY_FILE = "cache-key"
MAX_ENTRIES = 100_000  # results kept across runs; the oldest are dropped beyond this
# What MAX_ENTRIES results with their findings take, with room to spare; a bigger index is not
# one we wrote, and reading it would cost memory without bound.
MAX_INDEX_BYTES = 256 * 1024**2
_MAC_LENGTH = 64  # hex digits of the HMAC-SHA256 line that starts the index

# Flags missing on a platform are 0 here; _require_dir_fd refuses such platforms.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open
_DIRECTORY_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC

T = TypeVar("T")


class CacheUnusable(Exception):
    """Why the cache is off for this run: nothing is read from it or written to it."""


class BadIndex(Exception):
    """Why the index was discarded: the run starts from an empty cache and rewrites it."""


class Cache:
    """One JSON index per project: reading one file beats opening one file per result.

    A file's content hash is remembered with its size and mtime, so an unchanged file is not
    read again to be hashed; any change to either re-hashes it. A cache opened without a key is
    off: it finds nothing and saves nothing."""

    def __init__(self, project_root: Path, key: bytes | None, document: Any = None) -> None:
        self.project_root = project_root
        self.notes: list[str] = []  # said once under -v: why the cache was off or discarded
        self._key = key
        self._context_keys: dict[tuple[int, str], str] = {}
        self._dirty = False
        self._digests: dict[str, Any] = {}  # keyed path -> [size, mtime_ns, sha256]
        self._results: dict[str, Any] = {}
        self._links: dict[str, Any] = {}
        if document is not None:
            self._load(document)

    @classmethod
    def open(cls, settings: Settings) -> Cache:
        root = settings.project_root
        try:
            cache = cls(root, machine_key(root))
            cache._read()
        except CacheUnusable as problem:
            return cls._off(root, f"cache not used: {problem}")
        except OSError as error:
            return cls._off(root, f"cache not used: {error.strerror or error}")
        return cache

    def _read(self) -> None:
        """Load the index; one that is not ours or not well-formed is discarded with a note
        (and replaced on save). CacheUnusable when the directories cannot be trusted."""
        assert self._key is not None
        try:
            with _cache_directories(self.project_root, create=False) as directories:
                if directories is None:
                    return
                raw = read_bounded(INDEX, directories[1], MAX_INDEX_BYTES)
            if raw is not None:
                self._load(_parse_index(raw, self._key))
        except BadIndex as problem:
            self.notes.append(f"cache discarded: {INDEX} {problem}")

    @classmethod
    def _off(cls, root: Path, note: str) -> Cache:
        cache = cls(root, None)
        cache.notes.append(note)
        return cache

    def _load(self, document: Any) -> None:
        """Take the sections of an index we wrote; entries are checked one by one when used."""
        if not isinstance(document, dict):
            raise BadIndex("is not a JSON object")
        if document.get("version") != __version__:
            return  # made by another version: start afresh
        sections = [document.get(name) for name in ("digests", "results", "links")]
        try:
            self._digests, self._results, self._links = (_typed(s, dict) for s in sections)
        except ValueError:
            raise BadIndex("has a section that is not a JSON object") from None

    def _keyed(self, *parts: str) -> str:
        key = self._key
        assert key is not None  # only called while the cache is on
        material = "\0".join(parts).encode("utf-8", "surrogateescape")
        return hmac.new(key, material, hashlib.sha256).hexdigest()

    def digest(self, path: str) -> str:
        try:
            info = os.stat(path)
        except OSError:
            return ""
        slot = self._keyed("digest", path)
        known = self._digests.get(slot)
        if _is_digest_entry(known) and known[:2] == [info.st_size, info.st_mtime_ns]:
            return str(known[2])
        digest = _file_digest(Path(path))
        if digest:
            self._digests[slot] = [info.st_size, info.st_mtime_ns, digest]
            self._dirty = True
        return digest

    def _context_key(self, context: WorkerContext, job: FileJob) -> str:
        """The run's part of a result's key: the version, the config that governs the job's
        file (its settings, where it and the files it extends are, the directories its
        patterns are relative to), its rules, and the facts the link stage gathered."""
        slot = (id(context), job.config)
        cached = self._context_keys.get(slot)
        if cached is None:
            config, enabled = context.settings_for(job)
            linked = sorted(
                (str(link.dockerfile), self.digest(str(link.dockerfile)) if link.dockerfile else "")
                for link in context.project.links
            )
            material = json.dumps(
                [
                    __version__,
                    config.to_dict(),
                    [str(config.path), [str(source) for source in config.sources]],
                    sorted((key, str(anchor)) for key, anchor in config.anchors.items()),
                    sorted(enabled),
                    context.want_fixes,
                    # ShellCheck's findings change with its release (None: not run).
                    context.shellcheck.version if context.shellcheck else None,
                    context.project.cache_material(),  # links and facts from other files
                    linked,
                ],
                sort_keys=True,
                default=str,
            )
            cached = self._keyed("context", material)
            self._context_keys[slot] = cached
        return cached

    def _key_of(self, job: FileJob, context: WorkerContext) -> str | None:
        if job.text is not None or self._key is None:
            return None  # stdin is never cached
        digest = self.digest(job.path)
        if not digest:
            return None
        context_key = self._context_key(context, job)
        return self._keyed("result", context_key, job.path, job.language, job.reason, digest)

    def get(self, job: FileJob, context: WorkerContext) -> FileResult | None:
        key = self._key_of(job, context)
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
        key = self._key_of(job, context)
        if key is not None:
            self._results.pop(key, None)  # re-inserted last: the newest survive pruning
            self._results[key] = _result_to_json(result)
            self._dirty = True

    def _links_key(self, path: str, text: str) -> str | None:
        if self._key is None:
            return None
        # The links depend on the compose file, the `.env` beside it and the project root.
        dotenv = self.digest(str(Path(path).parent / ".env"))
        return self._keyed("links", __version__, str(self.project_root), path, text, dotenv)

    def get_links(
        self, path: str, text: str
    ) -> tuple[list[BuildLink], list[BuildQuery], list[LinkBasis]] | None:
        """A compose file's build links, the disk queries of its builds and what the disk
        answered when the links were built (the engine asks again, and compares), when the
        file is unchanged since they were cached."""
        key = self._links_key(path, text)
        data = self._links.get(key) if key else None
        if data is None:
            return None
        try:
            entry = _typed(data, dict)
            links = [_link_from_json(item) for item in _typed(entry["links"], list)]
            queries = [_query_from_json(item) for item in _typed(entry["queries"], list)]
            basis = [_basis_from_json(item) for item in _typed(entry["basis"], list)]
            return links, queries, basis
        except (KeyError, TypeError, ValueError):
            return None

    def put_links(
        self,
        path: str,
        text: str,
        links: list[BuildLink],
        queries: list[BuildQuery],
        basis: list[LinkBasis],
    ) -> None:
        key = self._links_key(path, text)
        if key is not None:
            self._links[key] = {
                "links": [_link_to_json(link) for link in links],
                "queries": [query._asdict() for query in queries],
                "basis": [list(answer) for answer in basis],
            }
            self._dirty = True

    def save(self) -> None:
        if not self._dirty or self._key is None:
            return
        self._dirty = False
        try:
            index = _seal(self._serialise(), self._key)
            with _cache_directories(self.project_root, create=True) as directories:
                assert directories is not None  # made when missing
                cache_fd, format_fd = directories
                write_atomic(format_fd, INDEX, index)
                _mark_cache_dir(cache_fd)
        except CacheUnusable as problem:
            self.notes.append(f"cache not written: {problem}")
        except OSError as error:  # a read-only checkout, a full disk: run without caching
            self.notes.append(f"cache not written: {error.strerror or error}")

    def _serialise(self) -> bytes:
        """The index as JSON, the oldest results dropped until it fits under the read cap."""
        results = self._results
        if len(results) > MAX_ENTRIES:
            results = dict(list(results.items())[-MAX_ENTRIES:])
        while True:
            document = {
                "version": __version__,
                "digests": self._digests,
                "results": results,
                "links": self._links,
            }
            body = json.dumps(document, separators=(",", ":")).encode("utf-8", "surrogateescape")
            if len(body) + _MAC_LENGTH + 1 <= MAX_INDEX_BYTES or not results:
                return body
            results = dict(list(results.items())[len(results) // 2 :])


# --------------------------------------------------------------------------- the files


@contextmanager
def _cache_directories(root: Path, *, create: bool) -> Iterator[tuple[int, int] | None]:
    """Fds for ROOT/.infralint_cache and its v2/, or None when missing (and not CREATE).

    Each level must be a real directory owned by us (CacheUnusable if not): a symlink committed
    in their place could otherwise send our writes anywhere."""
    _require_dir_fd()
    with ExitStack() as stack:
        root_fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        stack.callback(os.close, root_fd)
        cache_fd = _open_own_directory(CACHE_DIR, root_fd, create=create)
        if cache_fd is None:
            yield None
            return
        stack.callback(os.close, cache_fd)
        format_fd = _open_own_directory(FORMAT, cache_fd, create=create)
        if format_fd is None:
            yield None
            return
        stack.callback(os.close, format_fd)
        yield cache_fd, format_fd


def _require_dir_fd() -> None:
    if not (_NOFOLLOW and _DIRECTORY and os.open in os.supports_dir_fd):
        raise CacheUnusable("this platform cannot open files relative to a directory safely")


def _open_own_directory(name: str, parent_fd: int, *, create: bool) -> int | None:
    """An fd for PARENT/NAME, a real directory owned by us, made (mode 0o700) when missing."""
    try:
        fd = os.open(name, _DIRECTORY_FLAGS, dir_fd=parent_fd)
    except FileNotFoundError:
        if not create:
            return None
        with suppress(FileExistsError):  # a concurrent run made it: checked like any other
            os.mkdir(name, 0o700, dir_fd=parent_fd)
        return _open_own_directory(name, parent_fd, create=False)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise CacheUnusable(f"{name} is a symbolic link or not a directory") from None
        raise
    info = os.fstat(fd)
    if info.st_uid != os.getuid():
        os.close(fd)
        raise CacheUnusable(f"{name} is not owned by the current user")
    return fd


def read_bounded(name: str, dir_fd: int, limit: int) -> bytes | None:
    """DIR/NAME's bytes, never through a symlink and never more than LIMIT; None when missing."""
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as error:
        reason = "is a symbolic link" if error.errno == errno.ELOOP else "cannot be opened"
        raise BadIndex(reason) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadIndex("is not a regular file")
        if info.st_size > limit:
            raise BadIndex(f"is larger than {limit} bytes")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BadIndex(f"is larger than {limit} bytes")
    return data


def _mark_cache_dir(cache_fd: int) -> None:
    """CACHEDIR.TAG (backup tools skip the directory) and a `*` .gitignore, once."""
    _write_if_missing(
        cache_fd,
        "CACHEDIR.TAG",
        b"Signature: 8a477f597d28d172789f06886806bc55\n"
        b"# This directory is a cache made by infralint.\n",
    )
    _write_if_missing(cache_fd, ".gitignore", b"# Made by infralint.\n*\n")


def _write_if_missing(dir_fd: int, name: str, data: bytes) -> None:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        write_atomic(dir_fd, name, data)


# --------------------------------------------------------------------------- the key


def machine_key(project_root: Path) -> bytes:
    """A random key kept outside the repository, mixed into every cache key and signing the index.

    The cache directory sits in the scanned repository, so a pull request could commit one whose
    entries say "no findings" for its own files. Entries only match when made on this machine
    (a fresh CI machine has a fresh key), so a planted cache is never read. A key the scanned
    tree could hold or redirect is refused (CacheUnusable)."""
    _require_dir_fd()
    directory = _key_directory()
    if _within(directory, project_root):
        raise CacheUnusable("the per-machine key would be kept inside the scanned tree")
    os.makedirs(directory.parent, mode=0o700, exist_ok=True)  # the environment's choice
    with ExitStack() as stack:
        parent_fd = os.open(directory.parent, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        stack.callback(os.close, parent_fd)
        key_fd = _open_own_directory(directory.name, parent_fd, create=True)
        assert key_fd is not None  # made when missing
        stack.callback(os.close, key_fd)
        key = _read_key(key_fd)
        if key is None:
            write_atomic(key_fd, KEY_FILE, secrets.token_hex(32).encode("ascii"))
            key = _read_key(key_fd)
        if key is None:
            raise CacheUnusable("the per-machine key cannot be kept")
        return key


def _key_directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec ignores relative paths
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            raise CacheUnusable("no home directory to keep the per-machine key in") from None
    return Path(os.path.abspath(base)) / "infralint"


def _within(path: Path, root: Path) -> bool:
    root = Path(os.path.abspath(root))
    return path.is_relative_to(root) or path.resolve().is_relative_to(root.resolve())


def _read_key(key_fd: int) -> bytes | None:
    """The key in KEY_FILE, or None when there is none or it must be replaced: not ours alone
    (group or others can read it) or not a key we made."""
    try:
        fd = os.open(KEY_FILE, _READ_FLAGS, dir_fd=key_fd)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise CacheUnusable("the per-machine key file is a symbolic link") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            raise CacheUnusable("the per-machine key file is not a regular file of ours")
        if info.st_mode & 0o077:
            return None
        key = handle.read(129).strip()
    valid = 32 <= len(key) <= 128 and all(byte in b"0123456789abcdef" for byte in key)
    return key if valid else None


# --------------------------------------------------------------------------- the index


def _seal(body: bytes, key: bytes) -> bytes:
    """The index: an HMAC of the body with the machine key on the first line, then the body."""
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii") + b"\n" + body


def _parse_index(raw: bytes, key: bytes) -> Any:
    """The JSON of an index signed with KEY; BadIndex for any other (one committed, or made
    elsewhere), checked before parsing so a planted one costs nothing but its bounded read."""
    mac, newline, body = (
        raw[:_MAC_LENGTH],
        raw[_MAC_LENGTH : _MAC_LENGTH + 1],
        raw[_MAC_LENGTH + 1 :],
    )
    expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")
    if newline != b"\n" or not hmac.compare_digest(mac, expected):
        raise BadIndex("is not signed with this machine's key (made elsewhere, or committed)")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise BadIndex("is not valid JSON") from None


def clean(project_root: Path) -> bool:
    """Remove ROOT/.infralint_cache; a symlink in its place is removed, never followed."""
    import shutil

    target = project_root / CACHE_DIR
    try:
        info = target.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(info.st_mode):
        target.unlink()
        return True
    if not stat.S_ISDIR(info.st_mode):
        return False
    shutil.rmtree(target, ignore_errors=True)  # fd-based: never follows a symlink inside
    return True


def _file_digest(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


# --------------------------------------------------------------------------- entries


def _typed(value: Any, kind: type[T]) -> T:
    """VALUE when it is a KIND (a bool is no int here), else ValueError: entries are checked
    field by field, so a malformed one is a cache miss, never a crash later."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")


def _optional(value: Any, kind: type[T]) -> T | None:
    return None if value is None else _typed(value, kind)


def _is_digest_entry(value: Any) -> TypeGuard[list[Any]]:
    """[size, mtime_ns, sha256 hex]."""
    return (
        isinstance(value, list)
        and len(value) == 3
        and all(type(number) is int for number in value[:2])
        and isinstance(value[2], str)
        and len(value[2]) == 64
    )


def _span_from_json(data: Any) -> Span:
    fields = _typed(data, dict)
    return Span(*(_typed(fields[name], int) for name in Span._fields))


def finding_to_json(finding: Finding) -> dict[str, Any]:
    data = finding._asdict()
    data["severity"] = finding.severity.value
    data["span"] = finding.span._asdict()
    if finding.fix is not None:
        data["fix"] = {**finding.fix._asdict(), "span": finding.fix.span._asdict()}
    data["related"] = [[item.span._asdict(), item.message] for item in finding.related]
    data.pop("path")
    return data


def finding_from_json(item: Any, path: str) -> Finding:
    data = _typed(item, dict)
    fix = _optional(data.get("fix"), dict)
    return Finding(
        code=_typed(data["code"], str),
        name=_typed(data["name"], str),
        severity=_SEVERITIES[_typed(data["severity"], str)],
        message=_typed(data["message"], str),
        path=path,
        span=_span_from_json(data["span"]),
        fingerprint=_typed(data["fingerprint"], str),
        peer=_optional(data.get("peer"), str),
        fix=_fix_from_json(fix) if fix is not None else None,
        suppressed=_typed(data.get("suppressed", False), bool),
        suppression_reason=_optional(data.get("suppression_reason"), str),
        related=tuple(_related_from_json(item) for item in _typed(data.get("related", []), list)),
    )


def _related_from_json(item: Any) -> Related:
    span, message = _typed(item, list)
    return Related(_span_from_json(span), _typed(message, str))


def _fix_from_json(data: dict[str, Any]) -> Fix:
    return Fix(
        _span_from_json(data["span"]),
        _typed(data["replacement"], str),
        _typed(data["safe"], bool),
    )


def _link_to_json(link: BuildLink) -> dict[str, Any]:
    data = link._asdict()
    data["span"] = link.span._asdict()
    data["args"] = dict(link.args)
    for key in ("compose_path", "context", "dockerfile"):
        data[key] = str(data[key]) if data[key] is not None else None
    return data


def _link_from_json(item: Any) -> BuildLink:
    data = _typed(item, dict)
    dockerfile = _optional(data["dockerfile"], str)
    return BuildLink(
        compose_path=Path(_typed(data["compose_path"], str)),
        service=_typed(data["service"], str),
        context=Path(_typed(data["context"], str)),
        dockerfile=Path(dockerfile) if dockerfile else None,
        args={
            _typed(name, str): _optional(value, str)
            for name, value in _typed(data["args"], dict).items()
        },
        target=_optional(data["target"], str),
        span=_span_from_json(data["span"]),
        inline=_optional(data["inline"], str),
    )


def _query_from_json(item: Any) -> BuildQuery:
    data = _typed(item, dict)
    return BuildQuery(
        base=_typed(data["base"], str),
        context=_typed(data["context"], str),
        dockerfile=_optional(data["dockerfile"], str),
        needs_dockerfile=_typed(data["needs_dockerfile"], bool),
    )


def _basis_from_json(item: Any) -> LinkBasis:
    context, dockerfile, kind = _typed(item, list)  # ValueError unless three
    return _optional(context, str), _optional(dockerfile, str), _typed(kind, str)


def _result_to_json(result: FileResult) -> dict[str, Any]:
    return {
        "findings": [finding_to_json(f) for f in result.findings],
        "suppressed": [finding_to_json(f) for f in result.suppressed],
    }


def _result_from_json(item: Any, path: str) -> FileResult:
    data = _typed(item, dict)
    return FileResult(
        findings=[finding_from_json(f, path) for f in _typed(data["findings"], list)],
        suppressed=[finding_from_json(f, path) for f in _typed(data["suppressed"], list)],
        notifications=list[Notification](),
    )
