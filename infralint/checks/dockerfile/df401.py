"""DF401 (root-user): The final stage's last USER is root."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._common import _unquoted_value
from infralint.checks.dockerfile._values import resolved, stage_values
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

ROOT_USER = re.compile(r"^(root|0)(:.*)?$")


@check("DF401")
def root_user(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    final = document.final_stage()
    if final is None:
        return
    for stage in final.ancestry():
        users = [i for i in stage.instructions if i.keyword == "USER"]
        if users:
            last = users[-1]
            written = _unquoted_value(last)
            user = resolved(written, stage_values(document, stage)) or written
            if ROOT_USER.match(user):
                via = f" ({written})" if user != written else ""
                yield Violation(
                    last.value_span(),
                    f"the final stage runs as '{user}'{via}: the last USER is root",
                )
            return
