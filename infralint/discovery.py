"""Finding infrastructure files and deciding what each one is.

The walk honours nested `.gitignore` files (with negations), enters hidden directories such as
`.devcontainer/`, never follows directory symlinks (so loops cannot happen), and applies the
`exclude` patterns and `files` globs of the config that governs each directory (the closest one
above it). Every decision carries a reason, shown by `infralint files`.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from infralint import reader

if TYPE_CHECKING:
    from infralint.config import Config
    from infralint.config_tree import ConfigTree

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
MAX_IGNORE_FILE_BYTES = 1_000_000  # far above any real .gitignore; /dev/zero is refused
# The reasons of skipped candidates a run reports as notes (the files were never read).
NOT_READ = "not read: "
OUTSIDE_LINK = NOT_READ + "a symbolic link to a file outside the scanned tree"
# The reasons of directories the walk did not enter (listed by `infralint files`).
SKIPPED_DIRECTORY = "directory skipped: "


class Candidate(NamedTuple):
    """One path the run looked at: a language when it is checked, else why it is skipped.

    The path is kept as text: a run holds a candidate per file, and a pathlib.Path (its parts
    and cached forms) cost several times the string."""

    location: str  # as str(Path) gives it: absolute for walked files, as named for explicit ones
    language: str | None
    reason: str
    explicit: bool = False

    @property
    def path(self) -> Path:
        return Path(self.location)


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


def classify_name(
    path: Path, globs: dict[str, list[str]], globs_root: Path | None = None
) -> tuple[str | None, str]:
    """The language of a file by its name, or None, and why. `globs` (the config's `files`)
    are gitignore patterns relative to `globs_root` (the config's directory)."""
    name = path.name
    if globs:
        from infralint.config import glob_matches, path_for_globs

        relative = path_for_globs(path, globs_root) if globs_root is not None else path.as_posix()
        for language, patterns in globs.items():
            for pattern in patterns:
                if glob_matches(pattern, relative):
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
    """Nested gitignore files plus the config's excludes.

    Paths are absolute strings here: the walk touches every entry of a tree, and building a
    pathlib.Path for each one cost more than the rest of a warm run."""

    def __init__(self, exclude: Iterable[str], exclude_root: Path) -> None:
        patterns = list(exclude)
        self._exclude: Any = None
        if patterns:
            from infralint.gitignore import gitignore_spec

            self._exclude = gitignore_spec(patterns)
        self._exclude_root = os.path.abspath(exclude_root)

    @staticmethod
    def load(directory: str) -> Any:
        """The parsed .gitignore of a directory, or None (absent, or refused: see read_ignore)."""
        return IgnoreRules.read_ignore(directory)[0]

    @staticmethod
    def read_ignore(directory: str) -> tuple[Any, str | None]:
        """(the parsed .gitignore of a directory or None, why it was refused or None).

        Never through a symbolic link (git does not follow one either), only a regular file
        and within MAX_IGNORE_FILE_BYTES: a FIFO or a link to /dev/zero must not stop the run."""
        path = os.path.join(directory, ".gitignore")
        try:
            text = reader.read_text(
                path, (os.path.realpath(directory),), MAX_IGNORE_FILE_BYTES, follow_links=False
            )
        except reader.ReadRefused as error:
            exists = os.path.lexists(path)
            return None, f"{NOT_READ}ignore file: {error}" if exists else None
        from infralint.gitignore import gitignore_spec

        return gitignore_spec(text.splitlines()), None

    def excluded_by_config(self, path: str, is_dir: bool, config: Config | None = None) -> bool:
        """Excluded by the `exclude` of `config` (relative to its directory), or without one
        by the excludes this was made with."""
        if config is not None:
            if not config.exclude:
                return False
            return _excluded(tuple(config.exclude), str(config.anchor("exclude")), path, is_dir)
        if self._exclude is None:
            return False
        relative = _relative(path, self._exclude_root) or os.path.basename(path)
        return bool(self._exclude.match_file(relative + ("/" if is_dir else "")))

    @staticmethod
    def gitignored(path: str, is_dir: bool, specs: list[tuple[str, Any]]) -> bool:
        """`specs`: (directory, spec) of every .gitignore from the top down; deepest decides."""
        for directory, spec in reversed(specs):
            relative = _relative(path, directory)
            if relative is None:
                continue
            result = spec.check_file(relative + ("/" if is_dir else ""))
            if result.include is not None:
                return bool(result.include)
        return False


def _excluded(patterns: tuple[str, ...], root: str, path: str, is_dir: bool) -> bool:
    if not patterns:
        return False
    spec = _exclude_spec(patterns)
    relative = _relative(path, os.path.abspath(root)) or os.path.basename(path)
    return bool(spec.match_file(relative + ("/" if is_dir else "")))


_EXCLUDE_SPECS: dict[tuple[str, ...], Any] = {}


def _exclude_spec(patterns: tuple[str, ...]) -> Any:
    spec = _EXCLUDE_SPECS.get(patterns)
    if spec is None:
        from infralint.gitignore import gitignore_spec

        spec = _EXCLUDE_SPECS[patterns] = gitignore_spec(patterns)
    return spec


def _relative(path: str, directory: str) -> str | None:
    prefix = directory.rstrip(os.sep) + os.sep
    return path[len(prefix) :].replace(os.sep, "/") if path.startswith(prefix) else None


def _maybe_infrastructure(name: str) -> bool:
    """A cheap look at a name before any Path is built for it."""
    return (
        name.endswith((".rb", ".py", ".yml", ".yaml"))
        or name in CHEF_ROOT_FILES
        or dockerfile_name(name)
    )


# --------------------------------------------------------------------------- the walk


def _specs_above(top: str, git_root: Path | None) -> list[tuple[str, Any]]:
    """.gitignore files between the repository root and the walk's top still apply."""
    if git_root is None:
        return []
    root = os.path.abspath(git_root)
    relative = _relative(os.path.realpath(top), os.path.realpath(root))
    if relative is None:
        return []
    specs = []
    directory = root
    for part in ["", *relative.split("/")[:-1]]:
        directory = os.path.join(directory, part) if part else directory
        spec = IgnoreRules.load(directory)
        if spec is not None:
            specs.append((directory, spec))
    return specs


def _walk(
    top: str,
    rules: IgnoreRules,
    git_root: Path | None,
    globs: dict[str, list[str]],
    roots: reader.Roots,
    tree: ConfigTree | None = None,
    globs_root: Path | None = None,
) -> Iterator[Candidate]:
    stack: list[tuple[str, list[tuple[str, Any]]]] = [(top, _specs_above(top, git_root))]
    while stack:
        directory, specs = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            yield Candidate(directory, None, f"unreadable directory ({error.strerror})")
            continue
        config = None
        if tree is not None:  # the closest config above this directory's entries
            config = tree.for_directory(directory, [entry.name for entry in entries]).config
            globs = config.files
            globs_root = config.anchor("files") if globs else None
        if any(entry.name == ".gitignore" for entry in entries):
            spec, refused = IgnoreRules.read_ignore(directory)
            if spec is not None:
                specs = [*specs, (directory, spec)]
            elif refused is not None:
                yield Candidate(os.path.join(directory, ".gitignore"), None, refused)
        subdirs = []
        for entry in entries:
            name, path = entry.name, entry.path
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name in SKIPPED_DIRS or os.path.exists(os.path.join(path, "pyvenv.cfg")):
                    continue
                if rules.excluded_by_config(path, True, config):
                    yield Candidate(path, None, SKIPPED_DIRECTORY + "the config's exclude")
                    continue
                if rules.gitignored(path, True, specs):
                    yield Candidate(path, None, SKIPPED_DIRECTORY + "ignored by .gitignore")
                    continue
                subdirs.append(path)
                continue
            if not (globs or _maybe_infrastructure(name)):
                continue
            as_path = Path(path)
            language, reason = classify_name(as_path, globs, globs_root)
            if language is None:
                continue
            if rules.excluded_by_config(path, False, config):
                yield Candidate(path, None, "excluded by the config's exclude")
            elif rules.gitignored(path, False, specs):
                yield Candidate(path, None, "ignored by .gitignore")
            elif entry.is_symlink() and not os.path.exists(path):
                yield Candidate(path, None, "broken symbolic link")
            elif entry.is_symlink() and not reader.inside(path, roots):
                yield Candidate(path, None, OUTSIDE_LINK)
            else:
                # One string per distinct reason ("Chef recipes/ of cookbook x"), not per file.
                yield Candidate(path, language, sys.intern(reason))
        stack.extend((sub, specs) for sub in reversed(subdirs))


def discover(
    paths: Iterable[str],
    exclude: Iterable[str],
    exclude_root: Path,
    globs: dict[str, list[str]],
    force_exclude: bool = False,
    git_root: Path | None = None,
    tree: ConfigTree | None = None,
) -> tuple[list[Candidate], list[str]]:
    """Candidates in a stable order, and the paths that do not exist."""
    rules = IgnoreRules(exclude, exclude_root)
    paths = list(paths)
    roots = reader.scan_roots(paths)
    candidates: list[Candidate] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        try:
            info = path.stat()
        except OSError:
            if path.is_symlink():
                candidates.append(
                    Candidate(str(path), None, "broken or looping symbolic link", True)
                )
            else:
                missing.append(raw)
            continue
        if stat.S_ISDIR(info.st_mode):
            # Walk absolute paths: ignore files above the top are matched against them.
            top = os.path.abspath(path)
            candidates.extend(_walk(top, rules, git_root, globs, roots, tree, exclude_root))
            continue
        config = tree.for_file(path).config if tree is not None else None
        if force_exclude and rules.excluded_by_config(os.path.abspath(path), False, config):
            candidates.append(Candidate(str(path), None, "excluded by the config's exclude", True))
            continue
        if config is not None:
            language, reason = classify_name(path, config.files, config.anchor("files"))
        else:
            language, reason = classify_name(path, globs, exclude_root)
        if language is None and stat.S_ISREG(info.st_mode):
            language, reason = classify_content(_head(path, roots))
        candidates.append(Candidate(str(path), language, reason, True))
    return _dedupe(candidates), missing


def _head(path: Path, roots: reader.Roots) -> str:
    try:
        return reader.read_head(path, roots, 8192).decode("utf-8", errors="replace")
    except reader.ReadRefused:
        return ""


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        key = os.path.abspath(candidate.location)
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
