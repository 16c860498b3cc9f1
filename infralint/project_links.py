"""The link stage: compose services' `build:` links to their Dockerfiles, and what checks quote
from other files.

    build_project(root, compose_documents) -> list[BuildLink]
    service_builds(document, paths) -> list[ServiceBuild]   (every build, remote and missing too)
    probe_builds(DiskPaths.of(project), build_queries(document)) -> what the disk says of builds
    read_dockerfiles / read_compose_siblings / read_python_facts(project, ...) -> facts on Project

Checks never touch the disk: every other file a check needs is read here, once, through
`infralint.reader` (inside the scanned tree, within a size limit), and recorded on Project, which
is part of the results cache key.

Compose resolves `build.context` against the compose file's directory and `build.dockerfile`
against the context (an absolute path stays as it is). Values are interpolated with the `.env`
beside the compose file. Remote contexts (git and http URLs) are not followed, and `~` is never
expanded. A path may point outside the scanned tree: the engine and checks never read there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Self

from infralint.model import ParseError, Span
from infralint.parsers.compose import ComposeDocument, Service, parse
from infralint.parsers.yaml_model import (
    MAX_BYTES,
    Entry,
    Mapping,
    Node,
    Scalar,
    Sequence,
    empty_mapping,
)
from infralint.project import (
    BuildLink,
    BuildQuery,
    ComposeNames,
    DockerfileFacts,
    LinkBasis,
    Project,
    ScriptStep,
)
from infralint.reader import read_text_or_none
from infralint.source import SourceFile

if TYPE_CHECKING:
    from infralint.parsers.python import PythonDocument

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)
DEFAULT_DOCKERFILES = ("Dockerfile", "Containerfile")


@dataclass(frozen=True)
class ServiceBuild:
    service: Service
    span: Span  # the `build:` key
    context_text: str | None  # as interpolated; None when it cannot be resolved
    context_node: Node | None
    context: Path | None  # absolute; None for remote or unresolvable contexts
    dockerfile_text: str | None  # `build.dockerfile` as interpolated, None when not given
    dockerfile_node: Node | None
    dockerfile: Path | None  # the resolved path (existing or not); None when inline/unknown
    inline: str | None
    args: dict[str, str | None]
    args_nodes: dict[str, Node]  # arg name -> its key (mapping) or item (list)
    target: str | None
    target_node: Node | None
    remote: bool


def _text(document: ComposeDocument, node: Node | None) -> tuple[str | None, bool]:
    """(interpolated text, resolved) of a scalar."""
    if not isinstance(node, Scalar) or node.value is None:
        return None, True
    result = document.interpolate(node.text)
    return result.value, result.resolved


def _args(
    document: ComposeDocument, node: Node | None
) -> tuple[dict[str, str | None], dict[str, Node]]:
    """build.args as name -> value; None when the value comes from the environment at build
    time (`- NAME`, `NAME:`, or a variable with no default and no `.env` value)."""
    values: dict[str, str | None] = {}
    nodes: dict[str, Node] = {}
    if isinstance(node, Mapping):
        for entry in node.entries:
            value, resolved = _text(document, entry.value)
            values[entry.key] = value if resolved else None
            nodes[entry.key] = entry.key_node
    elif isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Scalar) and isinstance(item.value, str):
                name, sep, raw = item.text.partition("=")
                name = name.strip()
                result = document.interpolate(raw)
                values[name] = result.value if sep and result.resolved else None
                nodes[name] = item
    return values, nodes


class RecordedPaths:
    """Answers about build paths from what the link stage recorded (Project.resolved_paths and
    .path_kinds), so checks never touch the disk. A path never recorded counts as missing, and
    is not recorded: the Project, part of the cache key, does not change while checking."""

    def __init__(self, resolved: dict[str, str | None], kinds: dict[str, str]) -> None:
        self.resolved = resolved
        self.kinds = kinds

    @classmethod
    def of(cls, project: Project | None) -> Self:
        return cls({}, {}) if project is None else cls(project.resolved_paths, project.path_kinds)

    def resolve(self, base: Path, text: str) -> Path | None:
        """`text` against `base`, absolute; None when the text cannot be a path here (NUL, lone
        surrogates, a symlink loop) or names a home directory: `~` is never expanded, so
        nothing in the user's home is ever looked at."""
        if text.startswith("~"):
            return None
        named = str(base / Path(text))
        found = self.resolved[named] if named in self.resolved else self._resolve_unrecorded(named)
        return None if found is None else Path(found)

    def kind(self, path: Path) -> str:
        """ "dir", "file" or "" (missing, or anything else)."""
        key = str(path)
        return self.kinds[key] if key in self.kinds else self._kind_unrecorded(path)

    def _resolve_unrecorded(self, named: str) -> str | None:
        return None

    def _kind_unrecorded(self, path: Path) -> str:
        return ""


