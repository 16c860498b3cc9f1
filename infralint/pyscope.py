"""Which Python files infralint checks, and why.

PY3xx rules judge application code that ships in an image, so a Python file is in scope when it
lies in the build context of a Dockerfile found in the run (the Dockerfile's directory, minus what
the context's `.dockerignore` excludes), in a compose service's `build.context`, or under a path
listed in the config (`python.paths`). Deploy scripts (pyinfra, Fabric/invoke) are infrastructure
code and are checked wherever they are.

The files come from discovery (which already honours .gitignore and config excludes); this
module only classifies them and never walks a tree. A Dockerfile counts even when it is not part
of the run: the file's directory and its parents up to the project root are searched, so
`infralint app/main.py` (pre-commit) sees `app/main.py` in the build context of `Dockerfile`.

This module is imported on every run that sees a `.py` file, so it stays cheap: no libcst, and
deploy scripts are recognised by a textual look at their imports.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from infralint import reader
from infralint.discovery import dockerfile_name
from infralint.gitignore import gitignore_pathspec

MAX_DOCKERIGNORE_BYTES = 1_000_000  # far above any real .dockerignore; /dev/zero is refused
# Directory names that take the files below them out of a build context (or `python.paths`
# directory): VCS data, caches, dependencies, virtualenvs, tests.
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


def classify_python_files(
    files: Iterable[Path],
    dockerfiles: Iterable[Path],
    compose_contexts: Iterable[tuple[Path, str]],
    configured: Iterable[Path],
    root: Path,
) -> dict[Path, tuple[bool, str]]:
    """Decide, for every Python file discovery found, whether it is in scope, and why (or why not).

    `files`: the `.py` files of the run (relative to the cwd, or absolute).
    `dockerfiles`: Dockerfiles found in the run; each one's directory is its build context.
    `compose_contexts`: (build context directory, label) pairs, label e.g.
    "compose.yaml service web"; the reason reads "build context of compose.yaml service web".
    `configured`: files or directories from `python.paths` (absolute, or relative to the cwd).
    `root`: the project root. A file's own directory and its parents up to `root` (inclusive)
    are searched for Dockerfiles too, so a file passed alone (pre-commit) is in the build
    context of a Dockerfile that is not part of the run. Files outside `root` are not searched.

    Returns abspath (not resolved) -> (in scope?, reason). The first context that takes the file
    gives the reason: the run's Dockerfiles in order, then Dockerfiles found upward (nearest
    first), then compose contexts, then `python.paths`. A file that every context containing it
    leaves out gets the first of their reasons; one no context contains is "outside every build
    context". Each directory is listed at most once per call.
    """
    scan = _Scanner(os.path.abspath(root))
    run_contexts = _index_contexts(
        _Context(
            os.path.dirname(os.path.abspath(d)),
            os.path.abspath(d),
            f"build context of {_display(Path(d))}",
        )
        for d in dockerfiles
    )
    compose_index = _index_contexts(
        _Context(os.path.abspath(c), None, f"build context of {label}")
        for c, label in compose_contexts
    )
    configured_index = _index_contexts(
        _Context(os.path.abspath(c), None, "python.paths", configured=True) for c in configured
    )
    run_dockerfiles = {
        context.dockerfile for group in run_contexts.values() for _, context in group
    }

    result: dict[Path, tuple[bool, str]] = {}
    for file in files:
        target = os.path.abspath(file)
        key = Path(target)
        if key not in result:
            result[key] = scan.classify(
                target, run_contexts, run_dockerfiles, compose_index, configured_index
            )
    return result


class _Context(NamedTuple):
    """A directory whose Python files are in scope, with the Dockerfile that builds it (its
    `<Dockerfile>.dockerignore` wins over the directory's `.dockerignore`) and the reason.
    `python.paths` entries have reason "python.paths" and no `.dockerignore`."""

    directory: str
    dockerfile: str | None
    reason: str
    configured: bool = False  # a `python.paths` entry: no `.dockerignore`; may be the file itself


_Index = dict[str, list[tuple[int, _Context]]]


def _index_contexts(contexts: Iterable[_Context]) -> _Index:
    """Directory -> (position in the argument, context): a file finds its contexts by looking up
    its ancestors, not by testing every context."""
    index: dict[str, list[tuple[int, _Context]]] = {}
    for position, context in enumerate(contexts):
        index.setdefault(context.directory, []).append((position, context))
    return index


def _matching(index: _Index, ancestors: list[str]) -> list[_Context]:
    """The indexed contexts among `ancestors`, in the order they were given."""
    found = [entry for directory in ancestors for entry in index.get(directory, ())]
    return [context for _, context in sorted(found, key=lambda entry: entry[0])]


def _ancestors(target: str) -> list[str]:
    """The directories containing `target`, nearest first, up to the filesystem root."""
    found = []
    directory = os.path.dirname(target)
    while True:
        found.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            return found
        directory = parent


class _Listing(NamedTuple):
    names: frozenset[str]
    links: frozenset[str]  # entries that are symlinks
    dockerfiles: tuple[str, ...]  # sorted names of regular files with a Dockerfile name


_EMPTY = _Listing(frozenset(), frozenset(), ())


class _Scanner:
    """Directory listings, `.dockerignore` files and upward Dockerfiles, each read once."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._listings: dict[str, _Listing] = {}
        self._ignores: dict[tuple[str, str | None], tuple[str, DockerIgnore] | None] = {}
        self._upward: dict[str, tuple[_Context, ...]] = {}

    def listing(self, directory: str) -> _Listing:
        cached = self._listings.get(directory)
        if cached is not None:
            return cached
        names, links, found = set(), set(), []
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    names.add(entry.name)
                    if entry.is_symlink():
                        links.add(entry.name)
                    if dockerfile_name(entry.name) and entry.is_file():
                        found.append(entry.name)
        except OSError:
            listing = _EMPTY
        else:
            listing = _Listing(frozenset(names), frozenset(links), tuple(sorted(found)))
        self._listings[directory] = listing
        return listing

    def is_link(self, directory: str) -> bool:
        parent = os.path.dirname(directory)
        return parent != directory and os.path.basename(directory) in self.listing(parent).links

    def upward_contexts(self, ancestors: list[str]) -> list[_Context]:
        """Dockerfiles in `ancestors` up to the root (inclusive), nearest first; none when the
        file lies outside the root."""
        if self.root not in ancestors:
            return []
        contexts: list[_Context] = []
        for directory in ancestors[: ancestors.index(self.root) + 1]:
            found = self._upward.get(directory)
            if found is None:
                found = tuple(
                    _Context(directory, path, f"build context of {_display(Path(path))}")
                    for path in (
                        os.path.join(directory, name)
                        for name in self.listing(directory).dockerfiles
                    )
                )
                self._upward[directory] = found
            contexts += found
        return contexts

    def classify(
        self,
        target: str,
        run_contexts: _Index,
        run_dockerfiles: set[str | None],
        compose_contexts: _Index,
        configured: _Index,
    ) -> tuple[bool, str]:
        ancestors = _ancestors(target)
        contexts = _matching(run_contexts, ancestors)
        contexts += [
            context
            for context in self.upward_contexts(ancestors)
            if context.dockerfile not in run_dockerfiles
        ]
        contexts += _matching(compose_contexts, ancestors)
        contexts += _matching(configured, [*ancestors, target])
        first_skip = None
        for context in contexts:
            skip = None if context.directory == target else self.skip_reason(target, context)
            if skip is None:
                return True, context.reason
            first_skip = first_skip or skip
        return False, first_skip or "outside every build context"

    def skip_reason(self, target: str, context: _Context) -> str | None:
        """Why `context` leaves out `target` (a file below it), or None when it takes it."""
        relative = target[len(context.directory) :].lstrip(os.sep)
        parts = relative.split(os.sep)
        directory = context.directory
        for part in parts[:-1]:
            directory = os.path.join(directory, part)
            if part in SKIPPED_DIRS:
                where = "python.paths entry" if context.configured else "the build context of"
                return f"in a {part}/ directory of {where} {_display(Path(context.directory))}"
            if "pyvenv.cfg" in self.listing(directory).names:
                return f"inside a virtualenv ({_display(Path(directory))})"
            if self.is_link(directory):
                return f"reached through a symlinked directory ({_display(Path(directory))})"
        if is_test_file(parts[-1]):
            return "a test file (tests are not shipped application code)"
        if context.configured:
            return None
        ignore = self.dockerignore(context)
        if ignore is not None and ignore[1].excludes(Path(*parts)):
            return f"excluded by {ignore[0]}"
        return None

    def dockerignore(self, context: _Context) -> tuple[str, DockerIgnore] | None:
        """The context's ignore file (shown) and its patterns, or None."""
        key = (context.directory, context.dockerfile)
        if key not in self._ignores:
            dockerfile = Path(context.dockerfile) if context.dockerfile else None
            path = _dockerignore_path(Path(context.directory), dockerfile)
            ignore = _dockerignore_for(Path(context.directory), dockerfile)
            self._ignores[key] = (
                None if path is None or ignore is None else (_display(path), ignore)
            )
        return self._ignores[key]


def _absolute(path: Path) -> Path:
    # abspath, not resolve(): the engine keys files by their unresolved absolute path.
    return Path(os.path.abspath(path))


def _display(path: Path) -> str:
    absolute = _absolute(path)
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


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
        self._spec = gitignore_pathspec(patterns)

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
    # Never through a symbolic link, and never a FIFO or a device: see reader.py.
    text = reader.read_text_or_none(
        path, (os.path.realpath(path.parent),), MAX_DOCKERIGNORE_BYTES, follow_links=False
    )
    return DockerIgnore(text.splitlines()) if text is not None else None


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
