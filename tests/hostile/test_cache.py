"""A committed results cache and `python -m` are input too (issue 20, items 1-4 and 7).

The scanned tree is `repo/` inside the test's directory; `outside/` beside it stands for the rest
of the machine (a `.bashrc`, a sibling repository, a secret). HOME and XDG_CACHE_HOME point into
the test's directory, so each test has its own per-machine key and the developer's is untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.harness import assert_control_checked, codes, findings, lint, run_cli

SECRET = "FROM secret-token-4f7a91\n"  # a file outside the tree that must never be quoted
LINKED_DOCKERFILE = "ARG BASE=ubuntu\nFROM ${BASE}\n"  # DF101: 'ubuntu' resolved from the ARG
COMPOSE = "services:\n  web:\n    build: ./app\n"
PYTHON_IN_IMAGE = "import logging\nlogging.basicConfig(filename='/var/log/app.log')\n"  # PY301


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tmp_path / "outside").mkdir()
    return tree


def _env(repo: Path) -> dict[str, str]:
    return {"HOME": str(repo.parent / "home"), "XDG_CACHE_HOME": str(repo.parent / "xdg")}


def _outside_files(repo: Path) -> dict[str, bytes]:
    outside = repo.parent / "outside"
    return {
        str(path.relative_to(outside)): path.read_bytes()
        for path in sorted(outside.rglob("*"))
        if path.is_file()
    }


def _with_compose_service(repo: Path) -> None:
    (repo / "app").mkdir()
    (repo / "app" / "Dockerfile").write_text(LINKED_DOCKERFILE)
    (repo / "compose.yaml").write_text(COMPOSE)


def _index(repo: Path) -> Path:
    directory = repo / ".infralint_cache" / "v3"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / "index"


def _data_file(repo: Path) -> Path:
    [data] = sorted(_index(repo).parent.glob("results-*.data"))
    return data


def _planted_links_key(repo: Path) -> str:
    """The key today's code gives the compose file's links: no secret in it, so a pull request
    can compute it for its own files."""
    compose = repo / "compose.yaml"
    return hashlib.sha256(f"links\0{compose}\0{compose.read_text()}".encode()).hexdigest()


def _link(repo: Path, **changes: Any) -> dict[str, Any]:
    link: dict[str, Any] = {
        "compose_path": str(repo / "compose.yaml"),
        "service": "web",
        "context": str(repo / "app"),
        "dockerfile": str(repo / "app" / "Dockerfile"),
        "args": {},
        "target": None,
        "span": {"line": 3, "column": 5, "end_line": 3, "end_column": 10},
        "inline": None,
    }
    link.update(changes)
    return link


def _upcoming_pids(count: int) -> list[int]:
    """The pids the next processes will most likely get (Linux hands them out in order)."""
    try:
        last = int(Path("/proc/sys/kernel/ns_last_pid").read_text())
        limit = int(Path("/proc/sys/kernel/pid_max").read_text())
    except (OSError, ValueError):
        last, limit = os.getpid(), 4_194_304
    return [(last + step) % limit for step in range(1, count + 1)]


def test_planted_temporary_file_symlinks_redirect_no_write(repo: Path) -> None:
    """Item 1: a symlink at the cache's temporary file name must not receive the index."""
    bashrc = repo.parent / "outside" / ".bashrc"
    bashrc.write_text("export PATH=$PATH\n")
    index = _index(repo)
    for pid in _upcoming_pids(4096):
        (index.parent / f"index.{pid}.tmp").symlink_to(bashrc)
    status, report, _ = lint(repo, cache=True, env=_env(repo))
    assert status == 1
    assert_control_checked(report)
    assert bashrc.read_text() == "export PATH=$PATH\n"
    assert index.is_file() and not index.is_symlink()  # the run still kept its cache
    assert json.loads(index.read_bytes().split(b"\n", 2)[1])["version"]


def test_cache_directory_symlinked_outside_is_neither_written_nor_cleaned(repo: Path) -> None:
    """Item 2: a committed `.infralint_cache` symlink: nothing is written through it, -v says
    why, and `infralint clean` removes the link, never what it points at."""
    sibling = repo.parent / "outside" / "sibling-repo"
    sibling.mkdir()
    (sibling / "main.py").write_text("print('keep me')\n")
    (repo / ".infralint_cache").symlink_to(sibling, target_is_directory=True)
    before = _outside_files(repo)
    status, report, stderr = lint(repo, cache=True, env=_env(repo), extra=("-v",))
    assert status == 1
    assert_control_checked(report)
    assert _outside_files(repo) == before
    assert "cache not used" in stderr
    cleaned = run_cli(["clean"], repo, env=_env(repo))
    assert cleaned.returncode == 0
    assert not os.path.lexists(repo / ".infralint_cache")
    assert _outside_files(repo) == before


def test_committed_cache_cannot_hide_a_finding_or_read_outside(repo: Path) -> None:
    """Item 3: cached compose links are keyed with the machine's secret: planted ones that pin
    the base image (hiding DF101) or link a Dockerfile outside the tree are never used."""
    _with_compose_service(repo)
    secret = repo.parent / "outside" / "secret"
    secret.write_text(SECRET)
    forged = [
        _link(repo, args={"BASE": "ubuntu:24.04@sha256:" + "0" * 64}),
        _link(repo, service="x", context=str(secret.parent), dockerfile=str(secret)),
    ]
    document = {"version": "0.1.0", "digests": {}, "results": {}, "links": {}}
    document["links"] = {_planted_links_key(repo): forged}
    _index(repo).write_text(json.dumps(document))
    status, report, stderr = lint(repo, cache=True, env=_env(repo))
    assert status == 1
    assert "DF101" in codes(report, "app/Dockerfile")
    assert_control_checked(report)
    assert "secret-token" not in json.dumps(report) + stderr


