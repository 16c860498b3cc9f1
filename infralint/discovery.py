"""Finding infrastructure files and deciding what each one is.

The walk honours nested `.gitignore` files (with negations), enters hidden directories such as
`.devcontainer/`, never follows directory symlinks (so loops cannot happen), and applies the
config's `exclude` patterns. Every decision carries a reason, shown by `infralint files`.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

SKIPPED_DIRS = {
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".infralint_cache", ".tox", ".nox",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".venv", "site-packages",
}  # fmt: skip
NOT_DOCKERFILE_SUFFIXES = {
    "template", "tmpl", "tpl", "j2", "jinja", "jinja2", "erb", "in", "mustache", "hbs", "md",
    "txt", "rst", "adoc", "html", "py", "rb", "go", "sh", "ps1", "bat", "js", "ts", "json",
    "yml", "yaml", "toml", "lock", "orig", "bak", "swp", "dockerignore", "patch", "diff", "png",
    "jpg", "svg", "gif",
}  # fmt: skip
_DOCKERFILE_EXACT = re.compile(r"(dockerfile|containerfile)", re.I)
_DOCKERFILE_PREFIX = re.compile(r"(dockerfile|containerfile)[._-](.+)", re.I)
_DOCKERFILE_SUFFIX = re.compile(r".+\.(dockerfile|containerfile)", re.I)
_COMPOSE = re.compile(r"(docker-)?compose([._-][^/]*)?\.ya?ml", re.I)
CHEF_DSL_DIRS = ("recipes", "attributes", "resources", "providers", "definitions")
CHEF_ROOT_FILES = {"metadata.rb", "Berksfile", "Policyfile.rb"}
CHEF_CONFIG_FILES = {"client.rb", "solo.rb", "config.rb", "knife.rb"}


@dataclass(frozen=True)
class Candidate:
    """One path the run looked at: a language when it is checked, else why it is skipped."""

    path: Path
    language: str | None
    reason: str
    explicit: bool = False


# --------------------------------------------------------------------------- classification


def dockerfile_name(name: str) -> bool:
    if _DOCKERFILE_EXACT.fullmatch(name) or _DOCKERFILE_SUFFIX.fullmatch(name):
        return True
    match = _DOCKERFILE_PREFIX.fullmatch(name)
    if not match:
        return False
    suffix = match.group(2).rsplit(".", 1)[-1].lower()
    return suffix not in NOT_DOCKERFILE_SUFFIXES


def chef_kind(path: Path) -> str | None:
    """Why a .rb (or Berksfile) path is Chef code, or None. `libraries/` is plain Ruby."""
    name = path.name
    if name in CHEF_ROOT_FILES:
        return f"Chef {name}"
    if name in CHEF_CONFIG_FILES:
        if path.parent.name == ".chef" or name in ("client.rb", "solo.rb"):
            return f"Chef configuration {name}"
        return None
    if path.suffix != ".rb":
        return None
    parts = path.parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in (*CHEF_DSL_DIRS, "libraries"):
            cookbook = Path(*parts[:index])
            if (cookbook / "metadata.rb").is_file() or (cookbook / "metadata.json").is_file():
                # libraries/ is plain Ruby: the parser reads no resources there, only calls
                # such as node.save (CB208).
                kind = " (plain Ruby)" if parts[index] == "libraries" else ""
                return f"Chef {parts[index]}/ of cookbook {cookbook.name or '.'}{kind}"
            return None
    return None


def classify_name(path: Path, globs: dict[str, list[str]]) -> tuple[str | None, str]:
    name = path.name
    for language, patterns in globs.items():
        for pattern in patterns:
            if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(path.as_posix(), pattern):
                return language, f"matches files.{language} pattern {pattern!r}"
    if dockerfile_name(name):
        return "dockerfile", "Dockerfile name"
    if _COMPOSE.fullmatch(name):
        return "compose", "compose file name"
    reason = chef_kind(path)
    if reason:
        return "chef", reason
    if path.suffix == ".py":
        return "python", "Python source (in scope only inside a build context or as a deploy"
    return None, "not an infrastructure file"


_DOCKERFILE_START = re.compile(
    r"(?i)^\s*(from|arg)\s+\S", re.M
)  # first instruction of any Dockerfile
_COMPOSE_START = re.compile(r"^services\s*:", re.M)


def classify_content(head: str) -> tuple[str | None, str]:
    """For an explicit file whose name says nothing: look at its first lines."""
    for line in head.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _DOCKERFILE_START.match(stripped):
            return "dockerfile", "content starts with a Dockerfile instruction"
        break
    if _COMPOSE_START.search(head):
        return "compose", "content has a top-level services: key"
    return None, "not an infrastructure file (by name or content)"


# --------------------------------------------------------------------------- ignore files


class IgnoreRules:
    """Nested gitignore files plus the config's excludes, evaluated deepest first."""

    def __init__(self, exclude: Iterable[str], exclude_root: Path) -> None:
        import pathspec

        self._pathspec = pathspec
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        patterns = list(exclude)
        self._exclude = pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None
        self._exclude_root = exclude_root

    def _spec_for(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            spec = None
            ignore_file = directory / ".gitignore"
            try:
                if ignore_file.is_file():
                    lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                    spec = self._pathspec.GitIgnoreSpec.from_lines(lines)
            except (OSError, ValueError):
                spec = None
            self._specs[directory] = spec
        return self._specs[directory]

    def excluded_by_config(self, path: Path, is_dir: bool) -> bool:
        if self._exclude is None:
            return False
        try:
            relative = path.resolve().relative_to(self._exclude_root.resolve()).as_posix()
        except ValueError:
            relative = path.name
        return bool(self._exclude.match_file(relative + ("/" if is_dir else "")))

    def gitignored(self, path: Path, is_dir: bool, roots: list[Path]) -> bool:
        """`roots`: the directories from the walk's top down to the path's parent."""
        for directory in reversed(roots):
            spec = self._spec_for(directory)
            if spec is None:
                continue
            try:
                relative = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
            except ValueError:  # a symlinked spelling of the same place: nothing to match
                continue
            result = spec.check_file(relative)
            if result.include is not None:
                return bool(result.include)
        return False


# --------------------------------------------------------------------------- the walk


def _walk(top: Path, rules: IgnoreRules, git_root: Path | None) -> Iterator[Candidate]:
    # Ignore files above the walk's top still apply (running in a subdirectory of a repo).
    base_roots = []
    if git_root is not None:
        try:
            relative = top.resolve().relative_to(git_root)
            base_roots = [
                git_root.joinpath(*relative.parts[:i]) for i in range(len(relative.parts))
            ]
        except ValueError:
            base_roots = []
    stack: list[tuple[Path, list[Path]]] = [(top, [*base_roots, top])]
    while stack:
        directory, roots = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            yield Candidate(directory, None, f"unreadable directory ({error.strerror})")
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            if is_dir:
                if entry.name in SKIPPED_DIRS or (path / "pyvenv.cfg").exists():
                    continue
                if rules.excluded_by_config(path, True) or rules.gitignored(path, True, roots):
                    continue
                subdirs.append(path)
                continue
            language, reason = classify_name(path, {})
            if language is None:
                continue
            if rules.excluded_by_config(path, False):
                yield Candidate(path, None, "excluded by the config's exclude")
            elif rules.gitignored(path, False, roots):
                yield Candidate(path, None, "ignored by .gitignore")
            elif is_link and not path.exists():
                yield Candidate(path, None, "broken symbolic link")
            else:
                yield Candidate(path, language, reason)
        stack.extend((sub, [*roots, sub]) for sub in reversed(subdirs))


def discover(
    paths: Iterable[str],
    exclude: Iterable[str],
    exclude_root: Path,
    globs: dict[str, list[str]],
    force_exclude: bool = False,
    git_root: Path | None = None,
) -> tuple[list[Candidate], list[str]]:
    """Candidates in a stable order, and the paths that do not exist."""
    rules = IgnoreRules(exclude, exclude_root)
    candidates: list[Candidate] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        try:
            info = path.stat()
        except OSError:
            if path.is_symlink():
                candidates.append(Candidate(path, None, "broken or looping symbolic link", True))
            else:
                missing.append(raw)
            continue
        if stat.S_ISDIR(info.st_mode):
            # Walk absolute paths: ignore files above the top are matched against them.
            for walked in _walk(Path(os.path.abspath(path)), rules, git_root):
                if walked.language and globs:
                    language, reason = classify_name(walked.path, globs)
                    walked = Candidate(walked.path, language, reason)  # noqa: PLW2901
                candidates.append(walked)
            continue
        if force_exclude and rules.excluded_by_config(path, False):
            candidates.append(Candidate(path, None, "excluded by the config's exclude", True))
            continue
        language, reason = classify_name(path, globs)
        if language is None and stat.S_ISREG(info.st_mode):
            language, reason = classify_content(_head(path))
        candidates.append(Candidate(path, language, reason, True))
    return _dedupe(candidates), missing


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(8192).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[Path] = set()
    unique = []
    for candidate in candidates:
        key = Path(os.path.abspath(candidate.path))
        if key in seen:
            continue
        seen.add(key)
        unique.append(candidate)
    return unique


def find_git_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None
