"""CB109 docker-image-unpinned: docker_image/docker_container without a tag, or with 'latest'."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check

DOCKER_IDLE_ACTIONS = {"remove", "delete", "stop", "kill", "pause", "unpause", "remove_link"}
# docker_image actions that make the image here (from a Dockerfile or a tarball): the tag names
# the result, nothing is pulled. `source` alone means a build or import too.
DOCKER_LOCAL_ACTIONS = {"build", "build_if_missing", "import", "load", "save", "push", "tag"}


def _makes_the_image(resource_type: str, actions: list[str], has_source: bool) -> bool:
    if resource_type != "docker_image" or any(a.startswith("pull") for a in actions):
        return False
    return has_source or any(a in DOCKER_LOCAL_ACTIONS for a in actions)


def _reference_has_tag(reference: str) -> bool:
    return "@sha256:" in reference or ":" in reference.rsplit("/", 1)[-1]


@check("CB109")
def docker_image_unpinned(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type not in ("docker_image", "docker_container"):
            continue
        if resource.actions and all(a in DOCKER_IDLE_ACTIONS for a in resource.actions):
            continue
        has_source = resource.setting("source") is not None
        if _makes_the_image(resource.type, resource.actions, has_source):
            continue
        tag = resource.setting("tag")
        if tag is not None:
            if tag.value is not None and tag.value.string == "latest":
                yield _violation(tag.span, f"{_name(resource)} uses the floating tag 'latest'")
            continue
        repo = resource.value("repo")
        if repo is None and resource.type == "docker_image":
            repo = resource.name
        reference = repo.string if repo is not None else None
        if repo is not None and reference is None:
            continue  # a repository we cannot read may carry its tag
        if reference is not None and _reference_has_tag(reference):
            if reference.endswith(":latest"):
                yield _violation(resource.head, f"{_name(resource)} uses '{reference}'")
            continue
        yield _violation(resource.head, f"{_name(resource)} sets no `tag` (Docker pulls 'latest')")
