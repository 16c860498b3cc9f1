"""DF528 (legacy-key-value-format): ENV or LABEL in the legacy `key value` form, or an ARG
whose default was written after a space."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from infralint.model import Fix, Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, split_words
from infralint.registry import CheckContext, check

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@check("DF528")
def legacy_key_value_format(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        if instruction.keyword in ("ENV", "LABEL"):
            yield from _legacy_pair(instruction)
        elif instruction.keyword == "ARG":
            yield from _arg_value_after_space(instruction)


def _legacy_pair(instruction: Instruction) -> Iterator[Violation]:
    words = split_words(instruction.value, instruction.escape)
    if len(words) < 2 or "=" in words[0][0]:
        return
    key = words[0][0]
    rest = instruction.value[words[1][1] :]
    keyword = instruction.keyword_as_written
    yield Violation(
        instruction.value_span(),
        f"{keyword} {key} <value> is the legacy form: write {keyword} {key}=<value> "
        "(the legacy form takes the rest of the line as one value, and is deprecated)",
        fix=_fix(instruction, key, rest),
    )


def _fix(instruction: Instruction, key: str, rest: str) -> Fix | None:
    """`ENV A b c` -> `ENV A="b c"`; only when the value has no quotes or escapes of its own,
    whose meaning would change inside the new quotes."""
    if any(char in rest for char in ("'", '"', instruction.escape, "\n")):
        return None
    value = rest.rstrip()
    text = f'{key}="{value}"' if any(char.isspace() for char in value) else f"{key}={value}"
    return Fix(instruction.value_span(), text)


def _arg_value_after_space(instruction: Instruction) -> Iterator[Violation]:
    words = split_words(instruction.value, instruction.escape)
    for (previous, _, _), (raw, start, end) in pairwise(words):
        if "=" in raw or "=" in previous or _NAME.fullmatch(raw):
            continue
        yield Violation(
            instruction.value_origin.span(start, end),
            f"ARG declares '{raw}', which is no valid name: for a default value write "
            f"ARG {previous}={raw}",
        )