class DiskPaths(RecordedPaths):
    """The link stage's probe: asks the disk once per path and records the answer."""

    def _resolve_unrecorded(self, named: str) -> str | None:
        try:
            found: str | None = str(Path(named).resolve())
        except (OSError, ValueError, RuntimeError):
            found = None
        self.resolved[named] = found
        return found

    def _kind_unrecorded(self, path: Path) -> str:
        kind = "dir" if path.is_dir() else "file" if path.is_file() else ""
        self.kinds[str(path)] = kind
        return kind


def build_paths(paths: RecordedPaths, query: BuildQuery) -> tuple[Path | None, Path | None]:
    """(context, Dockerfile) of a build, resolved; the Dockerfile may not exist. Without
    build.dockerfile the first default name that is a file is used, else the first."""
    context = paths.resolve(Path(query.base), query.context)
    if context is None or not query.needs_dockerfile:
        return context, None
    if query.dockerfile:
        return context, paths.resolve(context, query.dockerfile)
    candidates = [context / name for name in DEFAULT_DOCKERFILES]
    found = (path for path in candidates if paths.kind(path) == "file")
    return context, next(found, candidates[0])


def probe_builds(paths: DiskPaths, queries: Iterable[BuildQuery]) -> None:
    """Record (through `paths`, on Project) everything DC508-DC510 ask of the disk about these
    builds: where their paths resolve, and whether each context and Dockerfile exists."""
    for query in queries:
        context, dockerfile = build_paths(paths, query)
        for path in (context, dockerfile):
            if path is not None:
                paths.kind(path)


def link_basis(paths: RecordedPaths, queries: Iterable[BuildQuery]) -> list[LinkBasis]:
    """What the disk says of each build's paths (its links name only existing Dockerfiles,
    resolved): cached with the links, so a Dockerfile created, removed or re-pointed since is
    a cache miss."""
    basis: list[LinkBasis] = []
    for query in queries:
        context, dockerfile = build_paths(paths, query)
        kind = paths.kind(dockerfile) if dockerfile is not None else ""
        basis.append((_optional_str(context), _optional_str(dockerfile), kind))
    return basis


def _optional_str(path: Path | None) -> str | None:
    return None if path is None else str(path)


class _Section(NamedTuple):
    """A service's `build:` as written, and what it asks of the disk (None: nothing, for a
    remote or unresolvable context)."""

    entry: Entry
    section: Mapping
    context_text: str | None
    context_node: Node | None
    dockerfile_text: str | None
    dockerfile_node: Node | None
    inline: str | None
    remote: bool
    query: BuildQuery | None


def _build_entry(document: ComposeDocument, service: Service) -> Entry | None:
    """The service's `build:`, or the one it inherits through `extends` within the file
    (`extends` copies `build:`; paths stay relative to this file). A chain through another
    file is not followed here: its paths are relative to that file."""
    from infralint.compose_refs import MAX_EXTENDS_CHAIN, extends_target

    current: Service | None = service
    for _ in range(MAX_EXTENDS_CHAIN):
        if current is None:
            return None
        entry = current.entry_of("build")
        if entry is not None:
            return entry
        target = extends_target(document, current)
        if target is None or target.file is not None:
            return None
        current = document.service(target.service)
    return None


def _section(document: ComposeDocument, service: Service) -> _Section | None:
    entry = _build_entry(document, service)
    if entry is None:
        return None
    build = entry.value
    if isinstance(build, Scalar):
        section = empty_mapping(build.span)
        context_node: Node | None = build
    elif isinstance(build, Mapping):
        section = build
        context_node = build.get("context")
    else:
        return None
    context_text, context_ok = _text(document, context_node)
    if context_node is None:
        context_text = "."
    remote = bool(context_text and _REMOTE.match(context_text))
    dockerfile_node = section.get("dockerfile")
    dockerfile_text, dockerfile_ok = _text(document, dockerfile_node)
    inline_node = section.get("dockerfile_inline")
    inline = inline_node.text if isinstance(inline_node, Scalar) else None
    query = None
    if context_text is not None and context_ok and not remote:
        needs_dockerfile = inline is None and dockerfile_ok
        query = BuildQuery(str(document.directory), context_text, dockerfile_text, needs_dockerfile)
    return _Section(
        entry,
        section,
        context_text if context_ok else None,
        context_node,
        dockerfile_text,
        dockerfile_node,
        inline,
        remote,
        query,
    )


