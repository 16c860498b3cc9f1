"""DF208 (write-into-volume): RUN writes into a path that an earlier VOLUME declared."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _absolute, _commands, _stage_instructions
from infralint.model import Violation
from infralint.parsers.commands import unwrap, written_paths
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.registry import CheckContext, check


def _volumes(instruction: Instruction) -> dict[str, int]:
    return {
        posixpath.normpath(token.text): instruction.line
        for token in instruction.arguments()
        if token.text.startswith("/")
    }


@check("DF208")
def write_into_volume(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    at_end: dict[int, dict[str, int]] = {}  # the volumes of each stage's image
    for stage in document.stages:
        volumes: dict[str, int] = {}  # path -> line of its VOLUME
        if stage.base_stage is not None and stage.base_stage < stage.index:
            volumes.update(at_end.get(stage.base_stage, {}))
        for instruction in _stage_instructions(stage):
            if instruction.keyword == "VOLUME" and instruction.parent is None:
                volumes.update(_volumes(instruction))
            elif instruction.keyword == "RUN" and volumes:
                yield from _volume_writes(instruction, volumes)
        at_end[stage.index] = volumes


def _volume_of(path: str, volumes: dict[str, int]) -> str | None:
    """The declared volume that contains `path` (checked by its leading directories)."""
    parts = path.split("/")
    for end in range(2, len(parts) + 1):
        candidate = "/".join(parts[:end])
        if candidate in volumes:
            return candidate
    return "/" if "/" in volumes else None


def _volume_writes(instruction: Instruction, volumes: dict[str, int]) -> Iterator[Violation]:
    for raw in _commands(instruction):
        command = unwrap(raw)
        for word in written_paths(command):
            path = _absolute(word)
            volume = _volume_of(path, volumes) if path is not None else None
            if volume is not None:
                yield Violation(
                    word.span,
                    f"'{command.program}' writes '{word.text}' inside VOLUME '{volume}' "
                    f"(line {volumes[volume]}): the classic builder discards the change, BuildKit "
                    "keeps it",
                )
