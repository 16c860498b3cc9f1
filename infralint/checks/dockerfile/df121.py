"""DF121 (requirements-without-hashes): pip installs a requirements file without --require-
hashes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from infralint import reader
from infralint.checks.dockerfile._packages import _assigned_true, _env_true, calls, runs
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF121")
def requirements_without_hashes(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        if _env_true(run, ("PIP_REQUIRE_HASHES",)):
            continue
        for call in calls(run, tools.pip):
            if call.subcommand != "install" or call.has("require-hashes"):
                continue
            if _assigned_true(call.command, ("PIP_REQUIRE_HASHES",)):
                continue
            for option in call.options:
                if option.name != "requirement" or not option.value:
                    continue
                if _requirements_hashed(document, option.value, reader.roots_of(ctx.project)):
                    continue
                word = option.value_word or option.word
                yield Violation(
                    word.span,
                    f"'{call.tool} install -r {option.value}' without --require-hashes "
                    "trusts whatever the index serves for each pinned version",
                )


def _requirements_hashed(document: DockerfileDocument, path: str, roots: reader.Roots) -> bool:
    """The requirements file, found beside the Dockerfile (inside the scanned tree), pins
    hashes (`--hash=`)."""
    directory = Path(document.source.path).parent
    for candidate in (directory / path.lstrip("/"), directory / Path(path).name):
        text = reader.read_text_or_none(candidate, roots, 5_000_000)
        if text is not None:
            return "--hash=" in text or "--hash " in text
    return False
