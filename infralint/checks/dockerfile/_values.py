"""What `$NAME` means where a Dockerfile rule judges a value: a stage's ENV and ARG defaults."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from infralint.parsers.dockerfile import DockerfileDocument, Stage
from infralint.parsers.image_ref import Variable, expand


def stage_args(document: DockerfileDocument, stage: Stage) -> dict[str, str]:
    """The ARG defaults of a stage: `ARG X=1`, or a bare `ARG X` that takes the default of the
    global `ARG X` before the first FROM. A stage built FROM it does not inherit them."""
    values: dict[str, str] = {}
    for instruction in stage.instructions:
        if instruction.keyword != "ARG" or instruction.parent is not None:
            continue
        for pair in instruction.pairs():
            value = pair.value if pair.value is not None else document.global_args.get(pair.key)
            if value is not None:
                values[pair.key] = value
    return values


def stage_values(document: DockerfileDocument, stage: Stage | None) -> dict[str, str]:
    """What `$NAME` means in a stage: its ENV (and that of the stages it is built FROM, never
    of another stage) over its ARG defaults, as the build sees them without --build-arg."""
    if stage is None:
        return {}
    return {**stage_args(document, stage), **stage.env()}


class _Scope(Mapping[str, Variable]):
    """`values` seen as build variables, made one at a time when asked for: building them all
    for each word would cost the stage's size per word. A value that itself holds `$` is
    unknown (it is not expanded twice)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.known = values

    def __getitem__(self, name: str) -> Variable:
        value = self.known[name]
        if "$" in value:
            raise KeyError(name)
        return Variable(value, "")

    def __iter__(self) -> Iterator[str]:
        return (name for name, value in self.known.items() if "$" not in value)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def resolved(text: str, values: Mapping[str, str]) -> str | None:
    """`text` with `$X`, `${X:-d}` … filled in from `values`; None when one has no value."""
    if "$" not in text:
        return text
    expansion = expand(text, _Scope(values))
    return None if expansion.unresolved else expansion.text
