"""Helpers shared by several compose rules (DC). Each check is a plain function over a parsed
ComposeDocument, in its own module `dcNNN.py`.

Aliases make one YAML node appear under several services; every check therefore reports a
position at most once (`unique`), and keys that came in through a `<<` merge say "via <<".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infralint.model import Span, Violation
from infralint.parsers.compose import ComposeDocument, Service, parse
from infralint.parsers.compose_values import DEFAULT_FLOATING_TAGS, Image, service_image
from infralint.parsers.yaml_model import Entry, Mapping
from infralint.project import Project
from infralint.project_links import ServiceBuild, service_builds
from infralint.reader import Roots, read_text_or_none, roots_of
from infralint.registry import CheckContext
from infralint.source import SourceFile

CheckFn = Callable[[ComposeDocument, CheckContext], Iterable[Violation]]


def unique(func: CheckFn) -> Callable[[ComposeDocument, CheckContext], Iterator[Violation]]:
    """Report each position once: an aliased node is shared by every service that uses it."""

    @functools.wraps(func)
    def wrapper(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
        seen: set[Span] = set()
        for violation in func(document, ctx):
            if violation.span not in seen:
                seen.add(violation.span)
                yield violation

    return wrapper


def via(entry: Entry | None) -> str:
    return " (via <<)" if entry is not None and entry.merged else ""


def via_key(service: Service, key: str) -> str:
    """ " (via <<)" when the service's `key` came in through a merge key."""
    return via(service.entry_of(key))


def floating_words(ctx: CheckContext) -> frozenset[str]:
    words = ctx.options.get("floating-tags", DEFAULT_FLOATING_TAGS)
    return frozenset(str(word).lower() for word in words)


def external_images(document: ComposeDocument) -> list[tuple[Service, Image]]:
    """Images that are pulled: services with `build:` name the image they build.
    Cached on the document: five rules judge the same images."""
    key = ("images", 0)
    if key not in document.cache:
        found = []
        for service in document.services:
            if service.has("build"):
                continue
            image = service_image(document, service)
            if image is not None:
                found.append((service, image))
        document.cache[key] = found
    images: list[tuple[Service, Image]] = document.cache[key]
    return images


def _logging(service: Service) -> tuple[Mapping | None, Entry | None]:
    entry = service.entry_of("logging")
    return (entry.value if entry and isinstance(entry.value, Mapping) else None), entry


_DOCKER_SOCKETS = ("docker.sock", "docker_engine")


def _is_docker_socket(source: str | None) -> bool:
    return bool(source) and source is not None and source.rstrip("/").endswith(_DOCKER_SOCKETS)


DEFAULT_COMPOSE_NAMES = frozenset(
    {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}
)


_COMPOSE_NAME = re.compile(r"^(?:docker-)?compose[\w.-]*\.ya?ml$", re.IGNORECASE)


MAX_SIBLINGS = 20


@dataclass(frozen=True)
class Names:
    services: frozenset[str] = frozenset()
    networks: frozenset[str] = frozenset()
    volumes: frozenset[str] = frozenset()


def _names(document: ComposeDocument) -> Names:
    return Names(
        frozenset(service.name for service in document.services),
        frozenset(document.declared("networks")),
        frozenset(document.declared("volumes")),
    )


def _sibling_names(directory: Path, exclude: str, project: Project | None) -> Names:
    """Names defined by the other compose files of a directory (files used together with -f).
    Files the engine parsed for this run are not parsed again."""
    services: set[str] = set()
    networks: set[str] = set()
    volumes: set[str] = set()
    try:
        siblings = sorted(
            path
            for path in directory.iterdir()
            if _COMPOSE_NAME.match(path.name) and path.name != exclude and path.is_file()
        )[:MAX_SIBLINGS]
    except OSError:
        return Names()
    roots = roots_of(project)
    for path in siblings:
        known = project.parsed.get(str(path)) if project is not None else None
        names = _names(known) if isinstance(known, ComposeDocument) else _file_names(path, roots)
        if names is None:
            continue
        services |= names.services
        networks |= names.networks
        volumes |= names.volumes
    return Names(frozenset(services), frozenset(networks), frozenset(volumes))


@functools.lru_cache(maxsize=1024)
def _file_names(path: Path, roots: Roots) -> Names | None:
    """The names a sibling compose file defines; None when it is not read (outside the scanned
    tree, not a regular file, too large) or does not parse."""
    from infralint.model import ParseError
    from infralint.parsers.yaml_model import MAX_BYTES

    text = read_text_or_none(path, roots, MAX_BYTES)
    if text is None:
        return None
    try:
        return _names(parse(SourceFile(path, path.name, text, "compose")))
    except ParseError:
        return None


def _known_names(document: ComposeDocument, project: Project | None) -> Names | None:
    """Names a file may refer to; None when it includes other files (anything may be defined).

    A file with a non-default name (compose.prod.yaml) or an override file is combined with the
    other compose files of its directory, so their names count too.
    """
    if document.top("include"):
        return None
    own = _names(document)
    name = document.source.path.name
    if name.lower() in DEFAULT_COMPOSE_NAMES and "override" not in name.lower():
        return own
    if not document.source.path.is_absolute():
        return own
    others = _sibling_names(document.source.path.parent, name, project)
    return Names(
        own.services | others.services,
        own.networks | others.networks,
        own.volumes | others.volumes,
    )


MAX_DOCKERFILE_BYTES = 2_000_000


def _dockerfile(document: ComposeDocument, build: ServiceBuild, ctx: CheckContext) -> Any | None:
    """The parsed Dockerfile a build uses (inline or on disk), None when unreadable.
    Cached on the compose document: DC508 and DC509 both read it."""
    key = ("dockerfile", id(build.service.node))
    if key not in document.cache:
        document.cache[key] = _read_dockerfile(build, roots_of(ctx.project))
    return document.cache[key]


def _read_dockerfile(build: ServiceBuild, roots: Roots) -> Any | None:
    """Only a Dockerfile inside the scanned tree is read: its stages and ARGs are quoted."""
    from infralint.model import ParseError
    from infralint.parsers import dockerfile

    if build.inline is not None:
        path = (build.context or Path()) / "dockerfile_inline"
        text = build.inline
    elif build.dockerfile is not None:
        path = build.dockerfile
        on_disk = read_text_or_none(path, roots, MAX_DOCKERFILE_BYTES)
        if on_disk is None:
            return None
        text = on_disk
    else:
        return None
    source = SourceFile(path, str(path), text, "dockerfile", reason="compose build")
    try:
        return dockerfile.parse(source)
    except ParseError:
        return None


def _linked_builds(document: ComposeDocument, ctx: CheckContext) -> list[ServiceBuild]:
    return [build for build in service_builds(document) if build.context is not None]


def _dockerfile_name(build: ServiceBuild) -> str:
    if build.inline is not None:
        return "dockerfile_inline"
    return build.dockerfile_text or (build.dockerfile.name if build.dockerfile else "Dockerfile")
