"""DC515 invalid-container-name: container_name has characters Docker does not allow."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.yaml_model import Scalar
from infralint.registry import CheckContext, check

VALID = re.compile(r"/?[a-zA-Z0-9][a-zA-Z0-9_.-]+")


@check("DC515")
def invalid_container_name(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        node = service.get("container_name")
        if not isinstance(node, Scalar) or node.value is None:
            continue
        result = document.interpolate(node.text)
        if result.resolved and result.value and not VALID.fullmatch(result.value):
            yield Violation(
                node.span,
                f"container_name '{result.value}' is not a valid container name: Docker allows "
                "two or more letters, digits, '_', '.' and '-', the first a letter or digit",
            )
