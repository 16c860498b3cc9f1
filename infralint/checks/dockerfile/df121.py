"""DF121 (requirements-without-hashes): pip installs a requirements file without --require-
hashes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from infralint.checks.dockerfile._packages import _assigned_true, _env_true, calls, runs
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

if TYPE_CHECKING:
    from infralint.project import Project


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
                if _requirements_hashed(document, option.value, ctx.project):
                    continue
                word = option.value_word or option.word
                yield Violation(
                    word.span,
                    f"'{call.tool} install -r {option.value}' without --require-hashes "
                    "trusts whatever the index serves for each pinned version",
                )


def _requirements_hashed(document: DockerfileDocument, path: str, project: Project | None) -> bool:
    """The requirements file, found beside the Dockerfile (inside the scanned tree), pins
    hashes (`--hash=`). The link stage read it (see `requirement_files`): nothing is read here."""
    hashed = project.hashed_requirements if project is not None else {}
    for candidate in _candidates(document, path):
        found = hashed.get(str(candidate))
        if found is not None:
            return found
    return False


def _candidates(document: DockerfileDocument, path: str) -> tuple[Path, Path]:
    """Where a `-r` path is looked for: below the Dockerfile's directory, else beside it."""
    directory = Path(document.source.path).parent
    return directory / path.lstrip("/"), directory / Path(path).name


def requirement_files(document: DockerfileDocument) -> Iterator[Path]:
    """Every file the check may consult, for the link stage to read (a superset: calls the
    check skips for `--require-hashes` are included)."""
    for run in runs(document):
        for call in calls(run, tools.pip):
            if call.subcommand != "install":
                continue
            for option in call.options:
                if option.name == "requirement" and option.value:
                    yield from _candidates(document, option.value)


def pins_hashes(text: str) -> bool:
    """A requirements file's text pins hashes."""
    return "--hash=" in text or "--hash " in text