def build_queries(document: ComposeDocument) -> list[BuildQuery]:
    """What the builds of a compose file ask of the disk, in service order."""
    sections = (_section(document, service) for service in document.services)
    return [section.query for section in sections if section and section.query]


def service_build(
    document: ComposeDocument, service: Service, paths: RecordedPaths
) -> ServiceBuild | None:
    found = _section(document, service)
    if found is None:
        return None
    context, dockerfile = build_paths(paths, found.query) if found.query else (None, None)
    section = found.section
    args, args_nodes = _args(document, section.get("args"))
    target_node = section.get("target")
    target, _ = _text(document, target_node)
    return ServiceBuild(
        service,
        found.entry.key_node.span,
        found.context_text,
        found.context_node,
        context,
        found.dockerfile_text,
        found.dockerfile_node,
        dockerfile,
        found.inline,
        args,
        args_nodes,
        target,
        target_node,
        found.remote,
    )


def service_builds(document: ComposeDocument, paths: RecordedPaths) -> list[ServiceBuild]:
    builds = []
    for service in document.services:
        build = service_build(document, service, paths)
        if build is not None:
            builds.append(build)
    return builds


def build_project(
    root: Path, compose_documents: Iterable[ComposeDocument], paths: RecordedPaths | None = None
) -> list[BuildLink]:
    """One BuildLink per compose service whose Dockerfile exists (or is inline). The disk is
    asked through `paths` (a fresh DiskPaths when not given)."""
    if paths is None:
        paths = DiskPaths({}, {})
    links: list[BuildLink] = []
    for document in compose_documents:
        for build in service_builds(document, paths):
            if build.context is None:
                continue
            if build.inline is None and (
                build.dockerfile is None or paths.kind(build.dockerfile) != "file"
            ):
                continue
            links.append(
                BuildLink(
                    compose_path=document.source.path,
                    service=build.service.name,
                    context=build.context,
                    dockerfile=build.dockerfile if build.inline is None else None,
                    args=dict(build.args),
                    target=build.target,
                    span=build.span,
                    inline=build.inline,
                )
            )
    return links


# --------------------------------------------------------------------------- facts for checks

MAX_DOCKERFILE_BYTES = 2_000_000
MAX_READ_BYTES = 1_000_000  # a script or INI file a deploy/module refers to, read as data
DEFAULT_COMPOSE_NAMES = frozenset(
    {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}
)
_COMPOSE_NAME = re.compile(r"^(?:docker-)?compose[\w.-]*\.ya?ml$", re.IGNORECASE)
MAX_SIBLINGS = 20


def read_dockerfiles(project: Project, links: Iterable[BuildLink]) -> None:
    """The stages and ARGs of each Dockerfile a build uses (inline or on disk); only a
    Dockerfile inside the scanned tree is read: its stages and ARGs are quoted."""
    for link in links:
        if link.inline is not None:
            if link.inline not in project.inline_dockerfiles:
                path = link.context / "dockerfile_inline"
                project.inline_dockerfiles[link.inline] = dockerfile_facts(path, link.inline)
        elif link.dockerfile is not None and str(link.dockerfile) not in project.dockerfiles:
            text = read_text_or_none(link.dockerfile, project.roots, MAX_DOCKERFILE_BYTES)
            facts = None if text is None else dockerfile_facts(link.dockerfile, text)
            project.dockerfiles[str(link.dockerfile)] = facts


def dockerfile_facts(path: Path, text: str) -> DockerfileFacts | None:
    """The stages and ARGs of a Dockerfile's text (None when it does not parse)."""
    from infralint.parsers import dockerfile

    source = SourceFile(path, str(path), text, "dockerfile", reason="compose build")
    try:
        parsed = dockerfile.parse(source)
    except Exception:  # unparsable (or a parser bug): reported when the Dockerfile is checked
        return None
    stages = tuple(stage.name for stage in parsed.stages if stage.name)
    return DockerfileFacts(stages, tuple(sorted(_declared_args(parsed))))


def _declared_args(parsed: Any) -> set[str]:
    names: set[str] = set()
    for instruction in parsed.instructions:
        inner = instruction.onbuild if instruction.keyword == "ONBUILD" else None
        if instruction.keyword == "ARG":
            names.update(pair.key for pair in instruction.pairs())
        elif inner is not None and inner.keyword == "ARG":
            names.update(pair.key for pair in inner.pairs())
    return names


