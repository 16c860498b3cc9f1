"""The tools that lint infralint agree wherever they are pinned."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def nox_ruff_version() -> str:
    tree = ast.parse((REPO / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == [
            "RUFF_VERSION"
        ]:
            return str(ast.literal_eval(node.value))
    raise AssertionError("noxfile.py pins no RUFF_VERSION")


def pre_commit_ruff_version() -> str:
    text = (REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    match = re.search(r"repo: https://github\.com/astral-sh/ruff-pre-commit\s+rev: v(\S+)", text)
    assert match, "no ruff-pre-commit repository in .pre-commit-config.yaml"
    return match.group(1)


def test_pre_commit_runs_the_ruff_nox_installs() -> None:
    assert pre_commit_ruff_version() == nox_ruff_version()


def test_every_nox_session_installs_the_pinned_ruff() -> None:
    text = (REPO / "noxfile.py").read_text(encoding="utf-8")
    installs = re.findall(r"session\.install\((.*)\)", text)
    assert installs
    assert all('f"ruff=={RUFF_VERSION}"' in install for install in installs), installs


# Comments must cite what is in the repository (docs/interfaces.md, docs/RULES.md, rules/),
# not a spec or an issue tracker a reader of the code does not have.
OUTSIDE_REFERENCE = re.compile(r'\bINTERFACES\.md|(?<!docs/)(?<!")\bRULES\.md|\b[Ii]ssue \d+')


def test_code_cites_nothing_outside_the_repository() -> None:
    offenders = set()
    for path in [*(REPO / "infralint").rglob("*.py"), *(REPO / "tools").rglob("*.py")]:
        relative = path.relative_to(REPO).as_posix()
        if OUTSIDE_REFERENCE.search(path.read_text(encoding="utf-8")):
            offenders.add(relative)
    assert not offenders, sorted(offenders)
    assert OUTSIDE_REFERENCE.search("as INTERFACES.md lists them")
    assert OUTSIDE_REFERENCE.search("(see issue 8)")
    assert not OUTSIDE_REFERENCE.search("docs/RULES.md: every rule, docs/interfaces.md")
