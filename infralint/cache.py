"""Per-file results cache in `.infralint_cache/` at the project root.

An entry is keyed by (infralint version, effective config and enabled rules, the file's path and
content hash, and the cross-file links that can change its findings). Entries are JSON, never
pickle: the cache directory sits in the scanned repository, so it must never be able to run code.

A run keeps little per file: the index holds, per result, only where its JSON lies in a data file
(`results-<random>.data`, named by the index) and that JSON's SHA-256, in sorted binary tables
searched in place; a result is read (one `pread`) when it is asked for. New results wait in a
private temporary file outside the tree until `save` streams the new data file.

That repository may be hostile (a pull request from a stranger), so nothing in it is trusted:
- every key, and the index as a whole, is signed with a per-machine secret kept outside the tree,
  so a committed cache is never read (a fresh CI machine has a fresh key);
- the index is read with a size cap, never through a symlink, and every field is type-checked;
  a bad one is discarded with a note (shown under -v), never a crash;
- the data file is opened never through a symlink, must be a regular file of ours, and each
  entry is read with a length cap and checked against the hash the signed index gives for it:
  a changed, missing or truncated entry is a cache miss (with a note), never a wrong result;
- writes go through directory fds: `.infralint_cache` and `v3` must be real directories we own,
  and files are created with O_EXCL|O_NOFOLLOW, then renamed, so no symlink can redirect them.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import struct
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from infralint import __version__
from infralint.model import FileResult, Finding, Fix, Notification, Related, Severity, Span
from infralint.project import BuildLink, BuildQuery, LinkBasis
from infralint.writer import write_atomic

if TYPE_CHECKING:
    from infralint.engine import FileJob, Settings, WorkerContext

_SEVERITIES = {severity.value: severity for severity in Severity}
CACHE_DIR = ".infralint_cache"
FORMAT = "v3"
OLD_FORMATS = ("v2",)  # their index is removed when a run saves this format's
INDEX = "index"
OLD_INDEX = "index.json"  # the name in the older formats
KEY_FILE = "cache-key"
MAX_ENTRIES = 100_000  # results kept across runs; the oldest are dropped beyond this
MAX_ENTRY_BYTES = 16 * 1024**2  # one file's result; a bigger one is not cached
# The index holds no findings (those are in the data file): what MAX_ENTRIES results and the
# digests of some hundred thousand files take, with room to spare. A bigger one is not one we
# wrote, and reading it would cost memory without bound.
MAX_INDEX_BYTES = 64 * 1024**2
MAX_DIGESTS = (MAX_INDEX_BYTES - MAX_ENTRIES * 76) // 80  # whatever fits beside the results
_MAC_LENGTH = 64  # hex digits of the HMAC-SHA256 line that starts the index
_MAX_HEADER = 4096  # bytes of the index's JSON line
DATA_NAME = re.compile(r"results-[0-9a-f]{32}\.data")

# Sorted tables of fixed-width records, keyed by the first 32 bytes (an HMAC-SHA256):
# a file's digest: key, size, mtime_ns, sha256 of its content;
_DIGEST = struct.Struct("<32sQq32s")
_DIGEST_VALUE = struct.Struct("<Qq32s")
# a result: key, offset and length of its JSON in the data file, sha256 of that JSON.
_RESULT = struct.Struct("<32sQI32s")
_KEY_BYTES = 32
_OVERLAY = 1024  # new digests kept in a dict before they are merged into the table

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


class Table:
    """Records of one width sorted by their first 32 bytes (a key), searched in place: a run
    keeps a few dozen bytes per cached file rather than a Python object or three."""

    def __init__(self, records: bytes | bytearray, layout: struct.Struct) -> None:
        if len(records) % layout.size:
            raise ValueError(f"a table of {layout.size}-byte records is {len(records)} bytes")
        self.records = records
        self.layout = layout

    def __len__(self) -> int:
        return len(self.records) // self.layout.size

    def key(self, index: int) -> bytes | bytearray:
        start = index * self.layout.size
        return self.records[start : start + _KEY_BYTES]

    def find(self, key: bytes) -> tuple[Any, ...] | None:
        """The record with KEY, unpacked. Records out of order only make misses."""
        low, high = 0, len(self)
        while low < high:
            middle = (low + high) // 2
            if self.key(middle) < key:
                low = middle + 1
            else:
                high = middle
        if low < len(self) and self.key(low) == key:
            return self.layout.unpack_from(self.records, low * self.layout.size)
        return None

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self.layout.iter_unpack(self.records)

    @classmethod
    def merged(cls, old: Table, new: dict[bytes, bytes]) -> Table:
        """OLD's records with NEW's (key -> the rest of a record) added, NEW's winning."""
        width = old.layout.size
        out = bytearray()
        position, count = 0, len(old)
        for key in sorted(new):
            while position < count and old.key(position) < key:
                out += old.records[position * width : (position + 1) * width]
                position += 1
            if position < count and old.key(position) == key:
                position += 1
            out += key + new[key]
        out += old.records[position * width :]
        return cls(out, old.layout)  # not copied: a table is never changed in place