def _nested(repo: Path) -> None:
    _index(repo).write_text("[" * 100_000 + "]" * 100_000)


def _wrong_digests(repo: Path) -> None:
    paths = [repo / "control" / "Dockerfile", repo / "app" / "Dockerfile", repo / "compose.yaml"]
    digests = {str(path): 5 for path in paths}
    _index(repo).write_text(
        json.dumps({"version": "0.1.0", "digests": digests, "results": {}, "links": {}})
    )


def _wrong_links(repo: Path) -> None:
    links = {_planted_links_key(repo): [_link(repo, args={"BASE": 5})]}
    _index(repo).write_text(
        json.dumps({"version": "0.1.0", "digests": {}, "results": [], "links": links})
    )


def _huge(repo: Path) -> None:
    with _index(repo).open("wb") as handle:
        handle.truncate(1_100 * 1024**2)  # sparse: 1.1 GB that costs no disk


def _fifo(repo: Path) -> None:
    os.mkfifo(_index(repo))


@pytest.mark.parametrize(
    "plant",
    [_nested, _wrong_digests, _wrong_links, _huge, _fifo],
    ids=["deeply-nested", "wrong-digests", "wrong-links", "huge-sparse", "fifo"],
)
def test_malformed_cache_is_discarded_with_a_note(repo: Path, plant: Any) -> None:
    """Item 4: a malformed index (deep nesting, wrong types, 1.1 GB, a FIFO) is discarded with
    a note under -v: every finding is still reported, nothing crashes or blocks."""
    _with_compose_service(repo)
    plant(repo)
    status, report, stderr = lint(repo, cache=True, env=_env(repo), extra=("-v",))
    assert status == 1
    assert "DF101" in codes(report, "app/Dockerfile")
    assert_control_checked(report)
    assert "notifications" not in report
    assert "cache discarded" in stderr
    assert len(findings(report)) == len(findings(lint(repo, env=_env(repo))[1]))


def test_rewritten_cached_results_are_not_used(repo: Path) -> None:
    """The data file holds the cached findings: results rewritten there to say "clean" (each
    padded to its old length, so every offset still fits) are refused, entry by entry, against
    the hashes the signed index keeps, and every finding is still reported."""
    _with_compose_service(repo)
    status, expected, _ = lint(repo, cache=True, env=_env(repo))
    assert status == 1
    data = _data_file(repo)
    clean = b'{"findings":[],"suppressed":[]}'
    entries = data.read_bytes().replace(b"}{", b"}\n{").split(b"\n")
    data.write_bytes(b"".join(clean.ljust(len(entry)) for entry in entries))
    status, report, stderr = lint(repo, cache=True, env=_env(repo), extra=("-v",))
    assert status == 1
    assert findings(report) == findings(expected)
    assert "DF101" in codes(report, "app/Dockerfile")
    assert f"{data.name} was changed" in stderr


def test_a_data_file_symlinked_outside_is_neither_read_nor_written(repo: Path) -> None:
    """A data file replaced by a symbolic link (to a file of the attacker's choosing, or to
    one the run must not touch) is never followed: no result comes from it, and saving the
    next cache removes the link, never its target."""
    _with_compose_service(repo)
    lint(repo, cache=True, env=_env(repo))
    data = _data_file(repo)
    target = repo.parent / "outside" / "results"
    target.write_bytes(data.read_bytes())  # the very bytes the index expects
    data.unlink()
    data.symlink_to(target)
    before = _outside_files(repo)
    (repo / "app" / "Dockerfile").write_text(LINKED_DOCKERFILE + "# changed\n")  # a new result
    status, report, stderr = lint(repo, cache=True, env=_env(repo), extra=("-v",))
    assert status == 1
    assert_control_checked(report)
    assert "DF101" in codes(report, "app/Dockerfile")
    assert f"{data.name} is a symbolic link" in stderr
    assert _outside_files(repo) == before
    assert not os.path.lexists(data)


PLANTED_MODULE = """\
import pathlib, sys
pathlib.Path({marker!r}).write_text("imported from the scanned tree")
# Then hand over to the real module, so only the marker tells this one was run.
del sys.modules[__name__]
_saved = list(sys.path)
sys.path[:] = [entry for entry in sys.path if entry not in ("", {cwd!r})]
try:
    import {name}
finally:
    sys.path[:] = _saved
"""


def test_python_m_does_not_import_the_scanned_trees_modules(repo: Path) -> None:
    """Item 7: `python -m infralint` run from the repository root must not import the planted
    tomllib.py, pathspec.py or libcst/ that the run needs (config, excludes, a Python file)."""
    markers = repo.parent / "outside"
    planted = {"tomllib": repo / "tomllib.py", "pathspec": repo / "pathspec.py"}
    planted["libcst"] = repo / "libcst" / "__init__.py"
    planted["libcst"].parent.mkdir()
    for name, path in planted.items():
        marker = str(markers / f"{name}.imported")
        path.write_text(PLANTED_MODULE.format(marker=marker, cwd=str(repo), name=name))
    (repo / "pyproject.toml").write_text('[tool.infralint]\nexclude = ["build/"]\n')
    (repo / ".gitignore").write_text("*.log\n")
    _with_compose_service(repo)
    (repo / "app" / "main.py").write_text(PYTHON_IN_IMAGE)
    status, report, _ = lint(repo, env=_env(repo))
    assert status == 1
    assert_control_checked(report)
    assert "app/main.py" in {finding["path"] for finding in findings(report)}
    assert sorted(path.name for path in markers.iterdir()) == []
