"""Compose files that refer to other compose files: `extends` and top-level `include:`.

`extends` copies another service's configuration, `build:` included, so a service that extends
a building service builds its image too and its `image:` names the result (DC101-DC103). The
service extended may be in the same file (`extends: base`, `extends: {service: base}`) or in
another one (`extends: {file: common.yaml, service: base}`, relative to the extending file).
Top-level `include:` (compose 2.20+) adds the services, networks and volumes of other compose
files, each path relative to the including file; names used across them are defined (DC503,
DC504).

What other files say is read in the link stage (`read_compose_references`) and recorded on
Project as `compose_references`: resolved path -> ReferencedCompose, or None when the file is
outside the scanned tree, missing, too large or unparsable. Files are followed transitively up
to MAX_DEPTH links from a checked file and MAX_FILES files per run; a cycle is read once.
Reads go through `infralint.reader`; nothing outside the scanned roots is read.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from infralint.model import ParseError
from infralint.parsers.compose import ComposeDocument, Service, parse
from infralint.parsers.yaml_model import MAX_BYTES, Mapping, Node, Scalar, Sequence
from infralint.project import Project, ReferencedCompose
from infralint.reader import read_text_or_none
from infralint.source import SourceFile

MAX_DEPTH = 5  # links followed from a checked file (extends of extends..., include of include...)
MAX_FILES = 200  # other compose files read per run
MAX_EXTENDS_CHAIN = 10  # services followed along one extends chain inside a file


class ExtendsTarget(NamedTuple):
    file: str | None  # as written (None: the same file)
    service: str


# --------------------------------------------------------------------------- reading a document


def extends_target(document: ComposeDocument, service: Service) -> ExtendsTarget | None:
    node = service.get("extends")
    if isinstance(node, Scalar) and node.value is not None:
        return ExtendsTarget(None, document.interpolate(node.text).value)
    if not isinstance(node, Mapping):
        return None
    name = node.get("service")
    if not isinstance(name, Scalar) or name.value is None:
        return None
    file = node.get("file")
    written = document.interpolate(file.text).value if isinstance(file, Scalar) else None
    return ExtendsTarget(written or None, document.interpolate(name.text).value)


def include_paths(document: ComposeDocument, *, own_directory: bool = False) -> Iterator[str]:
    """The paths of top-level `include:` entries as written (interpolated). `own_directory`:
    only files whose relative paths resolve against their own directory (no
    `project_directory:` moving them elsewhere)."""
    for entry in document.top("include"):
        items = entry.value.items if isinstance(entry.value, Sequence) else [entry.value]
        for item in items:
            moved = isinstance(item, Mapping) and item.get("project_directory") is not None
            if own_directory and moved:
                continue
            yield from _paths_of(document, item.get("path") if isinstance(item, Mapping) else item)


def _paths_of(document: ComposeDocument, node: Node | None) -> Iterator[str]:
    nodes = node.items if isinstance(node, Sequence) else [node]
    for one in nodes:
        if isinstance(one, Scalar) and one.value is not None:
            text = document.interpolate(one.text).value.strip()
            if text:
                yield text


def resolve(base: Path, written: str) -> str:
    """A path named in a compose file, against that file's directory (never `~`-expanded).
    A path that cannot be resolved (a NUL, a symlink loop) stays as joined: the reader refuses
    it, so it names a file that is not read."""
    try:
        return str((base / written).resolve())
    except (OSError, ValueError, RuntimeError):
        return os.path.normpath(base / written)


def building_services(
    document: ComposeDocument, project: Project | None
) -> tuple[frozenset[str], bool]:
    """The services of `document` that build an image: with `build:`, or extending (through
    other services of the file or other files the link stage read) one that does. The flag
    says whether every extends chain could be followed to its end."""
    by_name = {service.name: service for service in document.services}
    base = document.source.path.parent
    references = project.compose_references if project is not None else {}
    building: set[str] = set()
    complete = True
    for name, service in by_name.items():
        current: Service | None = service
        for _ in range(MAX_EXTENDS_CHAIN):
            if current is None:
                break
            if current.has("build"):
                building.add(name)
                break
            target = extends_target(document, current)
            if target is None:
                break
            if target.file is None:
                current = by_name.get(target.service)
                continue
            known = references.get(resolve(base, target.file)) if base.is_absolute() else None
            if known is None:
                complete = False
            elif target.service in known.building:
                building.add(name)
            break
        else:
            complete = False  # a cycle, or a chain longer than the limit
    return frozenset(building), complete


# --------------------------------------------------------------------------- the link stage


def read_compose_references(project: Project, documents: Iterable[ComposeDocument]) -> None:
    """Read, transitively, the compose files the run's compose files extend or include."""
    queue: deque[tuple[str, int]] = deque()
    read: dict[str, ComposeDocument] = {}
    for checked in documents:
        if checked.source.path.is_absolute():
            queue.extend((path, 1) for path in _referenced(checked))
    while queue:
        path, depth = queue.popleft()
        if path in project.compose_references:
            continue
        if len(project.compose_references) >= MAX_FILES:
            project.compose_references[path] = None
            continue
        project.compose_references[path] = None  # a cycle back here reads nothing more
        document = _parse(Path(path), project)
        if document is None:
            continue
        read[path] = document
        if depth < MAX_DEPTH:
            queue.extend((other, depth + 1) for other in _referenced(document))
        project.compose_references[path] = _facts(document)
    _settle(project, read)


