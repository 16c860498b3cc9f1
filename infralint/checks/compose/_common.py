"""Helpers shared by several compose rules (DC). Each check is a plain function over a parsed
ComposeDocument, in its own module `dcNNN.py`.

Aliases make one YAML node appear under several services; every check therefore reports a
position at most once (`once_per_position`), and keys that came in through a `<<` merge say
"via <<".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from infralint.compose_refs import building_services, included_names
from infralint.parsers.compose import ComposeDocument, Service
from infralint.parsers.compose_values import Image, service_image
from infralint.parsers.yaml_model import Entry, Mapping
from infralint.project import DockerfileFacts, Project
from infralint.project_links import (
    MAX_SIBLINGS,
    RecordedPaths,
    ServiceBuild,
    service_builds,
    uses_siblings,
)
from infralint.registry import CheckContext


def via(entry: Entry | None) -> str:
    return " (via <<)" if entry is not None and entry.merged else ""


def via_key(service: Service, key: str) -> str:
    """ " (via <<)" when the service's `key` came in through a merge key."""
    return via(service.entry_of(key))


def external_images(
    document: ComposeDocument, project: Project | None = None
) -> list[tuple[Service, Image]]:
    """Images that are pulled: services with `build:`, or extending one that has it (in this
    file or, as the link stage read it, another), name the image they build.
    Cached on the document: five rules judge the same images."""
    key = ("images", 0)
    if key not in document.cache:
        found = []
        building, _complete = building_services(document, project)
        for service in document.services:
            if service.name in building:
                continue  # builds here, or extends a service that does
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


@dataclass(frozen=True)
class Names:
    services: frozenset[str] = frozenset()
    networks: frozenset[str] = frozenset()
    volumes: frozenset[str] = frozenset()
    secrets: frozenset[str] = frozenset()
    configs: frozenset[str] = frozenset()


def _names(document: ComposeDocument) -> Names:
    return Names(
        frozenset(service.name for service in document.services),
        frozenset(document.declared("networks")),
        frozenset(document.declared("volumes")),
        frozenset(document.declared("secrets")),
        frozenset(document.declared("configs")),
    )


def _sibling_names(directory: Path, exclude: str, project: Project | None) -> Names:
    """Names defined by the other compose files of a directory (files used together with -f),
    as the link stage read them."""
    services: set[str] = set()
    networks: set[str] = set()
    volumes: set[str] = set()
    secrets: set[str] = set()
    configs: set[str] = set()
    listed = project.compose_siblings.get(str(directory), ()) if project is not None else ()
    siblings = [names for name, names in listed if name != exclude][:MAX_SIBLINGS]
    for names in siblings:
        if names is None:
            continue
        services.update(names.services)
        networks.update(names.networks)
        volumes.update(names.volumes)
        secrets.update(names.secrets)
        configs.update(names.configs)
    return Names(*(frozenset(found) for found in (services, networks, volumes, secrets, configs)))


def _known_names(document: ComposeDocument, project: Project | None) -> Names | None:
    """Names a file may refer to, with those of the files it includes (as the link stage read
    them); None when an included file was not read (anything may be defined).

    A file with a non-default name (compose.prod.yaml) or an override file is combined with the
    other compose files of its directory, so their names count too.
    """
    own = _names(document)
    if document.top("include"):
        included = included_names(document, project)
        if included is None:
            return None  # an included file was not read: anything may be defined
        own = Names(
            own.services | included[0], own.networks | included[1], own.volumes | included[2]
        )
    name = document.source.path.name
    if not uses_siblings(name):
        return own
    if not document.source.path.is_absolute():
        return own
    others = _sibling_names(document.source.path.parent, name, project)
    return Names(
        own.services | others.services,
        own.networks | others.networks,
        own.volumes | others.volumes,
        own.secrets | others.secrets,
        own.configs | others.configs,
    )


def _dockerfile(
    document: ComposeDocument, build: ServiceBuild, ctx: CheckContext
) -> DockerfileFacts | None:
    """The stages and ARGs of the Dockerfile a build uses (inline or on disk), as the link stage
    read them; None when unreadable."""
    project = ctx.project
    if project is None:
        return None
    if build.inline is not None:
        return project.inline_dockerfiles.get(build.inline)
    if build.dockerfile is not None:
        return project.dockerfiles.get(str(build.dockerfile))
    return None


def _linked_builds(document: ComposeDocument, ctx: CheckContext) -> list[ServiceBuild]:
    """The builds with a local context, their paths as the link stage found them on disk."""
    from infralint.compose_builds import foreign_service_builds

    paths = RecordedPaths.of(ctx.project)
    builds = [build for build in service_builds(document, paths) if build.context is not None]
    return builds + foreign_service_builds(document, ctx.project, paths)


def _path_kind(path: Path, ctx: CheckContext) -> str:
    """ "dir", "file" or "" (missing), as the link stage found it."""
    return RecordedPaths.of(ctx.project).kind(path)


def _dockerfile_name(build: ServiceBuild) -> str:
    if build.inline is not None:
        return "dockerfile_inline"
    return build.dockerfile_text or (build.dockerfile.name if build.dockerfile else "Dockerfile")
