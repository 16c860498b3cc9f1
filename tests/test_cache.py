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


def _sealed(pieces: list[bytes], key: bytes) -> bytes:
    return b"".join(cache._seal(pieces, key))


def test_only_an_index_signed_with_this_machines_key_is_parsed() -> None:
    key = b"a" * 64
    pieces = [b'{"version": "x"}\n', b"tables"]
    assert cache._parse_index(_sealed(pieces, key), key) == ({"version": "x"}, b"tables")
    with pytest.raises(cache.BadIndex, match="not signed"):
        cache._parse_index(_sealed(pieces, b"b" * 64), key)
    with pytest.raises(cache.BadIndex, match="not signed"):
        cache._parse_index(b"".join(pieces), key)
    with pytest.raises(cache.BadIndex, match="not valid JSON"):
        cache._parse_index(_sealed([b"[" * 4000 + b"\n"], key), key)
    with pytest.raises(cache.BadIndex, match="no header line"):
        cache._parse_index(_sealed([b"[" * 100_000 + b"\n"], key), key)


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"version": cache.__version__, "data": f"results-{0:032x}.data"}
    document.update(digests=1, results=1)
    return {**document, **changes}


TABLES = b"d" * cache._DIGEST.size + b"r" * cache._RESULT.size


@pytest.mark.parametrize(
    "changes",
    [
        *({section: value} for section in ("digests", "results") for value in ("1", None, -1, 2)),
        {"data": "../../outside"},
        {"data": "results-x.data"},
        {"data": 5},
    ],
)
def test_an_index_with_a_malformed_header_is_discarded(root: Path, changes: Any) -> None:
    cache.Cache(root, b"k" * 64, _document(), TABLES)  # well-formed
    with pytest.raises(cache.BadIndex, match="malformed"):
        cache.Cache(root, b"k" * 64, _document(**changes), TABLES)
    with pytest.raises(cache.BadIndex, match="malformed"):
        cache.Cache(root, b"k" * 64, _document(), TABLES[:-1])
    with pytest.raises(cache.BadIndex, match="not a JSON object"):
        cache.Cache(root, b"k" * 64, [], TABLES)


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


def test_a_digest_is_recomputed_when_the_size_or_the_time_changed(root: Path) -> None:
    path = root / "Dockerfile"
    path.write_text("FROM alpine\n")
    store = _open(root)
    first = store.digest(str(path))
    store.save()
    path.write_text("FROM ubuntu\n")  # the same size
    os.utime(path, ns=(1, 1))
    store = _open(root)
    assert store.digest(str(path)) != first
    assert store.digest(str(path)) == cache._file_digest(path)


