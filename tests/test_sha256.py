"""The built-in SHA-256 gives hashlib's digests, and falls back to hashlib when absent."""

from __future__ import annotations

import hashlib
import importlib
import sys

import pytest

from infralint import sha256 as sha_module


@pytest.mark.parametrize("data", [b"", b"abc", b"DF101\0Dockerfile\0FROM x\0", b"x" * 100_000])
def test_digests_match_hashlib(data: bytes) -> None:
    assert sha_module.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_copy_continues_independently() -> None:
    prefix = sha_module.sha256(b"prefix\0")
    first, second = prefix.copy(), prefix.copy()
    first.update(b"0")
    second.update(b"1")
    assert first.hexdigest() == hashlib.sha256(b"prefix\x000").hexdigest()
    assert second.hexdigest() == hashlib.sha256(b"prefix\x001").hexdigest()


def test_the_builtin_is_used_when_present() -> None:
    assert sha_module.sha256 is not hashlib.sha256


def test_falls_back_to_hashlib_without_the_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("_sha2", "_sha256"):
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: ImportError
    try:
        reloaded = importlib.reload(sha_module)
        assert reloaded.sha256 is hashlib.sha256
        assert reloaded.sha256(b"abc").hexdigest() == hashlib.sha256(b"abc").hexdigest()
    finally:
        monkeypatch.undo()
        importlib.reload(sha_module)
