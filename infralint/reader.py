"""The one way analysis reads a file of the scanned tree.

The scanned repository is untrusted (infralint runs on pull requests from strangers): a symbolic
link may point at `/etc/passwd`, a compose file may name `~/.git-credentials` as its Dockerfile,
a `.gitignore` may be a FIFO or a link to `/dev/zero`. So every read for analysis comes here:

- the path is resolved (every symbolic link followed) and must lie inside the scanned roots,
  the paths given on the command line and the project (repository) holding them; what lies
  outside is never opened;
- auxiliary files (ignore files, `.env`) are never read through a symbolic link at all;
- the file is opened without blocking and without following a final symbolic link, and must be
  a regular file on the open descriptor (so a FIFO or a device is never read);
- at most `max_size` bytes are read.

A refusal is a ReadRefused whose message names neither the outside path nor anything in it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    pass

Roots = tuple[str, ...]  # resolved absolute paths: directories and explicit files

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
OUTSIDE = "it resolves to a path outside the scanned tree (never read)"
LINK = "it is a symbolic link (never followed for this file)"
NOT_REGULAR = "not a regular file (a FIFO, socket or device is never read)"


class ReadRefused(OSError):
    """A file that is not read, and why (an OSError, so a caller's `except OSError` holds)."""


def scan_roots(paths: Iterable[str | os.PathLike[str]]) -> Roots:
    """The scanned roots of a run: each given path, resolved (missing paths are no root)."""
    roots = []
    for path in paths:
        try:
            if os.path.exists(path):
                roots.append(os.path.realpath(path))
        except (OSError, ValueError):
            continue
    return tuple(dict.fromkeys(roots))


def inside(path: str | os.PathLike[str], roots: Roots) -> bool:
    """`path`, resolved, is one of the roots or lies below one of them."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    return any(real == root or real.startswith(os.path.join(root, "")) for root in roots)


def read_bytes(
    path: str | os.PathLike[str],
    roots: Roots,
    max_size: int,
    *,
    follow_links: bool = True,
    limit: str = "size limit",
) -> bytes:
    """The content of a regular file inside `roots`, at most `max_size` bytes; else ReadRefused.

    `follow_links=False` is for auxiliary files (ignore files, `.env`): like git, which never
    follows a symbolic `.gitignore`, a link there is refused whatever its target."""
    with _open_regular(path, roots, follow_links) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_size:
            raise ReadRefused(f"file is {size:,} bytes, over the {limit} of {max_size:,}")
        raw = _read(handle, max_size + 1)
    if len(raw) > max_size:
        raise ReadRefused(f"file is over the {limit} of {max_size:,} bytes")
    return raw


def read_head(path: str | os.PathLike[str], roots: Roots, size: int) -> bytes:
    """The first `size` bytes of a regular file inside `roots` (to classify it); else
    ReadRefused."""
    with _open_regular(path, roots, follow_links=True) as handle:
        return _read(handle, size)


def _open_regular(path: str | os.PathLike[str], roots: Roots, follow_links: bool) -> BinaryIO:
    if not follow_links and os.path.islink(path):
        raise ReadRefused(LINK)
    if not inside(path, roots):
        raise ReadRefused(OUTSIDE)
    try:
        # The resolved path, opened without following a link: a final component swapped for a
        # link after the check above is refused, not followed.
        fd = os.open(os.path.realpath(path), _OPEN_FLAGS)
    except (OSError, ValueError) as error:
        raise ReadRefused(f"cannot read the file: {_reason(error)}") from None
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise ReadRefused(NOT_REGULAR)
    return handle


def _read(handle: BinaryIO, size: int) -> bytes:
    try:
        return handle.read(size)
    except OSError as error:
        raise ReadRefused(f"cannot read the file: {_reason(error)}") from None


def read_text(
    path: str | os.PathLike[str], roots: Roots, max_size: int, *, follow_links: bool = True
) -> str:
    """read_bytes as UTF-8 text, undecodable bytes replaced (for files a check only scans)."""
    raw = read_bytes(path, roots, max_size, follow_links=follow_links)
    return raw.decode("utf-8", errors="replace")


def read_text_or_none(
    path: str | os.PathLike[str], roots: Roots, max_size: int, *, follow_links: bool = True
) -> str | None:
    """read_text, or None when the file is refused (for checks that skip what they cannot read)."""
    try:
        return read_text(path, roots, max_size, follow_links=follow_links)
    except ReadRefused:
        return None


def read_named(path: str | os.PathLike[str], max_size: int) -> bytes:
    """Up to `max_size + 1` bytes of a file the user names or the run finds upward (a config, a
    baseline): not confined to the scanned tree, since it is not what is analysed, but a regular
    file, opened without waiting for a FIFO's writer, so a device or FIFO never hangs the run.
    The caller judges the size (more than `max_size` bytes back means too large)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except ValueError:
        raise ReadRefused("invalid path") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReadRefused(NOT_REGULAR)
        return handle.read(max_size + 1)


def utf8_name(name: str) -> str:
    """A file name as the run shows it: its bytes decoded as UTF-8 whatever the locale's
    encoding (undecodable bytes as surrogates, as under a UTF-8 locale), so reports, baselines
    and fingerprints do not depend on LANG/LC_ALL."""
    try:
        return os.fsencode(name).decode("utf-8", "surrogateescape")
    except UnicodeError:
        return name


def native_name(name: str) -> str:
    """The inverse of utf8_name: a shown name as the file system API of this locale takes it."""
    try:
        return os.fsdecode(name.encode("utf-8", "surrogateescape"))
    except UnicodeError:
        return name


def _reason(error: OSError | ValueError) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or "invalid path"
