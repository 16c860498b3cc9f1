"""The `# expect:` markers of rule-document examples: found here, and stripped from help.

A marker is test scaffolding (CONTRIBUTING.md describes the format): the test suite reads it, a
user never should. Every user-facing rendering of a rule document (`infralint rule`, SARIF help,
the docs site) goes through `strip_expect_markers`, so a marker cannot leak by one path only.
"""

from __future__ import annotations

import re

_CODE_AND_FRAGMENT = r'[A-Z]{2}\d{3}(?:\s*"[^"\n]*")?'
EXPECT = re.compile(
    rf"#\s*expect(?P<file>-file)?:\s*(?P<codes>{_CODE_AND_FRAGMENT}(?:[,\s]+{_CODE_AND_FRAGMENT})*)"
)
EXPECT_ITEM = re.compile(r'(?P<code>[A-Z]{2}\d{3})(?:\s*"(?P<fragment>[^"\n]*)")?')


def strip_expect_markers(markdown: str) -> str:
    """`markdown` without its `# expect:` / `# expect-file:` markers.

    A marker on a line of its own takes the line with it; one trailing code takes only itself."""
    kept = []
    for line in markdown.splitlines(keepends=True):
        match = EXPECT.search(line)
        if match is None:
            kept.append(line)
        elif line[: match.start()].strip():
            ending = line[len(line.rstrip("\r\n")) :]
            kept.append(line[: match.start()].rstrip() + ending)
    return "".join(kept)


def has_expect_marker(text: str) -> bool:
    return EXPECT.search(text) is not None
