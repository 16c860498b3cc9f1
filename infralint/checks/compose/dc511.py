"""DC511 undefined-secret-or-config: A service uses a secret or config that no top-level secrets
or configs entry defines."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _known_names
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument, Service
from infralint.parsers.yaml_model import Mapping, Node, Scalar, Sequence
from infralint.registry import CheckContext, check

SECTIONS = (("secrets", "secret"), ("configs", "config"))


@check("DC511")
@once_per_position
def undefined_secret_or_config(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    known = _known_names(document, ctx.project)
    if known is None:
        return
    for section, kind in SECTIONS:
        defined = known.secrets if section == "secrets" else known.configs
        for service in document.services:
            for name, node in _uses(service, section):
                result = document.interpolate(name)
                if result.resolved and result.value and result.value not in defined:
                    yield Violation(
                        node.span,
                        f"service '{service.name}' uses the {kind} '{result.value}', which no "
                        f"top-level {section}: entry defines (compose refuses to start it)",
                    )


def _uses(service: Service, section: str) -> Iterator[tuple[str, Node]]:
    node = service.get(section)
    if not isinstance(node, Sequence):
        return
    for item in node.items:
        if isinstance(item, Scalar) and isinstance(item.value, str):
            yield item.text, item
        elif isinstance(item, Mapping):
            source = item.get("source")
            if isinstance(source, Scalar) and isinstance(source.value, str):
                yield source.text, source
