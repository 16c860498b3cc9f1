"""DC514 duplicate-container-name: Two services set the same container_name."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.yaml_model import Scalar
from infralint.registry import CheckContext, check

# An override file -> the file compose merges it into without being told.
OVERRIDES = {
    f"{stem}.override.{ext}": f"{stem}.{ext}"
    for stem in ("compose", "docker-compose")
    for ext in ("yaml", "yml")
}


@check("DC514")
def duplicate_container_name(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    first: dict[str, str] = {}  # container name -> the service that set it first
    elsewhere = _sibling_containers(document, ctx)
    for service in document.services:
        node = service.get("container_name")
        if not isinstance(node, Scalar) or node.value is None:
            continue
        result = document.interpolate(node.text)
        if not result.resolved or not result.value:
            continue
        name = result.value
        if name in first and first[name] != service.name:
            yield Violation(
                node.span,
                f"container_name '{name}' is already used by service '{first[name]}': "
                "a second container with the same name cannot be created",
            )
            continue
        first.setdefault(name, service.name)
        other = elsewhere.get(name)
        if other is not None and other[1] != service.name:
            yield Violation(
                node.span,
                f"container_name '{name}' is also used by service '{other[1]}' in {other[0]}, "
                "which this override file is merged into: one of the two cannot be created",
            )


def _sibling_containers(document: ComposeDocument, ctx: CheckContext) -> dict[str, tuple[str, str]]:
    """container_name -> (file, service) in the file an override file extends. Compose combines
    `compose.override.yaml` with `compose.yaml` on its own; other files of a directory are
    combined only by `-f`, and are as often alternatives (a test and a prod variant) as not."""
    path = document.source.path
    base = OVERRIDES.get(path.name.lower())
    if ctx.project is None or base is None or not path.is_absolute():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for name, names in ctx.project.compose_siblings.get(str(path.parent), ()):
        if name.lower() == base and names is not None:
            for container, service in names.containers:
                found.setdefault(container, (name, service))
    return found
