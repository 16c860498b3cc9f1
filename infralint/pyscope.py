"""Which Python files infralint checks, and why.

PY3xx rules judge application code that ships in an image, so a Python file is in scope when it
lies in the build context of a Dockerfile found in the run (the Dockerfile's directory, minus what
the context's `.dockerignore` excludes), in a compose service's `build.context`, or under a path
listed in the config (`python.paths`). Deploy scripts (pyinfra, Fabric/invoke) are infrastructure
code and are checked wherever they are.

This module is imported on every run that sees a `.py` file, so it stays cheap: no libcst, and
deploy scripts are recognised by a textual look at their imports.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pathspec

# Directory names never descended into: VCS data, caches, dependencies, virtualenvs, tests.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        "node_modules",
        "site-packages",
        "dist-packages",
        ".venv",
        "venv",
        "env",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "tests",
        "test",
    }
)


def is_test_file(name: str) -> bool:
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")


def python_files_in_scope(
    dockerfiles: Iterable[Path],
    compose_contexts: Iterable[tuple[Path, str]],
    configured: Iterable[Path],
    is_ignored: Callable[[Path], bool],
) -> dict[Path, str]:
    """Absolute path of every in-scope `.py` file -> the reason it is in scope.

    `dockerfiles`: Dockerfiles found in the run; each one's directory is its build context.
    `compose_contexts`: (build context directory, label) pairs, label e.g.
    "compose.yaml service web"; the reason reads "build context of compose.yaml service web".
    `configured`: files or directories from `python.paths` (absolute, or relative to the cwd).
    `is_ignored`: the run's own exclusion test (gitignore, config excludes) for files and dirs.
    The first reason found wins: Dockerfiles, then compose services, then `python.paths`.
    """
    found: dict[Path, str] = {}
    for dockerfile in dockerfiles:
        context = _absolute(dockerfile).parent
        ignore = _dockerignore_for(context, _absolute(dockerfile))
        reason = f"build context of {_display(dockerfile)}"
        for path in _walk_python(context, is_ignored, ignore):
            found.setdefault(path, reason)
    for context_dir, label in compose_contexts:
        context = _absolute(context_dir)
        ignore = _dockerignore_for(context, None)
        for path in _walk_python(context, is_ignored, ignore):
            found.setdefault(path, f"build context of {label}")
    for configured_path in configured:
        target = _absolute(configured_path)
        if target.is_file():
            if target.suffix == ".py" and not is_ignored(target):
                found.setdefault(target, "python.paths")
            continue
        for path in _walk_python(target, is_ignored, None):
            found.setdefault(path, "python.paths")
    return found


def why_skipped(
    path: Path, dockerfiles: Iterable[Path], compose_contexts: Iterable[tuple[Path, str]]
) -> str | None:
    """Why a `.py` file inside a build context is not in scope (for `infralint files`), or None
    when it lies outside every build context."""
    target = _absolute(path)
    contexts: list[tuple[Path, Path | None]] = [
        (_absolute(d).parent, _absolute(d)) for d in dockerfiles
    ]
    contexts += [(_absolute(c), None) for c, _label in compose_contexts]
    for context, dockerfile in contexts:
        try:
            relative = target.relative_to(context)
        except ValueError:
            continue
        directory = context
        for part in relative.parts[:-1]:
            directory = directory / part
            if part in SKIPPED_DIRS:
                return f"in a {part}/ directory of the build context of {_display(context)}"
            if (directory / "pyvenv.cfg").exists():
                return f"inside a virtualenv ({_display(directory)})"
        if is_test_file(target.name):
            return "a test file (tests are not shipped application code)"
        ignore_file = _dockerignore_path(context, dockerfile)
        if ignore_file is not None:
            ignore = _dockerignore_for(context, dockerfile)
            if ignore is not None and ignore.excludes(relative):
                return f"excluded by {_display(ignore_file)}"
    return None


def _absolute(path: Path) -> Path:
    # abspath, not resolve(): the engine keys files by their unresolved absolute path.
    return Path(os.path.abspath(path))


def _display(path: Path) -> str:
    absolute = _absolute(path)
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _walk_python(
    root: Path,
    is_ignored: Callable[[Path], bool],
    dockerignore: DockerIgnore | None,
) -> Iterator[Path]:
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        kept = []
        for name in sorted(dirnames):
            sub = here / name
            if name in SKIPPED_DIRS or (sub / "pyvenv.cfg").exists() or is_ignored(sub):
                continue
            if os.path.islink(sub):  # a link may point out of the context, or loop
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith(".py") or is_test_file(name):
                continue
            path = here / name
            if is_ignored(path):
                continue
            if dockerignore is not None and dockerignore.excludes(path.relative_to(root)):
                continue
            yield path


# --------------------------------------------------------------------------- .dockerignore


class DockerIgnore:
    """`.dockerignore` with Docker's semantics rather than git's.

    Patterns are relative to the context root (a leading `/` is dropped; `*.pyc` matches only at
    the root, `**/*.pyc` everywhere), a pattern that matches a directory excludes everything
    below it, `!` re-includes, and the last matching pattern wins. Each pattern is anchored and
    handed to pathspec's gitignore matcher, which then gives exactly these semantics.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        patterns = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            body = _clean_pattern(line[1:] if negate else line)
            if not body:
                continue
            patterns.append(("!" if negate else "") + "/" + body)
        self._spec = pathspec.PathSpec.from_lines("gitignore", patterns)

    def excludes(self, relative: Path) -> bool:
        return bool(self._spec.match_file(relative.as_posix()))


def _clean_pattern(pattern: str) -> str:
    """Docker cleans patterns like paths: `./a//b/` -> `a/b`; a leading `/` means the root."""
    parts = [part for part in pattern.strip().split("/") if part not in ("", ".")]
    return "/".join(parts)


def _dockerignore_path(context: Path, dockerfile: Path | None) -> Path | None:
    """BuildKit prefers `<Dockerfile>.dockerignore` beside the Dockerfile over the context's."""
    candidates = []
    if dockerfile is not None:
        candidates.append(dockerfile.with_name(dockerfile.name + ".dockerignore"))
    candidates.append(context / ".dockerignore")
    return next((candidate for candidate in candidates if candidate.is_file()), None)


def _dockerignore_for(context: Path, dockerfile: Path | None) -> DockerIgnore | None:
    path = _dockerignore_path(context, dockerfile)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return DockerIgnore(text.splitlines())


# --------------------------------------------------------------------------- deploy scripts

_PYINFRA_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+pyinfra\.operations\b|from[ \t]+pyinfra[ \t]+import[ \t].*\boperations\b"
    r"|import[ \t]+pyinfra\.operations\b)",
    re.M,
)
_FABRIC_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?:fabric|invoke)(?:\.\w+)*[ \t]+import\b"
    r"|import[ \t]+(?:fabric|invoke)\b)",
    re.M,
)


def deploy_script_kind(path: Path, text: str) -> str | None:
    """The kind of deploy script: "pyinfra", "fabric" (Fabric or invoke tasks) or None."""
    if _PYINFRA_IMPORT.search(text):
        return "pyinfra"
    if Path(path).name == "fabfile.py" or _FABRIC_IMPORT.search(text):
        return "fabric"
    return None


def is_deploy_script(path: Path, text: str) -> bool:
    """A pyinfra deploy or a Fabric/invoke task file: checked by PY1xx/PY2xx wherever it is."""
    return deploy_script_kind(path, text) is not None
