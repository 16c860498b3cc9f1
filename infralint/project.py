"""Cross-file links: a compose service's `build:` -> its Dockerfile (-> Python in its context).

The engine builds a Project once per run, before checking, from the discovered files. Checks read
it through `CheckContext.project`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from infralint.model import Span


class BuildLink(NamedTuple):
    """One compose service that builds an image from a Dockerfile."""

    compose_path: Path
    service: str
    context: Path
    dockerfile: Path | None  # None for `dockerfile_inline`
    args: dict[str, str | None]  # build.args after interpolation (None: passed from environment)
    target: str | None
    span: Span  # the service's `build:` key in the compose file
    inline: str | None = None


@dataclass
class Project:
    """What the run knows across files: the compose build links of its Dockerfiles."""

    root: Path
    links: list[BuildLink] = field(default_factory=list)
    # The scanned roots (resolved): nothing outside them is read for analysis (see reader.py).
    roots: tuple[str, ...] = ()
    # Documents the engine parsed while linking (absolute path -> document), so a check that
    # reads another file of the run (a compose file's siblings) does not parse it again.
    # Never sent to worker processes.
    parsed: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    _by_dockerfile: dict[Path, list[BuildLink]] | None = field(
        default=None, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["parsed"] = {}
        return state

    def links_to(self, dockerfile: Path) -> list[BuildLink]:
        if not self.links:
            return []  # the common case: no compose file in the run, no path to resolve
        if self._by_dockerfile is None:  # one index, not a scan of every link per Dockerfile
            index: dict[Path, list[BuildLink]] = {}
            for link in self.links:
                if link.dockerfile is not None:
                    index.setdefault(link.dockerfile, []).append(link)
            self._by_dockerfile = index
        return self._by_dockerfile.get(dockerfile.resolve(), [])

    def linked_dockerfiles(self) -> set[Path]:
        return {link.dockerfile for link in self.links if link.dockerfile}

    # DF121: requirements file (as a Dockerfile's `-r` names it, unresolved) -> it pins hashes.
    # Read in the link stage (engine._link_requirements); a file that could not be read is absent.
    hashed_requirements: dict[str, bool] = field(default_factory=dict)
