"""DF119 (apt-install-recommends): apt-get install without --no-install-recommends."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._packages import (
    Run,
    _document_memo,
    calls,
    insert_after,
    name_span,
    runs,
)
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument, Stage
from infralint.registry import CheckContext, check


def _apt_conf_disables_recommends(run: Run) -> bool:
    """An earlier RUN of the stage (or its bases) configured APT::Install-Recommends false."""
    stage = run.stage
    if stage is None:
        return False
    for each in reversed(stage.ancestry()):
        first, places = _recommends_off_at(each)
        own = places.get(id(run.instruction), places.get(id(run.instruction.parent), len(places)))
        if first < own:
            return True
        if own < len(places):
            return False
    return False


def _recommends_off_at(stage: Stage) -> tuple[int, dict[int, int]]:
    """The place of the stage's first RUN that turns recommends off (len: none), and the place
    of each instruction; read once per stage (a pass per apt install made n RUNs cost n^2)."""
    memo = _document_memo(stage.document) if stage.document is not None else {}
    key = ("recommends off", stage.index)
    found = memo.get(key)
    if isinstance(found, tuple):
        return found
    places: dict[int, int] = {}
    first = len(stage.instructions)
    for place, instruction in enumerate(stage.instructions):
        places.setdefault(id(instruction), place)
        if first == len(stage.instructions) and instruction.keyword == "RUN":
            text = instruction.value + "".join(doc.body for doc in instruction.heredocs)
            if _RECOMMENDS_OFF.search(text):
                first = place
    memo[key] = (first, places)
    return first, places


_RECOMMENDS_OFF = re.compile(r"APT::Install-Recommends\W+(false|0|no)", re.IGNORECASE)


@check("DF119")
def apt_install_recommends(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in calls(run, tools.apt_get):
            if call.tool == "apt-cache" or call.subcommand not in tools.APT_INSTALLS:
                continue
            if call.has("no-install-recommends", "simulate"):  # `-s` installs nothing
                continue
            if any(_RECOMMENDS_OFF.search(f"{value} ") for value in call.values("option")):
                continue
            if _apt_conf_disables_recommends(run):
                continue
            fix = None
            if call.tool in ("apt-get", "apt"):  # aptitude spells it --without-recommends
                fix = insert_after(run, call.subcommand_word, " --no-install-recommends")
            yield Violation(
                name_span(call),
                f"'{call.tool} install' without --no-install-recommends also installs "
                "recommended packages",
                fix=fix,
            )