class EnvFile(NamedTuple):
    """One `env_file` entry of a service, resolved against the compose file's directory."""

    service: str
    node: Node  # the path's scalar
    text: str  # as interpolated
    path: Path | None  # None: not a path here (home directory, invalid)
    required: bool


def env_files(document: ComposeDocument) -> list[EnvFile]:
    """Every env_file entry whose path is known (interpolation resolved), in service order."""
    found: list[EnvFile] = []
    for service in document.services:
        node = service.get("env_file")
        items = node.items if isinstance(node, Sequence) else [node] if node is not None else []
        for item in items:
            path_node: Node | None = item
            required = True
            if isinstance(item, Mapping):
                path_node = item.get("path")
                flag = item.get("required")
                required = not (isinstance(flag, Scalar) and flag.value is False)
            text, resolved = _text(document, path_node)
            if path_node is None or text is None or not resolved or not text:
                continue
            path = None if text.startswith("~") or "\x00" in text else document.directory / text
            found.append(EnvFile(service.name, path_node, text, path, required))
    return found


def uses_siblings(name: str) -> bool:
    """A compose file with a non-default name (compose.prod.yaml) or an override file is combined
    with the other compose files of its directory, so their names count too."""
    return name.lower() not in DEFAULT_COMPOSE_NAMES or "override" in name.lower()


def read_compose_siblings(project: Project, compose_files: Iterable[Path]) -> None:
    """The names each compose file of a directory declares, for files combined with them."""
    for path in compose_files:
        directory = str(path.parent)
        if uses_siblings(path.name) and directory not in project.compose_siblings:
            project.compose_siblings[directory] = _compose_directory(path.parent, project)


def _compose_directory(
    directory: Path, project: Project
) -> tuple[tuple[str, ComposeNames | None], ...]:
    """The first compose files of a directory by name: one more than a file combines, since it
    skips itself. Files the engine parsed for this run are not parsed again."""
    try:
        paths = sorted(
            path
            for path in directory.iterdir()
            if _COMPOSE_NAME.match(path.name) and path.is_file()
        )[: MAX_SIBLINGS + 1]
    except OSError:
        return ()
    return tuple((path.name, _compose_names(path, project)) for path in paths)


def _compose_names(path: Path, project: Project) -> ComposeNames | None:
    """The names a compose file declares; None when it is not read (outside the scanned tree,
    not a regular file, too large) or does not parse."""
    known = project.parsed.get(str(path))
    if isinstance(known, ComposeDocument):
        return declared_names(known)
    text = read_text_or_none(path, project.roots, MAX_BYTES)
    if text is None:
        return None
    try:
        return declared_names(parse(SourceFile(path, path.name, text, "compose")))
    except ParseError:
        return None
    except Exception:  # a parser bug: reported when the file itself is checked
        return None


def declared_names(document: ComposeDocument) -> ComposeNames:
    def section(name: str) -> tuple[str, ...]:
        return tuple(sorted(document.declared(name)))

    return ComposeNames(
        tuple(sorted({service.name for service in document.services})),
        section("networks"),
        section("volumes"),
        section("secrets"),
        section("configs"),
        tuple(sorted(set(container_names(document)))),
    )


def container_names(document: ComposeDocument) -> Iterable[tuple[str, str]]:
    """(container_name, service) of each service that sets a literal or resolvable name."""
    for service in document.services:
        node = service.get("container_name")
        if isinstance(node, Scalar) and node.value is not None:
            result = document.interpolate(node.text)
            if result.resolved and result.value:
                yield result.value, service.name


def read_python_facts(project: Project, documents: Iterable[PythonDocument]) -> None:
    """The scripts pyinfra deploys upload (PY201) and the INI files `logging.config.fileConfig`
    reads (PY301): read as data beside the module, never run or evaluated."""
    from infralint.checks.python import py201, py301

    for document in documents:
        if not document.source.path.is_absolute():
            continue
        base = document.source.path.parent
        for relative in py201.uploaded_scripts(document):
            key = str(base / relative)
            if key not in project.scripts:
                text = read_text_or_none(key, project.roots, MAX_READ_BYTES)
                steps = None if text is None else py201.imperatives_in(text)
                project.scripts[key] = (
                    None
                    if steps is None
                    else tuple(ScriptStep(s.kind, s.command, s.tool) for s in steps)
                )
        for relative in py301.config_files(document):
            key = str(base / relative)
            if key not in project.ini_handlers:
                text = read_text_or_none(key, project.roots, MAX_READ_BYTES)
                project.ini_handlers[key] = None if text is None else py301.file_handlers_in(text)
