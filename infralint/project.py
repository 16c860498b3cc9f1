"""Cross-file links: a compose service's `build:` -> its Dockerfile (-> Python in its context).

The engine builds a Project once per run, before checking, from the discovered files. Checks read
it through `CheckContext.project`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from infralint.model import Span


class BuildLink(NamedTuple):
    """One compose service that builds an image from a Dockerfile."""

    compose_path: Path
    service: str
    context: Path
    dockerfile: Path | None  # None for `dockerfile_inline`
    args: dict[str, str | None]  # build.args after interpolation (None: passed from environment)
    target: str | None
    span: Span  # the service's `build:` key in the compose file
    inline: str | None = None


class BuildQuery(NamedTuple):
    """What one service's build asks of the disk, known from the compose file alone: cached
    with its links (cache.py), so a warm run probes the same paths without parsing the file."""

    base: str  # the compose file's directory
    context: str  # build.context as interpolated
    dockerfile: str | None  # build.dockerfile as interpolated; None: the default names
    needs_dockerfile: bool  # False for dockerfile_inline or an unresolvable build.dockerfile


# What a compose file's links were built from, per BuildQuery: (resolved context, resolved
# Dockerfile, its kind); cached with the links, which are stale once it differs on disk.
LinkBasis = tuple[str | None, str | None, str]


class ComposeNames(NamedTuple):
    """The names one compose file declares, sorted (a set's order would change every run)."""

    services: tuple[str, ...]
    networks: tuple[str, ...]
    volumes: tuple[str, ...]
    secrets: tuple[str, ...]
    configs: tuple[str, ...]
    containers: tuple[tuple[str, str], ...] = ()  # (container_name, service), sorted (DC514)


class DockerfileFacts(NamedTuple):
    """What compose rules quote from a Dockerfile a service builds (DC508, DC509)."""

    stages: tuple[str, ...]  # the named stages, in order
    args: tuple[str, ...]  # names declared with ARG or ONBUILD ARG, sorted


class ReferencedCompose(NamedTuple):
    """What checks need from a compose file another one extends or includes (compose_refs.py)."""

    services: tuple[str, ...]
    networks: tuple[str, ...]
    volumes: tuple[str, ...]
    building: tuple[str, ...]  # services that build (own build:, or extend a building service)
    includes: tuple[str, ...]  # resolved paths of its own `include:` files


class ForeignBuild(NamedTuple):
    """The `build:` a service inherits through `extends: file:` (compose_builds.py), as the file
    that declares it says: its paths are relative to that file's directory."""

    file: str  # the compose file that declares `build:` (resolved)
    query: BuildQuery | None  # its paths against that file's directory; None: remote, unknown
    inline: str | None
    args: tuple[tuple[str, str | None], ...]
    target: str | None
    checked: bool  # that file is checked in this run: its own findings cover the build


class ScriptStep(NamedTuple):
    """An imperative step of a script a pyinfra deploy uploads and runs (PY201 quotes it)."""

    kind: str  # "package" | "service" | "download"
    command: str  # as shown: "apt-get install", "systemctl restart", "curl <url>"
    tool: str


@dataclass
class Project:
    """What the run knows across files: the compose build links of its Dockerfiles, and what
    checks quote from other files."""

    root: Path
    links: list[BuildLink] = field(default_factory=list)
    # The scanned roots (resolved): nothing outside them is read for analysis (see reader.py).
    roots: tuple[str, ...] = ()
    # Documents the engine parsed while linking (absolute path -> document): the link stage
    # reads a compose file's siblings from them, and the engine checks them with that parse.
    # Never sent to worker processes.
    parsed: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # What checks need from other files, read once by the link stage (project_links.py) so that
    # checks never touch the disk, and keyed by construction (see cache_material). Paths are
    # absolute, as the engine gives them; a file that could not be read or parsed maps to None.
    # Compose directory -> its first compose files by name, with their names (DC503, DC504).
    compose_siblings: dict[str, tuple[tuple[str, ComposeNames | None], ...]] = field(
        default_factory=dict
    )
    dockerfiles: dict[str, DockerfileFacts | None] = field(default_factory=dict)  # build: files
    inline_dockerfiles: dict[str, DockerfileFacts | None] = field(default_factory=dict)  # by text
    scripts: dict[str, tuple[ScriptStep, ...] | None] = field(default_factory=dict)  # PY201
    # fileConfig INI file -> its file handlers as (name, class) (PY301).
    ini_handlers: dict[str, tuple[tuple[str, str], ...] | None] = field(default_factory=dict)
    # What the disk says of the paths compose builds name (DC508-DC510), probed afresh each run
    # (project_links.DiskPaths): a path as named, joined to its base -> where it resolves (None:
    # not a path here); and a resolved path -> "dir", "file" or "" (anything else, or missing).
    resolved_paths: dict[str, str | None] = field(default_factory=dict)
    path_kinds: dict[str, str] = field(default_factory=dict)
    # metadata.rb -> the other cookbooks of its repository (CB105; project_links_chef.py).
    own_cookbooks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Compose files other compose files extend or include (resolved path -> what they declare;
    # None: not read), read transitively within limits (DC101-DC103, DC503, DC504).
    compose_references: dict[str, ReferencedCompose | None] = field(default_factory=dict)
    # "<compose file>\0<service>" -> the build it inherits through `extends: file:` (DC508-DC510).
    foreign_builds: dict[str, ForeignBuild] = field(default_factory=dict)
    # Compose file -> the services a devcontainer.json attaches to (DC304; devcontainer.py).
    devcontainer_services: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Scripts Dockerfiles copy into the image and run (absolute path -> text; None: not read),
    # and the Dockerfile that reports each (run_scripts.py; SCRIPT_RULES).
    run_scripts: dict[str, str | None] = field(default_factory=dict)
    script_reporters: dict[str, str] = field(default_factory=dict)
    # Custom resource type -> its properties declared `sensitive: true` (CB401).
    sensitive_properties: dict[str, tuple[str, ...]] = field(default_factory=dict)

    _by_dockerfile: dict[Path, list[BuildLink]] | None = field(
        default=None, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["parsed"] = {}
        return state

    def cache_material(self) -> str:
        """Everything the run learnt from other files, for the results cache key: every compared
        field but where the run looks (`root`, `roots`), so a fact added here is keyed too."""
        facts = []
        for item in fields(self):
            if item.compare and item.name not in ("root", "roots"):
                value = getattr(self, item.name)
                facts.append(
                    (item.name, sorted(value.items()) if isinstance(value, dict) else value)
                )
        return repr(facts)

    def links_to(self, dockerfile: Path) -> list[BuildLink]:
        if not self.links:
            return []  # the common case: no compose file in the run, no path to resolve
        if self._by_dockerfile is None:  # one index, not a scan of every link per Dockerfile
            index: dict[Path, list[BuildLink]] = {}
            for link in self.links:
                if link.dockerfile is not None:
                    index.setdefault(link.dockerfile, []).append(link)
            self._by_dockerfile = index
        return self._by_dockerfile.get(dockerfile.resolve(), [])

    def linked_dockerfiles(self) -> set[Path]:
        return {link.dockerfile for link in self.links if link.dockerfile}

    # DC512: a missing env file (absolute path) -> .gitignore excludes it (made on each machine).
    gitignored: dict[str, bool] = field(default_factory=dict)

    # DF529: an ignore file of a Dockerfile's build context (absolute path) -> its patterns.
    # Only files that were read are here (see dockerignore_candidates).
    dockerignores: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def dockerignore_candidates(self, dockerfile: Path) -> list[Path]:
        """Where the builder looks for the ignore file of a build of `dockerfile`, first match
        wins: `<name>.dockerignore` beside it, then `.dockerignore` at the root of each context
        a compose file builds it with, else of its own directory (`docker build .`)."""
        contexts = [link.context for link in self.links_to(dockerfile)] or [dockerfile.parent]
        candidates = [dockerfile.parent / f"{dockerfile.name}.dockerignore"]
        candidates += [context / ".dockerignore" for context in contexts]
        return candidates

    def dockerignore_for(self, dockerfile: Path) -> tuple[Path, tuple[str, ...]] | None:
        """The ignore file the build of `dockerfile` uses and its patterns, if one was read."""
        for candidate in self.dockerignore_candidates(dockerfile):
            patterns = self.dockerignores.get(str(candidate))
            if patterns is not None:
                return candidate, patterns
        return None

    # DF121: requirements file (as a Dockerfile's `-r` names it, unresolved) -> it pins hashes.
    # Read in the link stage (engine._link_requirements); a file that could not be read is absent.
    hashed_requirements: dict[str, bool] = field(default_factory=dict)