class Cache:
    """One signed index per project and one data file of results: a run reads the index (small:
    no findings in it) and then only the results it is asked for.

    A file's content hash is remembered with its size and mtime, so an unchanged file is not
    read again to be hashed; any change to either re-hashes it. A cache opened without a key is
    off: it finds nothing and saves nothing. `save` is a run's last call: it lets go of the
    files the cache holds open."""

    def __init__(
        self, project_root: Path, key: bytes | None, document: Any = None, tables: bytes = b""
    ) -> None:
        self.project_root = project_root
        self.notes: list[str] = []  # said once under -v: why the cache was off or discarded
        self._key = key
        self._context_keys: dict[tuple[int, str], str] = {}
        self._dirty = False
        self._digests = Table(b"", _DIGEST)
        # Digests found this run, key -> packed size, mtime_ns, sha256; merged into the table
        # when there are many, so that a run keeps no Python objects per file.
        self._new_digests: dict[bytes, bytes] = {}
        self._results = Table(b"", _RESULT)  # places in the data file
        self._data_name: str | None = None  # the data file the index names
        self._data: IO[bytes] | None = None  # ... opened (None when missing or refused)
        self._data_size = 0
        # Results put this run, as _RESULT records of their places in the spool, in put order.
        # They are found from the next run on (a run asks for each result once, before).
        self._new_results = bytearray()
        self._spool: IO[bytes] | None = None  # this run's new results, outside the tree
        self._spool_size = 0
        self._noted: set[str] = set()
        if document is not None:
            self._load(document, tables)

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
        """Load the index and open the data file it names; an index that is not ours or not
        well-formed is discarded with a note (and replaced on save), and so are the results of
        a data file we cannot trust. CacheUnusable when the directories cannot be trusted."""
        assert self._key is not None
        try:
            with _cache_directories(self.project_root, create=False) as directories:
                if directories is None:
                    return
                raw = read_bounded(INDEX, directories[1], MAX_INDEX_BYTES)
                if raw is None:
                    return
                document, tables = _parse_index(raw, self._key)
                del raw
                self._load(document, tables)
                if self._data_name is not None:
                    self._open_data(directories[1])
        except BadIndex as problem:
            self.notes.append(f"cache discarded: {INDEX} {problem}")

    def _open_data(self, format_fd: int) -> None:
        name = self._data_name
        assert name is not None
        try:
            self._data, self._data_size = _open_data(name, format_fd)
        except BadIndex as problem:
            self.notes.append(f"cached results not used: {name} {problem}")
            # The next save writes an index without them (and removes what is in the way).
            self._results, self._data_name, self._dirty = Table(b"", _RESULT), None, True

    @classmethod
    def _off(cls, root: Path, note: str) -> Cache:
        cache = cls(root, None)
        cache.notes.append(note)
        return cache

    def _load(self, document: Any, tables: bytes) -> None:
        """Take the tables of an index we wrote (its JSON line says how long each is); the
        entries they point at are checked one by one when used."""
        if not isinstance(document, dict):
            raise BadIndex("is not a JSON object")
        if document.get("version") != __version__:
            return  # made by another version: start afresh
        try:
            name = _optional(document.get("data"), str)
            if name is not None and not DATA_NAME.fullmatch(name):
                raise ValueError("not a data file's name")
            digests, results = (_typed(document.get(n), int) for n in ("digests", "results"))
            if min(digests, results) < 0:
                raise ValueError("a negative length")
            split = digests * _DIGEST.size
            if len(tables) != split + results * _RESULT.size:
                raise ValueError("tables of other lengths than it says")
        except ValueError as problem:
            raise BadIndex(f"is malformed ({problem})") from None
        self._digests = Table(tables[:split], _DIGEST)
        if name is not None:
            self._results, self._data_name = Table(tables[split:], _RESULT), name

    def _keyed(self, *parts: str) -> str:
        return self._slot(*parts).hex()

    def _slot(self, *parts: str) -> bytes:
        key = self._key
        assert key is not None  # only called while the cache is on
        material = "\0".join(parts).encode("utf-8", "surrogateescape")
        return hmac.new(key, material, hashlib.sha256).digest()

    def digest(self, path: str) -> str:
        try:
            info = os.stat(path)
        except OSError:
            return ""
        slot = self._slot("digest", path)
        known = self._new_digests.get(slot)
        if known is not None:
            size, mtime, digest = _DIGEST_VALUE.unpack(known)
        else:
            record = self._digests.find(slot)
            size, mtime, digest = record[1:] if record is not None else (-1, 0, b"")
        if size == info.st_size and mtime == info.st_mtime_ns:
            return bytes(digest).hex()
        text = _file_digest(Path(path))
        if text:
            with suppress(struct.error):  # a size or a time beyond 64 bits: not remembered
                value = _DIGEST_VALUE.pack(info.st_size, info.st_mtime_ns, bytes.fromhex(text))
                self._new_digests[slot] = value
                self._dirty = True
                if len(self._new_digests) >= max(_OVERLAY, len(self._digests) // 4):
                    self._digests = Table.merged(self._digests, self._new_digests)
                    self._new_digests = {}
        return text

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

    def _key_of(self, job: FileJob, context: WorkerContext) -> bytes | None:
        if job.text is not None or self._key is None:
            return None  # stdin is never cached
        digest = self.digest(job.path)
        if not digest:
            return None
        context_key = self._context_key(context, job)
        return self._slot("result", context_key, job.path, job.language, job.reason, digest)

    def get(self, job: FileJob, context: WorkerContext) -> FileResult | None:
        key = self._key_of(job, context)
        data = self._entry(key) if key is not None else None
        if data is None:
            return None
        try:
            return _result_from_json(json.loads(data), job.display_path)
        except (ValueError, KeyError, TypeError, RecursionError):
            return None

    def _entry(self, key: bytes) -> bytes | None:
        """The JSON of KEY's result, as hashed when it was put; None when there is none or the
        bytes where it should be are not those (a changed or truncated data file)."""
        record = self._results.find(key)
        if record is None or self._data is None:
            return None
        _, offset, length, digest = record
        if length > MAX_ENTRY_BYTES:
            return None  # never written: not worth reading
        if offset + length > self._data_size:
            self._note_once(f"cached results partly not used: {self._data_name} is too short")
            return None
        data = _read_entry(self._data, offset, length, digest)
        if data is None:
            self._note_once(f"cached results partly not used: {self._data_name} was changed")
        return data

    def _note_once(self, note: str) -> None:
        if note not in self._noted:
            self._noted.add(note)
            self.notes.append(note)

    def put(self, job: FileJob, context: WorkerContext, result: FileResult) -> None:
        if result.notifications:
            return  # a run with internal errors is not worth remembering
        key = self._key_of(job, context)
        if key is not None:
            self._put_entry(key, _result_to_json(result))

    def _put_entry(self, key: bytes, document: Any) -> None:
        """Keep DOCUMENT's JSON in the spool until `save`, under KEY."""
        data = json.dumps(document, separators=(",", ":")).encode("ascii")
        if len(data) > MAX_ENTRY_BYTES:
            return
        try:
            if self._spool is None:
                # Private, outside the tree, gone when closed; `save` closes it.
                self._spool = tempfile.TemporaryFile(prefix="infralint-cache-")  # noqa: SIM115
            self._spool.write(data)
        except OSError as error:  # a full temporary directory: the run goes on uncached
            self._note_once(f"cache not written: {error.strerror or error}")
            return
        self._new_results += _RESULT.pack(
            key, self._spool_size, len(data), hashlib.sha256(data).digest()
        )
        self._spool_size += len(data)
        self._dirty = True

    def _links_key(self, path: str, text: str) -> bytes | None:
        if self._key is None:
            return None
        # The links depend on the compose file, the `.env` beside it and the project root.
        dotenv = self.digest(str(Path(path).parent / ".env"))
        return self._slot("links", __version__, str(self.project_root), path, text, dotenv)

    def get_links(
        self, path: str, text: str
    ) -> tuple[list[BuildLink], list[BuildQuery], list[LinkBasis]] | None:
        """A compose file's build links, the disk queries of its builds and what the disk
        answered when the links were built (the engine asks again, and compares), when the
        file is unchanged since they were cached."""
        key = self._links_key(path, text)
        data = self._entry(key) if key is not None else None
        if data is None:
            return None
        try:
            entry = _typed(json.loads(data), dict)
            links = [_link_from_json(item) for item in _typed(entry["links"], list)]
            queries = [_query_from_json(item) for item in _typed(entry["queries"], list)]
            basis = [_basis_from_json(item) for item in _typed(entry["basis"], list)]
            return links, queries, basis
        except (KeyError, TypeError, ValueError, RecursionError):
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
            document = {
                "links": [_link_to_json(link) for link in links],
                "queries": [query._asdict() for query in queries],
                "basis": [list(answer) for answer in basis],
            }
            self._put_entry(key, document)

    def save(self) -> None:
        """Write what the run added (the data file first, then the index naming it, then the
        old data files go), and let go of the files the cache holds open."""
        try:
            if self._dirty and self._key is not None:
                self._save(self._key)
        except CacheUnusable as problem:
            self.notes.append(f"cache not written: {problem}")
        except OSError as error:  # a read-only checkout, a full disk: run without caching
            self.notes.append(f"cache not written: {error.strerror or error}")
        finally:
            self._dirty = False
            self._close()

    def _close(self) -> None:
        for handle in (self._data, self._spool):
            if handle is not None:
                handle.close()
        self._data = self._spool = None
        self._results, self._new_results = Table(b"", _RESULT), bytearray()

    def _save(self, key: bytes) -> None:
        with _cache_directories(self.project_root, create=True) as directories:
            assert directories is not None  # made when missing
            cache_fd, format_fd = directories
            name, results = self._write_data(format_fd)
            digests = Table.merged(self._digests, self._new_digests)
            write_atomic(format_fd, INDEX, _seal(_index_pieces(name, digests, results), key))
            self._digests, self._new_digests = digests, {}
            _mark_cache_dir(cache_fd)
            _remove_data_files(format_fd, keep=name)
            _remove_old_formats(cache_fd)

    def _write_data(self, format_fd: int) -> tuple[str | None, Table]:
        """The data file's name and the results' places in it: the one read, when no result
        was added, else a new one written from the old (still matching their hashes, the
        oldest dropped beyond MAX_ENTRIES) and the new, newest last."""
        old = self._results
        if not self._new_results and len(old) <= MAX_ENTRIES:
            return self._data_name, old
        if self._spool is not None:
            self._spool.flush()
        name = f"results-{secrets.token_hex(16)}.data"
        records = bytearray()

        def stream() -> Iterator[bytes]:
            position = 0
            for key, source, offset, length, digest in self._kept():
                data = _read_entry(source, offset, length, digest)
                if data is not None:
                    records.extend(_RESULT.pack(key, position, length, digest))
                    position += length
                    yield data

        write_atomic(format_fd, name, stream())
        return name, _newest_by_key(records)

    def _kept(self) -> Iterator[tuple[bytes, IO[bytes], int, int, bytes]]:
        """The results to keep, oldest first (key, file, offset, length, sha256): the data
        file's in their order there, then the new ones in the order they were put; the oldest
        beyond MAX_ENTRIES are dropped. (An old one a new one replaces is dropped later.)"""
        old, data, width = self._results, self._data, _RESULT.size
        kept = sorted(
            range(len(old)) if data is not None else (),
            key=lambda index: old.layout.unpack_from(old.records, index * width)[1],
        )
        fresh = len(self._new_results) // width
        surplus = max(0, len(kept) + fresh - MAX_ENTRIES)
        for index in kept[surplus:]:
            assert data is not None
            key, offset, length, digest = old.layout.unpack_from(old.records, index * width)
            if offset + length <= self._data_size:
                yield key, data, offset, length, digest
        if self._spool is not None:
            for index in range(max(0, surplus - len(kept)), fresh):
                key, offset, length, digest = _RESULT.unpack_from(self._new_results, index * width)
                yield key, self._spool, offset, length, digest


# --------------------------------------------------------------------------- the files


@contextmanager
def _cache_directories(root: Path, *, create: bool) -> Iterator[tuple[int, int] | None]:
    """Fds for ROOT/.infralint_cache and its FORMAT/, or None when missing (and not CREATE).

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
        data = handle.read(info.st_size + 1)  # one more: a file that grew is refused below
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


def _open_data(name: str, format_fd: int) -> tuple[IO[bytes], int]:
    """The data file NAME in the format directory, opened for reading (never through a
    symlink, a regular file of ours), and its size; BadIndex when it cannot be used."""
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=format_fd)
    except FileNotFoundError:
        raise BadIndex("is missing (another run replaced it, or it was removed)") from None
    except OSError as error:
        reason = "is a symbolic link" if error.errno == errno.ELOOP else "cannot be opened"
        raise BadIndex(reason) from None
    handle = os.fdopen(fd, "rb", buffering=0)
    info = os.fstat(fd)
    problem = (
        "is not a regular file"
        if not stat.S_ISREG(info.st_mode)
        else "is not owned by the current user"
        if info.st_uid != os.getuid()
        else None
    )
    if problem is not None:
        handle.close()
        raise BadIndex(problem)
    return handle, info.st_size


def _read_entry(handle: IO[bytes], offset: int, length: int, digest: bytes) -> bytes | None:
    """LENGTH bytes at OFFSET in HANDLE's file when their SHA-256 is DIGEST, else None."""
    if length > MAX_ENTRY_BYTES:
        return None
    try:
        data = os.pread(handle.fileno(), length, offset)
    except OSError:
        return None
    if len(data) != length or not hmac.compare_digest(hashlib.sha256(data).digest(), digest):
        return None
    return data


def _remove_data_files(format_fd: int, *, keep: str | None) -> None:
    """Remove the data files no index names now (those of the index just replaced, or of a run
    that stopped short). A concurrent run that still reads one holds it open; one that was about
    to name one finds it missing, which costs it its cached results, nothing else."""
    for name in os.listdir(format_fd):
        if name != keep and DATA_NAME.fullmatch(name):
            with suppress(OSError):  # gone already, or not a file: left alone
                os.unlink(name, dir_fd=format_fd)


def _remove_old_formats(cache_fd: int) -> None:
    """Remove the index of an older format (and its directory, when that is then empty): this
    version never reads it. A directory that is not ours, or not a directory, is left alone."""
    for name in OLD_FORMATS:
        with suppress(OSError, CacheUnusable):
            fd = _open_own_directory(name, cache_fd, create=False)
            if fd is None:
                continue
            try:
                with suppress(FileNotFoundError):
                    os.unlink(OLD_INDEX, dir_fd=fd)
            finally:
                os.close(fd)
            os.rmdir(name, dir_fd=cache_fd)


def _newest_by_key(records: bytearray) -> Table:
    """RECORDS (oldest first) sorted by key, only the newest of those with the same key."""
    width = _RESULT.size
    order = sorted(range(len(records) // width), key=lambda i: records[i * width : i * width + 32])
    table = bytearray()
    for position, index in enumerate(order):
        start = index * width
        following = order[position + 1] * width if position + 1 < len(order) else -1
        if following < 0 or records[following : following + 32] != records[start : start + 32]:
            table += records[start : start + width]  # sorted() is stable: the last is newest
    return Table(table, _RESULT)


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


def _index_pieces(name: str | None, digests: Table, results: Table) -> list[bytes | bytearray]:
    """The index's body: a JSON line (the data file's name, how many records each table has),
    then the tables. Digests beyond what fits under the read cap are not kept (they save time,
    not correctness)."""
    header = {
        "version": __version__,
        "data": name,
        "digests": min(len(digests), MAX_DIGESTS),
        "results": len(results),
    }
    line = json.dumps(header, separators=(",", ":")).encode("ascii") + b"\n"
    kept = digests.records
    if len(digests) > MAX_DIGESTS:
        kept = kept[: MAX_DIGESTS * _DIGEST.size]
    return [line, kept, results.records]


def _seal(pieces: list[bytes | bytearray], key: bytes) -> list[bytes | bytearray]:
    """The index: an HMAC of the body with the machine key on the first line, then the body
    (in PIECES, written as they are: the tables are not copied)."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for piece in pieces:
        mac.update(piece)
    return [mac.hexdigest().encode("ascii") + b"\n", *pieces]


def _parse_index(raw: bytes, key: bytes) -> tuple[Any, bytes]:
    """The JSON line of an index signed with KEY, and the tables after it; BadIndex for any
    other (one committed, or made elsewhere), checked before parsing so a planted one costs
    nothing but its bounded read."""
    mac, newline = raw[:_MAC_LENGTH], raw[_MAC_LENGTH : _MAC_LENGTH + 1]
    body = memoryview(raw)[_MAC_LENGTH + 1 :]  # not copied
    expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")
    if newline != b"\n" or not hmac.compare_digest(mac, expected):
        raise BadIndex("is not signed with this machine's key (made elsewhere, or committed)")
    end = raw.find(b"\n", _MAC_LENGTH + 1, _MAC_LENGTH + 1 + _MAX_HEADER)
    if end < 0:
        raise BadIndex("has no header line")
    try:
        document = json.loads(raw[_MAC_LENGTH + 1 : end])
    except (ValueError, RecursionError):
        raise BadIndex("is not valid JSON") from None
    return document, raw[end + 1 :]


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
