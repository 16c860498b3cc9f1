"""Each file is judged by the closest config above it, whatever the working directory; `extend`
inherits and cannot leave the repository; one glob dialect; `infralint config PATH`."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from infralint.catalog import load_catalog
from infralint.check_command import CheckOptions, UsageError, run_check
from infralint.config import ConfigError
from infralint.config_tree import MAX_EXTEND_DEPTH, ConfigTree
from tests.test_cli import run

CATALOG = load_catalog()
# DF101: FROM without a tag; DF104: an unpinned apt package.
DOCKERFILE = "FROM ubuntu\nRUN apt-get install -y --no-install-recommends curl\n"
COMPOSE = "services:\n  web:\n    image: nginx\n"


def check(
    cwd: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *paths: str,
    **options: object,
) -> set[tuple[str, str]]:
    """(path relative to the repository, code) of every DF101/DF104/DC101 finding."""
    monkeypatch.chdir(cwd)
    defaults: dict[str, object] = {"select": ["DF101,DF104,DC101"], "no_cache": True}
    run_check(
        CheckOptions(paths=list(paths) or None, format=["json"], **{**defaults, **options})  # type: ignore[arg-type]
    )
    findings = json.loads(capsys.readouterr().out)["findings"]
    found = set()
    for finding in findings:
        absolute = Path(os.path.normpath(cwd / finding["path"]))
        found.add((absolute.relative_to(REPO_DIR[0]).as_posix(), finding["code"]))
    return found


REPO_DIR: list[Path] = []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with a root config and a nested one that extends it."""
    root = tmp_path / "repo"
    for directory in ("", "svc", "svc/deep", "other", "vendor"):
        (root / directory).mkdir(parents=True, exist_ok=True)
        (root / directory / "Dockerfile").write_text(DOCKERFILE)
    (root / ".git").mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.infralint]\nignore = ["DF101"]\nexclude = ["vendor/"]\n'
    )
    (root / "svc" / ".infralint.toml").write_text(
        'extend = "../pyproject.toml"\n[per-file-ignores]\n"deep/*" = ["DF104"]\n'
    )
    REPO_DIR[:] = [root]
    return root


EXPECTED = {
    ("Dockerfile", "DF104"),
    ("other/Dockerfile", "DF104"),
    ("svc/Dockerfile", "DF104"),
    # svc/deep/Dockerfile: DF101 ignored by the root config, DF104 by svc's per-file-ignores.
}


