"""SHA-256 without importing hashlib.

hashlib loads OpenSSL's `_hashlib` (about 3 ms, a fifth of a one-file run's imports); CPython's
built-in module gives the same digests. Falls back to hashlib on builds without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

__all__ = ["Hash", "sha256"]


class Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def copy(self) -> Hash: ...
    def hexdigest(self) -> str: ...


if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:
        from _sha2 import sha256  # Python 3.12+
    except ImportError:
        try:
            from _sha256 import sha256  # Python 3.11
        except ImportError:
            from hashlib import sha256
