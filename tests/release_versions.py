"""Which version README snippets and the infralint-docker hook must name.

On a release commit it is the version itself. Between releases (`__version__` a development
version such as 0.2.0.dev0, RELEASING.md step 7) nothing of that version is published yet, so
they keep naming the newest release: any released version below the development one.
"""

from __future__ import annotations

import re

from packaging.version import Version

from infralint import __version__

_RELEASE = re.compile(r"\d+\.\d+\.\d+")


def is_published_version(named: str, current: str = __version__) -> bool:
    """Whether a snippet may name `named` (a bare version, no `v`) while at `current`."""
    if not _RELEASE.fullmatch(named):
        return False
    if _RELEASE.fullmatch(current):
        return named == current
    return Version(named) < Version(current)
