"""Discovery: names, .gitignore (nested, negations), hidden directories, excludes, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infralint.discovery import classify_content, classify_name, discover, dockerfile_name


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile",
        "dockerfile",
        "Containerfile",
        "Dockerfile.prod",
        "Dockerfile-alpine",
        "Dockerfile_dev",
        "api.Dockerfile",
        "api.dockerfile",
        "x.Containerfile",
        "DOCKERFILE",
    ],
)
def test_dockerfile_names(name: str) -> None:
    assert dockerfile_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile.j2",
        "Dockerfile.tmpl",
        "Dockerfile.template",
        "Dockerfile.md",
        "dockerfile.py",
        "Dockerfiles",
        "notes.txt",
        "Dockerfile.dockerignore",
    ],
)
def test_not_dockerfile_names(name: str) -> None:
    assert not dockerfile_name(name)


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("docker-compose.yml", "compose"),
        ("docker-compose.prod.yaml", "compose"),
        ("compose.yaml", "compose"),
        ("compose-dev.yml", "compose"),
        ("composer.yaml", None),
        ("values.yaml", None),
    ],
)
def test_compose_names(name: str, language: str | None) -> None:
    assert classify_name(Path(name), {})[0] == language


def test_configured_globs() -> None:
    assert classify_name(Path("stack.yml"), {"compose": ["stack*.yml"]})[0] == "compose"


def test_chef_files_need_a_cookbook(tmp_path: Path) -> None:
    cookbook = tmp_path / "cb"
    (cookbook / "recipes").mkdir(parents=True)
    (cookbook / "libraries").mkdir()
    (cookbook / "metadata.rb").write_text("name 'cb'\n")
    (cookbook / "recipes" / "default.rb").write_text("package 'x'\n")
    (cookbook / "libraries" / "helper.rb").write_text("module X; end\n")
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "stray.rb").write_text("puts 1\n")
    assert classify_name(cookbook / "recipes" / "default.rb", {})[0] == "chef"
    assert classify_name(cookbook / "libraries" / "helper.rb", {}) == (
        "chef",
        "Chef libraries/ of cookbook cb (plain Ruby)",
    )
    assert classify_name(tmp_path / "recipes" / "stray.rb", {})[0] is None
    assert classify_name(cookbook / "metadata.rb", {})[0] == "chef"


def test_content_classification() -> None:
    assert classify_content("# syntax=docker/dockerfile:1\nFROM alpine\n")[0] == "dockerfile"
    assert classify_content("services:\n  web:\n    image: x\n")[0] == "compose"
    assert classify_content("replicas: 3\n")[0] is None


def _languages(tmp_path: Path, exclude: list[str] | None = None) -> dict[str, str | None]:
    candidates, missing = discover([str(tmp_path)], exclude or [], tmp_path, {}, git_root=tmp_path)
    assert not missing
    return {c.path.relative_to(tmp_path).as_posix(): c.language for c in candidates}


def test_gitignore_nested_with_negation(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\nDockerfile.*\n")
    for sub in ("build", "svc", "svc/deep", ".devcontainer", "node_modules/x", ".git/x"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        (tmp_path / sub / "Dockerfile").write_text("FROM a\n")
    (tmp_path / "svc" / ".gitignore").write_text("!Dockerfile.keep\ndeep/\n")
    (tmp_path / "svc" / "Dockerfile.keep").write_text("FROM a\n")
    (tmp_path / "Dockerfile.gone").write_text("FROM a\n")
    found = _languages(tmp_path)
    assert found.get("svc/Dockerfile") == "dockerfile"
    assert found.get(".devcontainer/Dockerfile") == "dockerfile"
    assert found.get("svc/Dockerfile.keep") == "dockerfile"
    assert found.get("Dockerfile.gone") is None
    assert "build/Dockerfile" not in found
    assert "svc/deep/Dockerfile" not in found
    assert "node_modules/x/Dockerfile" not in found
    assert ".git/x/Dockerfile" not in found


def test_config_exclude(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "Dockerfile").write_text("FROM a\n")
    (tmp_path / "Dockerfile").write_text("FROM a\n")
    found = _languages(tmp_path, ["legacy/"])
    assert found == {"Dockerfile": "dockerfile", "legacy": None}  # the directory, not entered


def test_force_exclude_applies_to_explicit_files(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM a\n")
    path = str(tmp_path / "Dockerfile")
    plain, _ = discover([path], ["Dockerfile"], tmp_path, {})
    forced, _ = discover([path], ["Dockerfile"], tmp_path, {}, force_exclude=True)
    assert plain[0].language == "dockerfile"
    assert forced[0].language is None


def test_symlink_loop_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    os.symlink(tmp_path / "nowhere", tmp_path / "Dockerfile")
    (tmp_path / "a" / "Dockerfile").write_text("FROM a\n")
    candidates, missing = discover([str(tmp_path), str(tmp_path / "missing")], [], tmp_path, {})
    assert missing == [str(tmp_path / "missing")]
    languages = {c.path.relative_to(tmp_path).as_posix(): c.language for c in candidates}
    assert languages["a/Dockerfile"] == "dockerfile"
    assert languages["Dockerfile"] is None


def test_relative_paths_inside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.bak/\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text("FROM a\n")
    monkeypatch.chdir(tmp_path)
    candidates, missing = discover(["svc"], [], tmp_path, {}, git_root=tmp_path)
    assert not missing
    assert [(c.path.name, c.language) for c in candidates] == [("Dockerfile", "dockerfile")]


def test_configured_globs_apply_to_walked_files(tmp_path: Path) -> None:
    (tmp_path / "stack.yml").write_text("services: {}\n")
    candidates, _ = discover([str(tmp_path)], [], tmp_path, {"compose": ["stack*.yml"]})
    assert [(c.path.name, c.language) for c in candidates] == [("stack.yml", "compose")]


# --------------------------------------------------------------------------- gitignore matcher

GITIGNORE_PATTERNS = [
    "*.log",
    "build/",
    "/dist",
    "!keep.log",
    "a/**/b",
    "**/x*y*z",
    "a/**/b/**/c*d/**/e",
    "*a*a*ab",
    "src/*/gen?.py",
    "[ab]*c*d",
    "\\*lit*x",
    "docs/**",
    "!",  # not a pattern git can read: skipped, as git does
]
GITIGNORE_PATHS = [
    "app.log",
    "deep/dir/keep.log",
    "build/x",
    "src/build",
    "dist/a",
    "x/dist",
    "a/b",
    "a/q/r/b",
    "ab",
    "q/xAyBz",
    "xyz/w",
    "a/1/b/2/cXd/3/e",
    "a/b/cd/e",
    "a/b/c/d/e",
    "aaab",
    "zaXaYab",
    "aab/c",
    "src/m/gen1.py",
    "src/m/n/gen1.py",
    "bxcxd",
    "*litx",
    "alitx",
    "docs/a/b",
    "docs",
]


def test_gitignore_matcher_agrees_with_pathspec() -> None:
    """The linear rewrite of pathspec's regexes matches exactly the paths pathspec matches."""
    import pathspec

    from infralint.gitignore import gitignore_pathspec, gitignore_spec

    readable = GITIGNORE_PATTERNS[:-1]
    spec, linear = pathspec.GitIgnoreSpec.from_lines(readable), gitignore_spec(GITIGNORE_PATTERNS)
    basic = pathspec.PathSpec.from_lines("gitignore", readable)
    linear_basic = gitignore_pathspec(GITIGNORE_PATTERNS)
    for path in GITIGNORE_PATHS:
        assert linear.match_file(path) == spec.match_file(path), path
        assert linear_basic.match_file(path) == basic.match_file(path), path
    assert any(spec.match_file(path) for path in GITIGNORE_PATHS)
    assert not all(spec.match_file(path) for path in GITIGNORE_PATHS)


def test_linear_regex_commits_every_wildcard_but_the_last() -> None:
    from infralint.gitignore import linear_regex

    assert (
        linear_regex("^(?:.+/)?[^/]*a[^/]*ab(?:(?P<ps_d>/)|$)")
        == "^(?:.+/)?(?>[^/]*?a)[^/]*ab(?:(?P<ps_d>/)|$)"
    )
    assert linear_regex("^a(?:/.+)?/b(?:/.+)?/c$") == "^a(?>(?:/.+?)??/b(?=/))(?:/.+)?/c$"
    assert linear_regex("^a[bc]d$") == "^a(?!/)[bc]d$"  # a bracket never matches `/`
    assert linear_regex("^a(?:x|y)$") == "^a(?:x|y)$"  # a shape it does not know: unchanged
