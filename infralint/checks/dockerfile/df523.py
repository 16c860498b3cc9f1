"""DF523 (instruction-casing): An instruction keyword is cased unlike the file's others."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Fix, Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF523")
def instruction_casing(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    # Keywords wrapped by ONBUILD count too: they are written by the same hand.
    instructions = document.all_instructions()
    written = [each.keyword_as_written for each in instructions]
    lower = sum(1 for word in written if word == word.lower())
    upper = sum(1 for word in written if word == word.upper() and word != word.lower())
    majority_lower = lower > upper
    for instruction, word in zip(instructions, written, strict=True):
        wanted = word.lower() if majority_lower else word.upper()
        if word == wanted:
            continue
        if word not in (word.lower(), word.upper()):
            why = "mixes upper and lower case"
        else:
            why = "differs from the file's other instructions"
        case = "lower" if majority_lower else "upper"
        yield Violation(
            instruction.keyword_span,
            f"instruction '{word}' {why}: write it in {case} case ('{wanted}')",
            fix=Fix(instruction.keyword_span, wanted),
        )