def _referenced(document: ComposeDocument) -> Iterator[str]:
    base = document.source.path.parent
    for written in include_paths(document):
        yield resolve(base, written)
    for service in document.services:
        target = extends_target(document, service)
        if target is not None and target.file is not None:
            yield resolve(base, target.file)


def _parse(path: Path, project: Project) -> ComposeDocument | None:
    known = project.parsed.get(str(path))
    if isinstance(known, ComposeDocument):
        return known
    text = read_text_or_none(path, project.roots, MAX_BYTES)
    if text is None:
        return None
    try:
        return parse(SourceFile(path, path.name, text, "compose"))
    except ParseError:
        return None
    except Exception:  # a parser bug: reported when the file itself is checked
        return None


def _facts(document: ComposeDocument) -> ReferencedCompose:
    base = document.source.path.parent
    return ReferencedCompose(
        tuple(sorted({service.name for service in document.services})),
        tuple(sorted(document.declared("networks"))),
        tuple(sorted(document.declared("volumes"))),
        tuple(sorted(service.name for service in document.services if service.has("build"))),
        tuple(resolve(base, written) for written in include_paths(document)),
    )


def _settle(project: Project, read: dict[str, ComposeDocument]) -> None:
    """Building services through extends across files: re-derived until nothing changes (a
    pass that changes something adds a service, so the passes are bounded)."""
    for _ in range(MAX_FILES):
        changed = False
        for path, document in read.items():
            facts = project.compose_references.get(path)
            if facts is None:
                continue
            building, _complete = building_services(document, project)
            merged = tuple(sorted(set(facts.building) | building))
            if merged != facts.building:
                project.compose_references[path] = facts._replace(building=merged)
                changed = True
        if not changed:
            return


def included_names(
    document: ComposeDocument, project: Project | None
) -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """Services, networks and volumes the file's `include:` brings in (transitively); None when
    one of the included files was not read (then anything may be defined)."""
    if project is None or not document.source.path.is_absolute():
        return None
    base = document.source.path.parent
    pending = [resolve(base, written) for written in include_paths(document)]
    seen: set[str] = set()
    services: set[str] = set()
    networks: set[str] = set()
    volumes: set[str] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        facts = project.compose_references.get(path)
        if facts is None:
            return None
        services.update(facts.services)
        networks.update(facts.networks)
        volumes.update(facts.volumes)
        pending.extend(facts.includes)
    return frozenset(services), frozenset(networks), frozenset(volumes)
