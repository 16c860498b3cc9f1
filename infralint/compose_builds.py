"""Builds that come from other compose files: a service that `extends: {file: ..., service: ...}`
a building service, and the services of files a top-level `include:` names.

Compose resolves a build's `context` against the directory of the file that declares `build:`,
not of the file that extends it, and an included file's paths against its own directory. The
link stage (`link_other_files`) reads those files through `compose_refs` (the reader, inside the
scanned roots, within MAX_DEPTH links, MAX_FILES files and MAX_EXTENDS_CHAIN services per chain;
a cycle ends the chain), links their Dockerfiles so that they are linted with the build's args
and target, and records each inherited build on Project.foreign_builds for DC508-DC510, which
report at the extending service's `extends:` key. When the declaring file is itself checked in
the run, its own findings cover the build and the extending file reports nothing more.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from infralint.compose_refs import (
    MAX_DEPTH,
    MAX_EXTENDS_CHAIN,
    MAX_FILES,
    _parse,
    extends_target,
    include_paths,
    resolve,
)
from infralint.parsers.compose import ComposeDocument, Service
from infralint.project import BuildLink, ForeignBuild, Project
from infralint.project_links import (
    RecordedPaths,
    ServiceBuild,
    _section,
    build_paths,
    build_project,
    service_build,
)


class _Loader:
    """Compose files read for this link stage, each parsed once, at most MAX_FILES."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.documents: dict[str, ComposeDocument | None] = {}

    def load(self, path: str) -> ComposeDocument | None:
        if path not in self.documents:
            if len(self.documents) >= MAX_FILES:
                return None
            self.documents[path] = _parse(Path(path), self.project)
        return self.documents[path]


def _inherited(
    document: ComposeDocument, service: Service, loader: _Loader
) -> tuple[ComposeDocument, Service] | None:
    """The service of another file whose `build:` `service` inherits (through `extends`, across
    files); None when it builds in its own file, builds nothing, or a limit or cycle ends the
    chain."""
    if _section(document, service) is not None:
        return None  # its own build:, or one of its file: linked by project_links
    current_document, current = document, service
    hops = 0
    for _ in range(MAX_EXTENDS_CHAIN):
        if hops and _section(current_document, current) is not None:
            return current_document, current
        target = extends_target(current_document, current)
        if target is None:
            return None
        if target.file is not None:
            hops += 1
            if hops > MAX_DEPTH or not current_document.source.path.is_absolute():
                return None
            base = current_document.source.path.parent
            loaded = loader.load(resolve(base, target.file))
            if loaded is None:
                return None
            current_document = loaded
        found = current_document.service(target.service)
        if found is None:
            return None
        current = found
    return None


def _included(document: ComposeDocument, loader: _Loader) -> list[ComposeDocument]:
    """The files `include:` names, transitively (breadth first, within MAX_DEPTH), whose
    paths resolve against their own directory."""
    found: list[ComposeDocument] = []
    seen = {str(document.source.path)}
    frontier = [document]
    for _ in range(MAX_DEPTH):
        following = []
        for one in frontier:
            base = one.source.path.parent
            # A `project_directory:` moves the base of its paths: not guessed at.
            for written in include_paths(one, own_directory=True):
                path = resolve(base, written)
                if path in seen:
                    continue
                seen.add(path)
                loaded = loader.load(path)
                if loaded is not None:
                    found.append(loaded)
                    following.append(loaded)
        frontier = following
    return found


def link_other_files(
    project: Project,
    documents: Iterable[ComposeDocument],
    paths: RecordedPaths,
    checked: set[str],
) -> list[BuildLink]:
    """Build links of services that inherit a build from another file, and of the services of
    included files that are not `checked` in the run; inherited builds are recorded on Project
    (their paths probed through `paths`)."""
    loader = _Loader(project)
    links: list[BuildLink] = []
    for document in documents:
        if not document.source.path.is_absolute():
            continue
        for service in document.services:
            inherited = _inherited(document, service, loader)
            if inherited is None:
                continue
            link = _record(project, document, service, inherited, paths, checked)
            if link is not None:
                links.append(link)
        for included in _included(document, loader):
            if str(included.source.path) not in checked:
                links.extend(build_project(project.root, [included], paths))
    return links


def _record(
    project: Project,
    document: ComposeDocument,
    service: Service,
    inherited: tuple[ComposeDocument, Service],
    paths: RecordedPaths,
    checked: set[str],
) -> BuildLink | None:
    other, declaring = inherited
    build = service_build(other, declaring, paths)
    if build is None:
        return None
    section = _section(other, declaring)
    project.foreign_builds[f"{document.source.path}\0{service.name}"] = ForeignBuild(
        str(other.source.path),
        section.query if section is not None else None,
        build.inline,
        tuple(build.args.items()),
        build.target,
        str(other.source.path) in checked,
    )
    for path in (build.context, build.dockerfile):
        if path is not None:
            paths.kind(path)
    if build.context is None:
        return None
    if build.inline is None and (
        build.dockerfile is None or paths.kind(build.dockerfile) != "file"
    ):
        return None
    extends = service.entry_of("extends")
    span = extends.key_node.span if extends is not None else build.span
    return BuildLink(
        compose_path=document.source.path,
        service=service.name,
        context=build.context,
        dockerfile=build.dockerfile if build.inline is None else None,
        args=dict(build.args),
        target=build.target,
        span=span,
        inline=build.inline,
    )


def foreign_service_builds(
    document: ComposeDocument, project: Project | None, paths: RecordedPaths
) -> list[ServiceBuild]:
    """The builds this file's services inherit from files not checked in the run, as
    ServiceBuilds whose every position is the service's `extends:` key."""
    if project is None or not project.foreign_builds:
        return []
    builds = []
    for service in document.services:
        fact = project.foreign_builds.get(f"{document.source.path}\0{service.name}")
        extends = service.entry_of("extends")
        if fact is None or fact.checked or fact.query is None or extends is None:
            continue
        context, dockerfile = build_paths(paths, fact.query)
        if context is None:
            continue
        key = extends.key_node
        # The context as this file would name it: the other file's text would mislead here.
        shown = os.path.relpath(context, document.source.path.parent)
        builds.append(
            ServiceBuild(
                service,
                key.span,
                shown,
                None,
                context,
                fact.query.dockerfile,
                None,
                dockerfile,
                fact.inline,
                dict(fact.args),
                {name: key for name, _value in fact.args},
                fact.target,
                key if fact.target else None,
                False,
            )
        )
    return builds