def test_digests_are_merged_into_the_table_as_they_grow(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_OVERLAY", 4)
    paths = [root / f"f{number}" for number in range(10)]
    for number, path in enumerate(paths):
        path.write_text(str(number))
    store = _open(root)
    expected = [store.digest(str(path)) for path in paths]
    assert len(store._digests) == 8 and len(store._new_digests) == 2
    assert [store.digest(str(path)) for path in paths] == expected
    store.save()
    again = _open(root)
    assert len(again._digests) == 10
    assert [again.digest(str(path)) for path in paths] == expected
    assert not again._dirty  # nothing was hashed again


def test_a_table_finds_its_keys_and_merges_newer_records() -> None:
    layout = cache._RESULT
    keys = sorted(bytes([number]) * 32 for number in range(0, 200, 7))
    table = cache.Table(b"".join(layout.pack(key, 1, 2, b"h" * 32) for key in keys), layout)
    for key in keys:
        assert table.find(key) == (key, 1, 2, b"h" * 32)
    assert table.find(b"\x01" * 32) is None and table.find(b"\xff" * 32) is None
    newer = {keys[3]: layout.pack(keys[3], 5, 6, b"n" * 32)[32:], b"\x02" * 32: b"x" * 44}
    merged = cache.Table.merged(table, newer)
    assert len(merged) == len(keys) + 1
    assert merged.find(keys[3]) == (keys[3], 5, 6, b"n" * 32)
    assert merged.find(b"\x02" * 32) == (b"\x02" * 32, *layout.unpack(b"\x02" * 32 + b"x" * 44)[1:])
    assert [record[0] for record in merged] == sorted([*keys, b"\x02" * 32])
    with pytest.raises(ValueError):
        cache.Table(b"x" * (layout.size + 1), layout)


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


# --------------------------------------------------------------------------- the data file

BASIS = [("app", None, "file")]


def _format_dir(root: Path) -> Path:
    return root / cache.CACHE_DIR / cache.FORMAT


def _data_files(root: Path) -> list[Path]:
    return sorted(_format_dir(root).glob("results-*.data"))


def _save_links(root: Path, *names: str) -> None:
    """One run that caches the links of the compose files NAMES (in that order)."""
    store = _open(root)
    for name in names:
        store.put_links(str(root / name), "text", [], [], BASIS)
    store.save()
    assert store.notes == []


def _cached_links(root: Path, name: str = "compose.yaml") -> tuple[Any, list[str]]:
    store = _open(root)
    return store.get_links(str(root / name), "text"), store.notes


def test_entries_are_read_from_the_data_file_the_index_names(root: Path) -> None:
    _save_links(root, "compose.yaml")
    [data] = _data_files(root)
    assert cache.DATA_NAME.fullmatch(data.name)
    assert stat.S_IMODE(data.stat().st_mode) == 0o600
    assert b'"basis":[["app",null,"file"]]' in data.read_bytes()
    assert _cached_links(root) == (([], [], BASIS), [])
    _save_links(root, "other.yaml")  # the old entry is copied into the new data file
    [new] = _data_files(root)
    assert new != data and not data.exists()
    assert _cached_links(root) == (([], [], BASIS), [])
    assert _cached_links(root, "other.yaml") == (([], [], BASIS), [])


def test_an_unchanged_run_does_not_rewrite_the_data_file(root: Path) -> None:
    _save_links(root, "compose.yaml")
    [data] = _data_files(root)
    (root / "Dockerfile").write_text("FROM alpine\n")
    store = _open(root)
    store.digest(str(root / "Dockerfile"))  # only a digest is new
    store.save()
    assert _data_files(root) == [data]
    assert _cached_links(root) == (([], [], BASIS), [])


def test_tampered_data_is_a_miss_with_one_note(root: Path) -> None:
    _save_links(root, "compose.yaml", "other.yaml")
    [data] = _data_files(root)
    data.write_bytes(data.read_bytes().replace(b'"app"', b'"App"', 1))
    store = _open(root)
    assert store.get_links(str(root / "compose.yaml"), "text") is None
    assert store.get_links(str(root / "compose.yaml"), "text") is None
    assert store.get_links(str(root / "other.yaml"), "text") == ([], [], BASIS)  # untouched
    assert store.notes == [f"cached results partly not used: {data.name} was changed"]


def test_a_data_file_shorter_than_its_entries_is_a_miss(root: Path) -> None:
    _save_links(root, "compose.yaml")
    [data] = _data_files(root)
    data.write_bytes(data.read_bytes()[:10])
    assert _cached_links(root) == (
        None,
        [f"cached results partly not used: {data.name} is too short"],
    )


def test_an_entry_longer_than_the_cap_is_not_read(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _save_links(root, "compose.yaml")
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 10)
    assert _cached_links(root)[0] is None


def test_a_missing_data_file_is_a_miss_with_a_note(root: Path) -> None:
    (root / "Dockerfile").write_text("FROM alpine\n")
    store = _open(root)
    store.digest(str(root / "Dockerfile"))
    store.put_links(str(root / "compose.yaml"), "text", [], [], BASIS)
    store.save()
    [data] = _data_files(root)
    data.unlink()  # as a concurrent run that replaced it does
    store = _open(root)
    assert store.get_links(str(root / "compose.yaml"), "text") is None
    assert store.notes == [
        f"cached results not used: {data.name} is missing (another run replaced it, "
        "or it was removed)"
    ]
    assert store.digest(str(root / "Dockerfile")) and not store._new_digests  # still known
    store.save()  # an index that names no data file
    assert store.notes[1:] == []
    assert _cached_links(root) == (None, [])
    _save_links(root, "other.yaml")
    assert _cached_links(root, "other.yaml") == (([], [], BASIS), [])


def test_a_data_file_replaced_by_a_symlink_is_not_followed(root: Path) -> None:
    _save_links(root, "compose.yaml")
    [data] = _data_files(root)
    outside = root.parent / "outside"
    outside.write_bytes(data.read_bytes())  # the very bytes the index expects
    data.unlink()
    data.symlink_to(outside)
    store = _open(root)
    assert store.get_links(str(root / "compose.yaml"), "text") is None
    assert store.notes == [f"cached results not used: {data.name} is a symbolic link"]
    store.put_links(str(root / "other.yaml"), "text", [], [], BASIS)
    store.save()  # the link is removed, never what it points at
    assert not os.path.lexists(data)
    assert outside.read_bytes().startswith(b'{"links"')


def test_a_data_file_that_is_not_a_regular_file_is_refused(root: Path) -> None:
    _save_links(root, "compose.yaml")
    [data] = _data_files(root)
    data.unlink()
    os.mkfifo(data)  # opened without blocking, then refused
    assert _cached_links(root) == (
        None,
        [f"cached results not used: {data.name} is not a regular file"],
    )


@pytest.mark.skipif(os.getuid() != 0, reason="making a file of another user needs root")
def test_a_data_file_of_another_user_is_refused(root: Path) -> None:
    _save_links(root, "compose.yaml")
    [data] = _data_files(root)
    os.chown(data, 12345, 12345)
    assert _cached_links(root) == (
        None,
        [f"cached results not used: {data.name} is not owned by the current user"],
    )


def test_the_oldest_entries_are_dropped_beyond_the_limit(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    _save_links(root, "a.yaml")
    _save_links(root, "b.yaml")
    _save_links(root, "a.yaml", "c.yaml")  # a.yaml is new again: b.yaml is now the oldest
    assert _cached_links(root, "b.yaml")[0] is None
    assert _cached_links(root, "a.yaml")[0] == ([], [], BASIS)
    assert _cached_links(root, "c.yaml")[0] == ([], [], BASIS)
    assert len(_open(root)._results) == 2


def test_saving_removes_other_data_files_and_the_old_format(root: Path) -> None:
    old = root / cache.CACHE_DIR / "v2"
    old.mkdir(parents=True)
    (old / cache.OLD_INDEX).write_text("{}")
    _format_dir(root).mkdir()
    stale = _format_dir(root) / f"results-{'1' * 32}.data"
    stale.write_text("left by a run that stopped")
    unrelated = _format_dir(root) / "notes.txt"
    unrelated.write_text("keep")
    _save_links(root, "compose.yaml")
    assert len(_data_files(root)) == 1 and not stale.exists()
    assert unrelated.read_text() == "keep"
    assert not old.exists()


def test_an_old_format_directory_that_is_a_symlink_is_left_alone(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / cache.OLD_INDEX).write_text("keep")
    (root / cache.CACHE_DIR).mkdir()
    (root / cache.CACHE_DIR / "v2").symlink_to(outside, target_is_directory=True)
    _save_links(root, "compose.yaml")
    assert (outside / cache.OLD_INDEX).read_text() == "keep"


def test_new_results_wait_outside_the_tree(root: Path) -> None:
    store = _open(root)
    store.put_links(str(root / "compose.yaml"), "text", [], [], BASIS)
    assert store._spool is not None
    spool = Path(f"/proc/self/fd/{store._spool.fileno()}")
    if spool.exists():
        assert not os.readlink(spool).startswith(str(root))
    assert not (root / cache.CACHE_DIR).exists()
    store.save()
    assert store._spool is None
