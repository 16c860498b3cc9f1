"""DC503 unknown-service-reference: depends_on, links, extends, volumes_from or network_mode
names a missing service."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _known_names
from infralint.compose_refs import extends_target, resolve
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument, Service, iter_scalars
from infralint.parsers.yaml_model import Mapping, Node, Scalar, Sequence
from infralint.registry import CheckContext, check


def _references(document: ComposeDocument, service: Service) -> Iterator[tuple[str, Node, str]]:
    depends = service.get("depends_on")
    if isinstance(depends, Sequence):
        for item in iter_scalars(depends):
            yield item.text, item, "depends_on"
    elif isinstance(depends, Mapping):
        for entry in depends.entries:
            yield entry.key, entry.key_node, "depends_on"
    for item in iter_scalars(service.get("links")):
        yield item.text.split(":", 1)[0], item, "links"
    for item in iter_scalars(service.get("volumes_from")):
        text = item.text
        if not text.startswith("container:"):
            yield text.removeprefix("service:").split(":", 1)[0], item, "volumes_from"
    extends = service.get("extends")
    if isinstance(extends, Scalar):
        yield extends.text, extends, "extends"
    elif isinstance(extends, Mapping) and "file" not in extends:
        name = extends.get("service")
        if isinstance(name, Scalar):
            yield name.text, name, "extends"
    for key in ("network_mode", "pid", "ipc"):
        node = service.get(key)
        if isinstance(node, Scalar) and node.text.startswith("service:"):
            yield node.text.removeprefix("service:"), node, key


def _extends_elsewhere(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    """`extends: {file: …, service: …}` naming a service the other file (as the link stage read
    it) does not define."""
    if ctx.project is None or not document.source.path.is_absolute():
        return
    base = document.source.path.parent
    for service in document.services:
        target = extends_target(document, service)
        node = service.get("extends")
        if target is None or target.file is None or not isinstance(node, Mapping):
            continue
        facts = ctx.project.compose_references.get(resolve(base, target.file))
        name = node.get("service")
        if facts is not None and name is not None and target.service not in facts.services:
            yield Violation(
                name.span,
                f"service '{service.name}' extends the service '{target.service}', which"
                f" '{target.file}' does not define",
            )


@check("DC503")
@once_per_position
def unknown_service_reference(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    yield from _extends_elsewhere(document, ctx)
    known = _known_names(document, ctx.project)
    if known is None:
        return
    names = known.services
    for service in document.services:
        for name, node, key in _references(document, service):
            result = document.interpolate(name)
            if result.resolved and result.value not in names:
                yield Violation(
                    node.span,
                    f"service '{service.name}' {key} names the service '{result.value}',"
                    " which is not defined",
                )
