"""Cross-file links: a compose service's `build:` -> its Dockerfile (-> Python in its context).

The engine builds a Project once per run, before checking, from the discovered files. Checks read
it through `CheckContext.project`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from infralint.model import Span


@dataclass(frozen=True)
class BuildLink:
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
    root: Path
    links: list[BuildLink] = field(default_factory=list)

    def links_to(self, dockerfile: Path) -> list[BuildLink]:
        resolved = dockerfile.resolve()
        return [link for link in self.links if link.dockerfile and link.dockerfile == resolved]

    def linked_dockerfiles(self) -> set[Path]:
        return {link.dockerfile for link in self.links if link.dockerfile}
