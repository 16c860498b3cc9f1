"""The results cache's file handling and validation (infralint/cache.py), in-process.

The end-to-end cases (a committed cache in a scanned tree) are in tests/hostile/test_cache.py.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from infralint import cache
from infralint.model import Finding, Fix, Severity, Span
from infralint.project import BuildLink, BuildQuery, Project


@pytest.fixture(autouse=True)
def machine_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own per-machine key, outside its project directory."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def _open(root: Path) -> cache.Cache:
    return cache.Cache.open(cast(Any, SimpleNamespace(project_root=root)))


def _finding() -> Finding:
    span = Span(2, 1, 2, 9)
    return Finding(
        code="DF101",
        name="base-image-untagged",
        severity=Severity.WARNING,
        message="pin it",
        path="Dockerfile",
        span=span,
        fingerprint="abc",
        fix=Fix(span, "FROM alpine:3", safe=True),
    )


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("level", [cache.CACHE_DIR, f"{cache.CACHE_DIR}/{cache.FORMAT}"])
def test_cache_directories_must_be_real_directories(root: Path, level: str) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    (root / level).parent.mkdir(parents=True, exist_ok=True)
    (root / level).symlink_to(outside, target_is_directory=True)
    for create in (False, True):
        with (
            pytest.raises(cache.CacheUnusable, match="symbolic link or not a directory"),
            cache._cache_directories(root, create=create),
        ):
            pass
    (root / level).unlink()
    (root / level).write_text("a file")
    with pytest.raises(cache.CacheUnusable), cache._cache_directories(root, create=True):
        pass
    assert list(outside.iterdir()) == []


def test_missing_cache_directories_are_made_private(root: Path) -> None:
    with cache._cache_directories(root, create=False) as missing:
        assert missing is None
    with cache._cache_directories(root, create=True) as made:
        assert made is not None
    for level in (root / cache.CACHE_DIR, root / cache.CACHE_DIR / cache.FORMAT):
        assert level.is_dir() and stat.S_IMODE(level.stat().st_mode) & 0o077 == 0


def test_a_cache_in_a_symlinked_directory_is_off_and_says_why(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    (root / cache.CACHE_DIR).symlink_to(outside, target_is_directory=True)
    store = _open(root)
    assert store.notes == [
        f"cache not used: {cache.CACHE_DIR} is a symbolic link or not a directory"
    ]
    store.put_links(str(root / "compose.yaml"), "services: {}\n", [], [], [])
    store.save()
    assert list(outside.iterdir()) == []


def test_a_saved_cache_is_read_back(root: Path) -> None:
    compose = str(root / "compose.yaml")
    link = BuildLink(
        root / "compose.yaml", "web", root, root / "Dockerfile", {"A": None}, None, Span(3)
    )
    query = BuildQuery(str(root), "./app", None, True)
    basis = (str(root / "app"), str(root / "app" / "Dockerfile"), "file")
    store = _open(root)
    store.put_links(compose, "text", [link], [query], [basis])
    store.save()
    assert store.notes == []
    assert (root / cache.CACHE_DIR / ".gitignore").read_text().endswith("*\n")
    assert (root / cache.CACHE_DIR / "CACHEDIR.TAG").read_text().startswith("Signature: ")
    again = _open(root)
    assert again.notes == []
    assert again.get_links(compose, "text") == ([link], [query], [basis])
    assert again.get_links(compose, "other text") is None


# --------------------------------------------------------------------------- reading


def test_read_bounded_refuses_what_is_not_a_small_regular_file(
    root: Path, directory_fd: int
) -> None:
    assert cache.read_bounded("missing", directory_fd, 10) is None
    (root / "small").write_bytes(b"0123456789")
    assert cache.read_bounded("small", directory_fd, 10) == b"0123456789"
    with pytest.raises(cache.BadIndex, match="larger than 9 bytes"):
        cache.read_bounded("small", directory_fd, 9)
    (root / "link").symlink_to(root / "small")
    with pytest.raises(cache.BadIndex, match="symbolic link"):
        cache.read_bounded("link", directory_fd, 10)
    os.mkfifo(root / "fifo")  # opened without blocking, then refused
    with pytest.raises(cache.BadIndex, match="not a regular file"):
        cache.read_bounded("fifo", directory_fd, 10)


def test_only_an_index_signed_with_this_machines_key_is_parsed() -> None:
    key = b"a" * 64
    body = b'{"version": "x"}'
    assert cache._parse_index(cache._seal(body, key), key) == {"version": "x"}
    with pytest.raises(cache.BadIndex, match="not signed"):
        cache._parse_index(cache._seal(body, b"b" * 64), key)
    with pytest.raises(cache.BadIndex, match="not signed"):
        cache._parse_index(body, key)
    with pytest.raises(cache.BadIndex, match="not valid JSON"):
        cache._parse_index(cache._seal(b"[" * 100_000, key), key)


@pytest.mark.parametrize("section", ["digests", "results", "links"])
@pytest.mark.parametrize("value", [[], 5, "text", None])
def test_an_index_with_a_section_of_the_wrong_type_is_discarded(
    root: Path, section: str, value: Any
) -> None:
    document: dict[str, Any] = {"version": cache.__version__}
    document.update(digests={}, results={}, links={})
    document[section] = value
    with pytest.raises(cache.BadIndex):
        cache.Cache(root, b"k" * 64, document)


def test_a_corrupt_index_on_disk_is_discarded_with_a_note(root: Path) -> None:
    store = _open(root)
    store.put_links(str(root / "compose.yaml"), "text", [], [], [])
    store.save()
    index = root / cache.CACHE_DIR / cache.FORMAT / cache.INDEX
    index.write_bytes(index.read_bytes()[:-1])
    store = _open(root)
    assert store.notes == [
        f"cache discarded: {cache.INDEX} is not signed with this machine's key "
        "(made elsewhere, or committed)"
    ]
    assert store.get_links(str(root / "compose.yaml"), "text") is None


WRONG_VALUES = (5, 2.5, "5", [5], {"x": 5}, True)


def _broken(
    data: dict[str, Any], allowed: dict[str, type], optional: frozenset[str] = frozenset()
) -> Iterator[dict[str, Any]]:
    """DATA with one field missing (unless optional) or of a type it may not have."""
    for name in data:
        if name not in optional:
            yield {key: value for key, value in data.items() if key != name}
        kind = allowed.get(name)
        for wrong in WRONG_VALUES:
            if (
                kind is None
                or not isinstance(wrong, kind)
                or isinstance(wrong, bool) != (kind is bool)
            ):
                yield {**data, name: wrong}


def test_every_field_of_a_cached_finding_is_type_checked() -> None:
    good = cache._result_to_json(cast(Any, SimpleNamespace(findings=[_finding()], suppressed=[])))
    assert cache._result_from_json(good, "Dockerfile").findings == [_finding()]
    text = dict.fromkeys(("code", "name", "message", "fingerprint", "peer"), str)
    allowed = {**text, "suppressed": bool, "suppression_reason": str}  # severity, span, fix: none
    optional = frozenset({"peer", "fix", "suppressed", "suppression_reason", "related"})
    broken = list(_broken(good["findings"][0], allowed, optional))
    assert len(broken) > 50
    for finding in broken:
        for result in (
            {"findings": [finding], "suppressed": []},
            {"findings": [], "suppressed": [finding]},
        ):
            with pytest.raises((ValueError, KeyError)):
                cache._result_from_json(result, "Dockerfile")
    for result in ({"findings": 5, "suppressed": []}, {"findings": []}, [], None):
        with pytest.raises((ValueError, KeyError)):
            cache._result_from_json(result, "Dockerfile")


def test_every_field_of_a_span_is_type_checked() -> None:
    good = Span(2, 1, 3, 4)._asdict()
    for span in _broken(good, dict.fromkeys(good, int)):
        with pytest.raises((ValueError, KeyError)):
            cache._span_from_json(span)


def test_every_field_of_cached_links_is_type_checked(root: Path) -> None:
    link = BuildLink(
        root / "compose.yaml", "web", root, root / "Dockerfile", {"A": "1"}, "t", Span(3)
    )
    good = cache._link_to_json(link)
    assert cache._link_from_json(good) == link
    text = ("compose_path", "service", "context", "dockerfile", "target", "inline")
    for broken in _broken(good, dict.fromkeys(text, str)):
        with pytest.raises((ValueError, KeyError)):
            cache._link_from_json(broken)


def test_a_wrong_digest_entry_is_recomputed(root: Path) -> None:
    path = root / "Dockerfile"
    path.write_text("FROM alpine\n")
    store = cache.Cache(root, b"k" * 64)
    expected = store.digest(str(path))
    slot = store._keyed("digest", str(path))
    for wrong in (5, [1, 2], [True, True, "x" * 64], ["1", "2", "x" * 64], {"a": 1}):
        store._digests[slot] = wrong
        assert store.digest(str(path)) == expected


# --------------------------------------------------------------------------- the key


def test_the_machine_key_is_private_and_stable(root: Path, machine_home: Path) -> None:
    key = cache.machine_key(root)
    key_file = machine_home / "infralint" / cache.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) & 0o077 == 0
    assert cache.machine_key(root) == key and len(key) == 64


def test_a_key_others_can_read_is_replaced(root: Path, machine_home: Path) -> None:
    key_file = machine_home / "infralint" / cache.KEY_FILE
    key_file.parent.mkdir(parents=True)
    key_file.write_text("0" * 32)
    key_file.chmod(0o644)
    key = cache.machine_key(root)
    assert key != b"0" * 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_symlinked_key_file_is_refused(root: Path, machine_home: Path) -> None:
    planted = root / "known-key"
    planted.write_text("0" * 64)
    planted.chmod(0o600)
    (machine_home / "infralint").mkdir(parents=True)
    (machine_home / "infralint" / cache.KEY_FILE).symlink_to(planted)
    with pytest.raises(cache.CacheUnusable, match="symbolic link"):
        cache.machine_key(root)


def test_a_key_inside_the_scanned_tree_is_refused(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / ".cache"))
    with pytest.raises(cache.CacheUnusable, match="inside the scanned tree"):
        cache.machine_key(root)
    assert not (root / ".cache").exists()


# --------------------------------------------------------------------------- clean


def test_clean_removes_a_symlink_never_its_target(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "keep").write_text("keep")
    (root / cache.CACHE_DIR).symlink_to(outside, target_is_directory=True)
    assert cache.clean(root)
    assert not os.path.lexists(root / cache.CACHE_DIR)
    assert (outside / "keep").read_text() == "keep"


def test_clean_removes_the_cache_but_not_what_links_inside_point_at(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "keep").write_text("keep")
    (root / cache.CACHE_DIR / cache.FORMAT).mkdir(parents=True)
    (root / cache.CACHE_DIR / cache.FORMAT / "link").symlink_to(outside)
    assert cache.clean(root)
    assert not os.path.lexists(root / cache.CACHE_DIR)
    assert (outside / "keep").read_text() == "keep"
    assert not cache.clean(root)


def test_every_fact_on_the_project_is_part_of_the_cache_key() -> None:
    """Whatever the link stage records on Project (links, facts read from other files) changes
    the cache key, including a field added later; the order facts were found in does not."""
    base = Project(Path("/p")).cache_material()
    for item in fields(Project):
        if not item.compare or item.name in ("root", "roots"):
            continue
        project = Project(Path("/p"))
        value = getattr(project, item.name)
        if isinstance(value, dict):
            value["/p/x"] = None
        else:
            value.append("x")
        assert project.cache_material() != base, item.name
    first, second = Project(Path("/p")), Project(Path("/p"))
    first.scripts.update({"/p/a.sh": None, "/p/b.sh": ()})
    second.scripts.update({"/p/b.sh": (), "/p/a.sh": None})
    assert first.cache_material() == second.cache_material()
