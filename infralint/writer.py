"""The one way infralint writes a file (the cache's index and key, a `--fix` result, a report).

The scanned repository is untrusted, and a name it can predict it can plant first, as a symbolic
link to a file outside the tree. So a write never opens its target: the data goes to a new file
with a random name, created exclusively and never through a link, in a directory the caller
opened and verified, is synced, and is renamed over the target. A crash or a failed write
leaves the target as it was.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterable
from contextlib import suppress

_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_ATTEMPTS = 8  # fresh random names tried when one is taken (planted, or a coincidence)


def temporary_name(name: str) -> str:
    """A hidden name beside NAME that nobody can guess ahead of this process."""
    return f".{name}.{os.getpid()}.{secrets.token_hex(8)}.tmp"


def write_atomic(
    dir_fd: int,
    name: str,
    data: bytes | Iterable[bytes | bytearray],
    *,
    mode: int = 0o600,
    owner: tuple[int, int] | None = None,
) -> None:
    """Write DIR/NAME whole or not at all: a new file (O_EXCL|O_NOFOLLOW) that takes MODE and,
    where permitted, OWNER (uid, gid), is fsynced and renamed over NAME; the directory is synced
    after. On any error the new file is removed and NAME is untouched. DATA may come in pieces
    (a report rendered as it is written); an error while producing them is such an error."""
    for _ in range(_ATTEMPTS):
        temporary = temporary_name(name)
        try:
            fd = os.open(temporary, _CREATE_FLAGS, 0o600, dir_fd=dir_fd)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no free temporary file name", name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            if owner is not None:
                with suppress(OSError):  # keeping the owner needs privileges we may not have
                    os.fchown(fd, *owner)
            os.fchmod(fd, mode)
            os.fsync(fd)
        os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary, dir_fd=dir_fd)
        raise
    with suppress(OSError):  # the rename is done; some file systems cannot sync a directory
        os.fsync(dir_fd)
