"""DC508 build-arg-undeclared: A build.args key is not declared as ARG in the service's
Dockerfile."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _dockerfile, _dockerfile_name, _linked_builds
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.yaml_model import Node
from infralint.registry import CheckContext, check

PROXY_ARGS = frozenset(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
    for name in (base, base.lower())
)


@check("DC508")
@once_per_position
def build_arg_undeclared(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for build in _linked_builds(document, ctx):
        if not build.args:
            continue
        parsed = _dockerfile(document, build, ctx)
        if parsed is None:
            continue
        declared = set(parsed.args)
        # An inherited build's args all sit at the `extends:` key: one finding names them all.
        undeclared: dict[int, tuple[Node, list[str]]] = {}
        for name, node in build.args_nodes.items():
            if name not in declared and name not in PROXY_ARGS:
                undeclared.setdefault(id(node), (node, []))[1].append(name)
        for node, names in undeclared.values():
            quoted = ", ".join(f"'{name}'" for name in names)
            plural = "s" if len(names) > 1 else ""
            yield Violation(
                node.span,
                f"service '{build.service.name}' passes the build arg{plural} {quoted}, which"
                f" {_dockerfile_name(build)} does not declare with ARG",
            )
