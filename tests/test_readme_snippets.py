"""README's Action, pre-commit and docs snippets are the ones that work.

The install and test commands are run by .ci/run (tests/test_readme.py); the `docker run` line is
checked against the Dockerfile (tests/test_dockerfile.py). Here: the workflow snippet passes
actionlint and names only inputs the action has, the pre-commit snippet passes pre-commit's own
config loader and names hooks the manifest publishes, and the docs command is a default nox
session (so .ci/run runs it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.github_actions import REPO, actionlint, load_yaml
from tests.release_versions import is_published_version

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text under a heading, up to the next heading of any level (not a `#` in code)."""
    lines, inside, fenced = [], False, False
    for line in README.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        heading = not fenced and re.match(r"#{1,6} (.*)\n", line)
        if heading:
            if inside:
                break
            inside = heading.group(1) == title
        elif inside:
            lines.append(line)
    assert lines, title
    return "".join(lines)


def blocks(title: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", section(title), re.M | re.S)


def test_workflow_snippet_passes_actionlint(tmp_path: Path) -> None:
    (snippet,) = blocks("GitHub Action", "yaml")
    workflow = tmp_path / ".github" / "workflows" / "infralint.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(snippet, encoding="utf-8")
    errors = actionlint([workflow])
    assert errors == [], errors


def test_workflow_snippet_uses_the_action_as_released() -> None:
    (snippet,) = blocks("GitHub Action", "yaml")
    steps: list[dict[str, Any]] = yaml.safe_load(snippet)["jobs"]["infralint"]["steps"]
    ours = [step for step in steps if step["uses"].startswith("infralint/infralint@")]
    assert len(ours) == 1
    tag = ours[0]["uses"].split("@", 1)[1]
    assert tag.startswith("v") and is_published_version(tag[1:]), tag
    action = load_yaml(REPO / "action.yml")
    assert set(ours[0].get("with", {})) <= set(action["inputs"])
    # Other actions: pinned as in this repository's own workflows.
    ci = (REPO / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    for step in steps:
        if step is not ours[0]:
            assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"])
            assert step["uses"] in ci


def test_readme_lists_every_input_of_the_action() -> None:
    text = section("GitHub Action")
    table = re.findall(r"^\| (`[^|]+`(?:, `[^|]+`)*) \|", text, re.M)
    listed = {name.strip("` ") for row in table for name in row.split(",")}
    assert listed == set(load_yaml(REPO / "action.yml")["inputs"])


def test_pre_commit_snippet_is_a_valid_config(tmp_path: Path) -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    main, fragment = blocks("pre-commit", "yaml")
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(main, encoding="utf-8")
    loaded = clientlib.load_config(str(config))  # pre-commit's own schema check
    (repo,) = loaded["repos"]
    assert repo["repo"] == "https://github.com/infralint/infralint"
    assert repo["rev"].startswith("v") and is_published_version(repo["rev"][1:]), repo["rev"]
    published = {
        hook["id"] for hook in clientlib.load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    }
    named = {hook["id"] for hook in repo["hooks"]}
    named |= {item["id"] for item in yaml.safe_load(fragment)}
    assert named == {"infralint", "infralint-docker"}
    assert named <= published
    assert "infralint-fix" in published and "infralint-fix" in section("pre-commit")


def test_docs_command_is_a_default_nox_session() -> None:
    (command,) = blocks("Documentation site", "sh")
    match = re.fullmatch(r"nox -s (\S+)\n", command)
    assert match
    tree = ast.parse((REPO / "noxfile.py").read_text(encoding="utf-8"))
    defaults: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions":
            defaults = ast.literal_eval(node.value)
    assert match.group(1) in defaults
    assert "pip install nox && nox" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