def test_the_same_findings_from_the_root_the_nested_directory_and_outside(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(repo, monkeypatch, capsys) == EXPECTED
    assert check(repo / "svc", monkeypatch, capsys, "..") == EXPECTED
    assert check(repo.parent, monkeypatch, capsys, "repo") == EXPECTED
    assert check(Path("/"), monkeypatch, capsys, str(repo)) == EXPECTED
    nested = {item for item in EXPECTED if item[0].startswith("svc/")}
    assert check(repo / "svc", monkeypatch, capsys) == nested
    assert check(repo.parent, monkeypatch, capsys, "repo/svc") == nested


def test_a_single_file_is_judged_by_its_own_config(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "svc/deep/Dockerfile"
    assert check(repo.parent, monkeypatch, capsys, f"repo/{deep}") == set()
    assert check(repo, monkeypatch, capsys, "Dockerfile", deep) == {("Dockerfile", "DF104")}
    # An excluded directory's file named explicitly is checked, unless --force-exclude.
    vendor = {("vendor/Dockerfile", "DF104")}
    assert check(repo, monkeypatch, capsys, "vendor/Dockerfile") == vendor
    assert check(repo, monkeypatch, capsys, "vendor/Dockerfile", force_exclude=True) == set()


def test_a_nested_config_without_extend_starts_from_the_defaults(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "other" / ".infralint.toml").write_text("fail-on = 'error'\n")
    found = check(repo, monkeypatch, capsys)
    assert ("other/Dockerfile", "DF101") in found
    assert ("Dockerfile", "DF101") not in found


def test_explicit_config_governs_every_file(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.parent / "strict.toml").write_text('ignore = ["DF104"]\n')
    found = check(repo, monkeypatch, capsys, config=repo.parent / "strict.toml")
    assert found == {
        (f"{d}Dockerfile", "DF101") for d in ("", "svc/", "svc/deep/", "other/", "vendor/")
    }
    found = check(repo, monkeypatch, capsys, no_config=True)
    assert len(found) == 10


def test_a_nested_config_change_reaches_the_cache(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(repo, monkeypatch, capsys, no_cache=False) == EXPECTED
    assert check(repo, monkeypatch, capsys, no_cache=False) == EXPECTED  # from the cache
    (repo / "svc" / ".infralint.toml").write_text('extend = "../pyproject.toml"\n')
    assert ("svc/deep/Dockerfile", "DF104") in check(repo, monkeypatch, capsys, no_cache=False)
    (repo / "svc" / ".infralint.toml").write_text("")  # no extend: DF101 comes back
    assert ("svc/Dockerfile", "DF101") in check(repo, monkeypatch, capsys, no_cache=False)


def test_hadolint_config_applies_below_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    REPO_DIR[:] = [tmp_path]
    (tmp_path / ".git").mkdir()
    for directory in ("a", "b"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "a" / ".hadolint.yaml").write_text("ignored: [DL3006, DL3008]\n")
    expected = {("b/Dockerfile", "DF101"), ("b/Dockerfile", "DF104")}
    assert check(tmp_path, monkeypatch, capsys) == expected
    assert check(tmp_path / "b", monkeypatch, capsys, "..") == expected
    assert check(tmp_path / "a", monkeypatch, capsys, "../b") == expected
    # An infralint config above takes over, unless it asks for the hadolint config too.
    (tmp_path / ".infralint.toml").write_text("")
    assert len(check(tmp_path, monkeypatch, capsys)) == 4
    (tmp_path / ".infralint.toml").write_text("hadolint-config = true\n")
    assert check(tmp_path, monkeypatch, capsys) == expected


# --------------------------------------------------------------------------- extend


def _tree(root: Path) -> ConfigTree:
    return ConfigTree(CATALOG, root)


def test_extend_merges_like_ruff(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(
        'ignore = ["DF101"]\nextend-select = ["DF306"]\nexclude = ["gen/"]\n'
        '[rules.DF117]\ntrusted-registries = ["a.io"]\n[severity]\nDF104 = "error"\n'
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / ".infralint.toml").write_text(
        'extend = "../base.toml"\nignore = ["DF104"]\n[severity]\nDF102 = "note"\n'
    )
    config = _tree(tmp_path).for_directory(sub).config
    assert config.ignore == ["DF101", "DF104"]  # added to
    assert config.extend_select == ["DF306"]
    assert config.severity == {"DF104": "error", "DF102": "note"}  # merged per rule
    assert config.rules == {"DF117": {"trusted-registries": ["a.io"]}}
    assert config.exclude == ["gen/"]
    assert config.anchor("exclude") == tmp_path  # relative to the file that set it
    assert config.sources == [sub / ".infralint.toml", tmp_path / "base.toml"]
    (sub / ".infralint.toml").write_text('extend = "../base.toml"\nselect = ["DF1"]\n')
    config = _tree(tmp_path).for_directory(sub).config
    assert config.ignore == []  # `select` starts the selection over
    assert config.extend_select == []


@pytest.mark.parametrize(
    ("extend", "message"),
    [
        ('"../../outside.toml"', "lies outside"),
        ('"/etc/passwd"', "lies outside"),
        ('"link.toml"', "lies outside"),
        ('".infralint.toml"', "comes back to it"),
        ('"missing.toml"', "cannot read"),
        ("3", "expected a path"),
        ('"nopyproject/pyproject.toml"', r"has no \[tool.infralint\] table"),
    ],
)
def test_extend_stays_inside_the_repository(tmp_path: Path, extend: str, message: str) -> None:
    repo = tmp_path / "repo"
    sub = repo / "sub"
    (sub / "nopyproject").mkdir(parents=True)
    (sub / "nopyproject" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "outside.toml").write_text("ignore = ['DF101']\n")
    (sub / "link.toml").symlink_to(tmp_path / "outside.toml")
    (sub / ".infralint.toml").write_text(f"extend = {extend}\n")
    with pytest.raises(ConfigError, match=message):
        _tree(repo).for_directory(sub)


def test_extend_chain_has_a_depth_limit(tmp_path: Path) -> None:
    for index in range(MAX_EXTEND_DEPTH + 1):
        (tmp_path / f"c{index}.toml").write_text(f'extend = "c{index + 1}.toml"\n')
    (tmp_path / f"c{MAX_EXTEND_DEPTH + 1}.toml").write_text("")
    (tmp_path / ".infralint.toml").write_text('extend = "c0.toml"\n')
    with pytest.raises(ConfigError, match="more than 8 files"):
        _tree(tmp_path).for_directory(tmp_path)
    (tmp_path / ".infralint.toml").write_text(f'extend = "c{MAX_EXTEND_DEPTH - 5}.toml"\n')
    assert len(_tree(tmp_path).for_directory(tmp_path).config.sources) == MAX_EXTEND_DEPTH


def test_a_config_above_the_repository_may_extend_only_below_its_own_directory(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "home" / "repo"
    repo.mkdir(parents=True)
    (tmp_path / "home" / "team").mkdir()
    (tmp_path / "home" / "team" / "base.toml").write_text("ignore = ['DF101']\n")
    (tmp_path / "secret.toml").write_text("ignore = ['DF101']\n")
    (tmp_path / "home" / ".infralint.toml").write_text('extend = "team/base.toml"\n')
    assert _tree(repo).for_directory(repo).config.ignore == ["DF101"]
    (tmp_path / "home" / ".infralint.toml").write_text('extend = "../secret.toml"\n')
    with pytest.raises(ConfigError, match="lies outside"):
        _tree(repo).for_directory(repo)


def test_a_config_linked_out_of_the_repository_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "elsewhere.toml").write_text("ignore = ['DF101']\n")
    (repo / ".infralint.toml").symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(ConfigError, match="outside the scanned tree"):
        _tree(repo).for_directory(repo)


def test_a_broken_nested_config_is_a_usage_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "other" / ".infralint.toml").write_text("selekt = []\n")
    with pytest.raises(UsageError, match=r"other/\.infralint\.toml: unknown key 'selekt'"):
        check(repo, monkeypatch, capsys)


def test_a_foreign_pyproject_is_no_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.infralint\nbroken")  # not TOML at all
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("[tool.black]\nline-length = 1\n")
    resolved = _tree(tmp_path).for_directory(tmp_path / "sub")
    assert resolved.config.path is None or not resolved.config.path.is_relative_to(tmp_path)


# --------------------------------------------------------------------------- one glob dialect


@pytest.mark.parametrize(
    ("pattern", "matched"),
    [
        ("**/docker-compose*.yml", {"docker-compose.yml", "a/docker-compose.prod.yml"}),
        ("*/Dockerfile", {"a/Dockerfile"}),  # one directory deep, as git reads it
        ("Dockerfile", {"Dockerfile", "a/Dockerfile", "a/b/Dockerfile"}),
        ("/Dockerfile", {"Dockerfile"}),
        ("a/", {"a/Dockerfile", "a/b/Dockerfile", "a/docker-compose.prod.yml"}),
        ("a/**/Dockerfile", {"a/Dockerfile", "a/b/Dockerfile"}),
        ("!a/**", {"Dockerfile", "docker-compose.yml"}),
    ],
)
def test_per_file_ignores_use_gitignore_patterns(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pattern: str,
    matched: set[str],
) -> None:
    REPO_DIR[:] = [tmp_path]
    (tmp_path / "a" / "b").mkdir(parents=True)
    files = {
        "Dockerfile": DOCKERFILE,
        "a/Dockerfile": DOCKERFILE,
        "a/b/Dockerfile": DOCKERFILE,
        "docker-compose.yml": COMPOSE,
        "a/docker-compose.prod.yml": COMPOSE,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / ".infralint.toml").write_text(
        f'[per-file-ignores]\n{json.dumps(pattern)} = ["DF101", "DF104", "DC101"]\n'
    )
    flagged = {path for path, _code in check(tmp_path, monkeypatch, capsys)}
    assert flagged == set(files) - matched


def test_nested_patterns_are_relative_to_their_config(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "svc" / ".infralint.toml").write_text(
        'extend = "../pyproject.toml"\nexclude = ["/deep"]\n[files]\ncompose = ["/stack.yml"]\n'
    )
    (repo / "svc" / "stack.yml").write_text(COMPOSE)
    (repo / "stack.yml").write_text(COMPOSE)  # the root config has no such `files` glob
    found = check(repo, monkeypatch, capsys)
    assert ("svc/stack.yml", "DC101") in found
    assert not any(path.startswith(("svc/deep/", "stack.yml")) for path, _ in found)
    # svc's exclude replaced the inherited one in svc/ only: the root still excludes vendor/.
    assert ("vendor/Dockerfile", "DF104") not in found
    assert ("svc/Dockerfile", "DF104") in found


# --------------------------------------------------------------------------- the commands


def test_config_path_shows_the_settings_of_that_file_and_round_trips(repo: Path) -> None:
    (repo / "svc" / ".infralint.toml").write_text(
        'extend = "../pyproject.toml"\n[per-file-ignores]\n"result/tests/**" = ["DF104"]\n'
        '"weird \\"key\\"" = ["DF101"]\n[rules.DF117]\ntrusted-registries = ["a.io"]\n'
    )
    result = run(["config", "repo/svc/deep/Dockerfile"], repo.parent)
    assert result.returncode == 0, result.stderr
    assert f"# config file: {repo / 'svc' / '.infralint.toml'}" in result.stdout
    assert f"# extend: {repo / 'pyproject.toml'}" in result.stdout
    data = tomllib.loads(result.stdout)["tool"]["infralint"]
    assert data["per-file-ignores"] == {"result/tests/**": ["DF104"], 'weird "key"': ["DF101"]}
    assert data["ignore"] == ["DF101"]
    # Accepted as a config, to the same effect.
    copy = repo.parent / "copy"
    copy.mkdir()
    (copy / "pyproject.toml").write_text(result.stdout)
    shown = ConfigTree(CATALOG, copy).for_directory(copy).config
    original = ConfigTree(CATALOG, repo).for_directory(repo / "svc" / "deep").config
    assert shown.to_dict() == original.to_dict()
    again = run(["config", "."], copy)
    assert tomllib.loads(again.stdout)["tool"]["infralint"] == data
    root = run(["config"], repo)
    assert "# config file: " + str(repo / "pyproject.toml") in root.stdout


def test_files_lists_skipped_directories_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / ".infralint.toml").write_text('exclude = ["vendor/"]\n')
    for directory in ("build", "vendor", "app"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "Dockerfile").write_text(DOCKERFILE)
    lines = set(run(["files"], tmp_path).stdout.splitlines())
    assert "app/Dockerfile\tdockerfile\tDockerfile name" in lines
    assert "build\tskipped\tdirectory skipped: ignored by .gitignore" in lines
    assert "vendor\tskipped\tdirectory skipped: the config's exclude" in lines


def test_an_empty_run_says_so(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("nothing here\n")
    result = run(["check", "--no-cache", "."], tmp_path)
    assert result.returncode == 0
    assert "No infrastructure files found under ." in result.stderr
    (tmp_path / "Dockerfile").write_text("FROM ubuntu:24.04\n")
    assert "No infrastructure files" not in run(["check", "--no-cache", "."], tmp_path).stderr


@pytest.mark.parametrize("allowed", [True, False])
def test_inline_suppressions_can_be_switched_off(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    allowed: bool,
) -> None:
    REPO_DIR[:] = [tmp_path]
    (tmp_path / ".infralint.toml").write_text(f"inline-suppressions = {str(allowed).lower()}\n")
    (tmp_path / "Dockerfile").write_text(
        "# infralint: ignore DF101 -- pinned in CI\nFROM ubuntu\n"
        "# hadolint ignore=DL3008\nRUN apt-get install -y --no-install-recommends curl\n"
    )
    monkeypatch.chdir(tmp_path)
    options = CheckOptions(format=["json"], select=["DF101,DF104,IL002,IL003"], no_cache=True)
    run_check(options)
    found = [(f["code"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    if allowed:
        assert found == []
    else:  # each comment is an IL003, and the findings it meant to hide are reported
        assert sorted(found) == [("DF101", 2), ("DF104", 4), ("IL003", 1), ("IL003", 3)]


def test_standard_input_is_judged_by_the_config_of_its_name(repo: Path) -> None:
    def codes(name: str) -> list[str]:
        args = ["check", "--no-cache", "-f", "json", "--select", "DF101,DF104", "-"]
        result = run([*args, "--stdin-filename", name], repo, stdin=DOCKERFILE)
        return [finding["code"] for finding in json.loads(result.stdout)["findings"]]

    assert codes("Dockerfile") == ["DF104"]
    assert codes("svc/deep/Dockerfile") == []
    assert codes("elsewhere/Dockerfile") == ["DF104"]  # no such directory: the root's config


def test_a_hadolint_config_linked_out_of_the_repository_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "elsewhere.yaml").write_text("ignored: [DL3006]\n")
    (repo / ".hadolint.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(ConfigError, match="outside the scanned tree"):
        _tree(repo).for_directory(repo)


def test_an_explicit_pyproject_without_the_table_means_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / ".infralint.toml").write_text("ignore = ['DF101']\n")
    explicit = ConfigTree(CATALOG, tmp_path, explicit=tmp_path / "pyproject.toml")
    assert explicit.for_directory(tmp_path).config.ignore == []
    (tmp_path / "pyproject.toml").write_text("[tool]\ninfralint = 3\n")
    with pytest.raises(ConfigError, match="infralint: expected a table, got 3"):
        ConfigTree(CATALOG, tmp_path, explicit=tmp_path / "pyproject.toml").for_directory(tmp_path)


def test_verbose_names_every_configuration_in_use(repo: Path) -> None:
    (repo / "other" / ".hadolint.yaml").write_text("ignored: [DL3008]\n")
    (repo / "other" / ".infralint.toml").write_text("hadolint-config = true\n")
    stderr = run(["check", "--no-cache", "-q", "-v", "."], repo).stderr
    used = {line for line in stderr.splitlines() if "configuration in use" in line}
    prefix = "infralint: configuration in use: "
    assert used == {
        f"{prefix}{repo / 'pyproject.toml'}",
        f"{prefix}{repo / 'svc' / '.infralint.toml'} extending {repo / 'pyproject.toml'}",
        f"{prefix}{repo / 'other' / '.infralint.toml'} with {repo / 'other' / '.hadolint.yaml'}",
    }


def test_a_shared_config_from_outside_is_relative_to_the_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = repo.parent / "org" / "infralint.toml"
    shared.parent.mkdir()
    shared.write_text(
        'ignore = ["DF101"]\nexclude = ["/other"]\n[per-file-ignores]\n"svc/**" = ["DF104"]\n'
    )
    expected = {("Dockerfile", "DF104"), ("vendor/Dockerfile", "DF104")}
    assert check(repo, monkeypatch, capsys, config=shared) == expected
    assert check(repo / "svc", monkeypatch, capsys, "..", config=shared) == expected


def test_fifos_never_hang_discovery_or_extend(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    os.mkfifo(sub / ".infralint.toml")  # not a regular file: not a config
    os.mkfifo(sub / "pyproject.toml")
    (tmp_path / ".infralint.toml").write_text("fail-on = 'error'\n")
    assert _tree(tmp_path).for_directory(sub).config.path == tmp_path / ".infralint.toml"
    os.mkfifo(tmp_path / "base.toml")
    (tmp_path / ".infralint.toml").write_text('extend = "base.toml"\n')
    with pytest.raises(ConfigError, match="not a regular file"):
        _tree(tmp_path).for_directory(sub)
