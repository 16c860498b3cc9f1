"""Links from compose services' `build:` sections to the Dockerfiles they build.

    build_project(root, compose_documents) -> list[BuildLink]
    service_builds(document) -> list[ServiceBuild]   (every build, remote and missing ones too)

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

from infralint.model import Span
from infralint.parsers.compose import ComposeDocument, Service
from infralint.parsers.yaml_model import Mapping, Node, Scalar, Sequence, empty_mapping
from infralint.project import BuildLink

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


def _resolve(base: Path, text: str) -> Path | None:
    """`text` against `base`, absolute; None when the text cannot be a path here (NUL, lone
    surrogates, a symlink loop) or names a home directory: `~` is never expanded, so nothing
    in the user's home is ever looked at."""
    if text.startswith("~"):
        return None
    try:
        return (base / Path(text)).resolve()
    except (OSError, ValueError, RuntimeError):
        return None


def service_build(document: ComposeDocument, service: Service) -> ServiceBuild | None:
    entry = service.entry_of("build")
    if entry is None:
        return None
    build = entry.value
    base = document.directory
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
    context: Path | None = None
    if context_text is not None and context_ok and not remote:
        context = _resolve(base, context_text)
    dockerfile_node = section.get("dockerfile")
    dockerfile_text, dockerfile_ok = _text(document, dockerfile_node)
    inline_node = section.get("dockerfile_inline")
    inline = inline_node.text if isinstance(inline_node, Scalar) else None
    dockerfile: Path | None = None
    if inline is None and context is not None and dockerfile_ok:
        if dockerfile_text:
            dockerfile = _resolve(context, dockerfile_text)
        else:
            candidates = [context / name for name in DEFAULT_DOCKERFILES]
            dockerfile = next((path for path in candidates if path.is_file()), candidates[0])
    args, args_nodes = _args(document, section.get("args"))
    target_node = section.get("target")
    target, _ = _text(document, target_node)
    return ServiceBuild(
        service,
        entry.key_node.span,
        context_text if context_ok else None,
        context_node,
        context,
        dockerfile_text,
        dockerfile_node,
        dockerfile,
        inline,
        args,
        args_nodes,
        target,
        target_node,
        remote,
    )


def service_builds(document: ComposeDocument) -> list[ServiceBuild]:
    builds = []
    for service in document.services:
        build = service_build(document, service)
        if build is not None:
            builds.append(build)
    return builds


def build_project(root: Path, compose_documents: Iterable[ComposeDocument]) -> list[BuildLink]:
    """One BuildLink per compose service whose Dockerfile exists (or is inline)."""
    links: list[BuildLink] = []
    for document in compose_documents:
        for build in service_builds(document):
            if build.context is None:
                continue
            if build.inline is None and (
                build.dockerfile is None or not build.dockerfile.is_file()
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
