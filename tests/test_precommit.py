"""The published pre-commit hooks (.pre-commit-hooks.yaml).

The offline tests validate the manifest with pre-commit's own loader and check which files its
filters hand to the hook. The end-to-end test runs real `pre-commit try-repo` and needs PyPI (or
the configured package index) to build the hook's virtualenv; CI can reach it.

How try-repo treats uncommitted work: it installs the hook repository at HEAD; when the working
tree differs from HEAD it first clones the repository and commits, on a temporary branch, the
files that are staged plus the modifications of tracked files (`git add -u`). Untracked files are
left out, and a repository without any commit cannot be used at all. So that this test checks the
working tree as it is (whatever the lead has committed), it copies every file git would see
(tracked and untracked, minus .gitignore'd ones) into a fresh repository, commits it there, and
points try-repo at that copy.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.release_versions import is_published_version

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT = shutil.which("pre-commit")
GIT = ["git", "-c", "user.name=infralint tests", "-c", "user.email=tests@invalid"]

BAD_DOCKERFILE = "FROM python\nRUN pip install flask\n"
GOOD_DOCKERFILE = 'FROM nginx:1.27.3\nUSER nginx\nCMD ["nginx", "-g", "daemon off;"]\n'
BAD_COMPOSE = "services:\n  web:\n    image: nginx:1.27.3\n    privileged: true\n"
GOOD_COMPOSE = "services:\n  web:\n    image: nginx:1.27.3\n"
# Files pre-commit hands over that infralint must skip quietly.
UNRELATED = {
    ".github/workflows/ci.yml": "on: push\njobs: {}\n",
    "package.json": '{"name": "web", "version": "1.0.0"}\n',
    "notes.yaml": "- just\n- a list\n",
}


def load_hooks() -> dict[str, dict[str, Any]]:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    hooks = clientlib.load_manifest(str(MANIFEST))  # validates against pre-commit's schema
    return {hook["id"]: hook for hook in hooks}


def test_manifest_declares_the_hooks() -> None:
    hooks = load_hooks()
    assert set(hooks) == {"infralint", "infralint-fix", "infralint-docker"}
    for hook in hooks.values():
        assert hook["require_serial"] is True
        assert {"dockerfile", "yaml", "ruby", "json", "python"} <= set(hook["types_or"])
        assert hook["files"] == hooks["infralint"]["files"]
    assert hooks["infralint"]["language"] == hooks["infralint-fix"]["language"] == "python"
    # --force-exclude: the config's exclude applies to the files pre-commit names, as in a walk.
    assert hooks["infralint"]["entry"] == "infralint check --force-exclude"
    assert hooks["infralint-fix"]["entry"] == "infralint check --force-exclude --fix"


def test_docker_hook_runs_the_image_of_this_release() -> None:
    hook = load_hooks()["infralint-docker"]
    assert hook["language"] == "docker_image"
    image, *arguments = hook["entry"].split()
    repository, _, tag = image.partition(":")
    assert repository == "ghcr.io/infralint/infralint"
    assert is_published_version(tag), tag
    assert arguments == ["check", "--force-exclude"]


SELECTED = [
    "Dockerfile",
    "svc/Dockerfile.prod",
    "svc/Dockerfile-dev",
    "api.dockerfile",
    "Containerfile",
    "build/app.Containerfile",
    "compose.yaml",
    "deploy/docker-compose.prod.yml",
    "cookbooks/app/recipes/default.rb",
    "cookbooks/app/metadata.json",
    "Berksfile",
    "Berksfile.lock",
    "Policyfile.rb",
    "app.py",
    "deploy/tasks.py",
]
NOT_SELECTED = ["README.md", "logo.png", "requirements.txt", "Makefile", "Dockerfiles.md"]


def test_hook_filters_select_infrastructure_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = load_hooks()
    run_module = pytest.importorskip("pre_commit.commands.run")
    classifier_cls = getattr(run_module, "Classifier", None)
    if classifier_cls is None:  # an internal class; newer pre-commit may move it
        pytest.skip("pre_commit.commands.run.Classifier is not available")
    monkeypatch.chdir(tmp_path)
    for name in [*SELECTED, *NOT_SELECTED]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" if name.endswith(".png") else b"x\n")
    classifier = classifier_cls([*SELECTED, *NOT_SELECTED])
    hook = hooks["infralint"]
    selected = set(
        classifier.by_types(
            run_module.filter_by_include_exclude(
                classifier.filenames, hook["files"], hook["exclude"]
            ),
            hook["types"],
            hook["types_or"],
            hook["exclude_types"],
        )
    )
    assert selected == set(SELECTED)


def hook_selects(paths: list[str], root: Path) -> set[str]:
    """The paths (relative to `root`) that pre-commit would hand to the infralint hook."""
    hook = load_hooks()["infralint"]
    run_module = pytest.importorskip("pre_commit.commands.run")
    classifier_cls = getattr(run_module, "Classifier", None)
    if classifier_cls is None:
        pytest.skip("pre_commit.commands.run.Classifier is not available")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        classifier = classifier_cls(paths)
        return set(
            classifier.by_types(
                run_module.filter_by_include_exclude(
                    classifier.filenames, hook["files"], hook["exclude"]
                ),
                hook["types"],
                hook["types_or"],
                hook["exclude_types"],
            )
        )
    finally:
        os.chdir(cwd)


def judged_by_check(root: Path, directory: str) -> set[str]:
    """The files `infralint files DIR` says `infralint check DIR` lints."""
    done = subprocess.run(
        [sys.executable, "-m", "infralint", "files", "--no-config", directory],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    languages = {"dockerfile", "compose", "chef", "python"}
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    return {row[0] for row in rows if len(row) > 1 and row[1] in languages}


@pytest.mark.parametrize("directory", ["fixtures", "."])
def test_hook_hands_over_every_file_check_judges(directory: str) -> None:
    judged = judged_by_check(REPO, directory)
    assert any(path.endswith(".py") for path in judged)
    assert len(judged) > 5
    missed = judged - hook_selects(sorted(judged), REPO)
    assert not missed, f"pre-commit would never show infralint these: {sorted(missed)}"


# --------------------------------------------------------------------------- end to end


def pypi_reachable() -> bool:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=5):
            return True
    except OSError:
        return False


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def snapshot_repository(destination: Path) -> Path:
    """Commit the working tree as git sees it (tracked + untracked, not ignored) in a new repo."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    destination.mkdir()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("init", "-q", cwd=destination)
    git("add", "-A", cwd=destination)
    git("commit", "-q", "-m", "snapshot", cwd=destination)
    return destination


def write_project(project: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git("add", "-A", cwd=project)


def try_repo(hook_repo: Path, project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(project.parent / "pre-commit-home")}
    env.pop("GITHUB_ACTIONS", None)  # keep the text format in the hook output
    assert PRE_COMMIT is not None
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(hook_repo), "infralint", "--all-files", "--color=never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


FINDING = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):\d+: (?P<code>[A-Z]{2}\d{3}) ", re.M)
LOGS_TO_FILE = 'import logging\nlogging.basicConfig(filename="/var/log/app.log")\n'
LOGS_TO_STDERR = "import logging\nlogging.basicConfig()\n"
# svc/app.py is in svc/Dockerfile's build context and scripts/tool.py in none, so `infralint
# check .` judges only the first; legacy/ is excluded by the config.
PROJECT = {
    "svc/Dockerfile": BAD_DOCKERFILE + "COPY . /app\n",
    "svc/app.py": LOGS_TO_FILE,
    "scripts/tool.py": LOGS_TO_FILE,
    "legacy/Dockerfile": BAD_DOCKERFILE,
    ".infralint.toml": 'exclude = ["legacy/"]\n',
    "compose.yaml": BAD_COMPOSE,
    **UNRELATED,
}
FIXED = {
    "svc/Dockerfile": GOOD_DOCKERFILE,
    "svc/app.py": LOGS_TO_STDERR,
    "compose.yaml": GOOD_COMPOSE,
}


def findings(output: str) -> set[tuple[str, str, str]]:
    return {(m["path"], m["line"], m["code"]) for m in FINDING.finditer(output)}


@pytest.mark.slow
@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")
@pytest.mark.skipif(
    importlib.util.find_spec("infralint.cli") is None, reason="the CLI does not exist yet"
)
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout")
def test_pre_commit_try_repo_judges_what_check_judges(tmp_path: Path) -> None:
    if not pypi_reachable():
        pytest.skip("no network: the hook's virtualenv needs PyPI")
    hook_repo = snapshot_repository(tmp_path / "infralint")
    project = tmp_path / "project"
    project.mkdir()
    git("init", "-q", cwd=project)
    write_project(project, PROJECT)

    flagged = try_repo(hook_repo, project)
    output = flagged.stdout + flagged.stderr
    assert flagged.returncode == 1, output
    assert "Traceback" not in output, output
    hook_findings = findings(output)
    codes = {(path, code) for path, _, code in hook_findings}
    assert {
        ("svc/Dockerfile", "DF101"),
        ("compose.yaml", "DC401"),
        ("svc/app.py", "PY301"),
    } <= codes
    assert not any(path.startswith(("scripts/", "legacy/")) for path, _ in codes), output
    check = subprocess.run(
        [sys.executable, "-m", "infralint", "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 1, check.stdout + check.stderr
    assert hook_findings == findings(check.stdout), output + "\n---\n" + check.stdout

    write_project(project, FIXED)
    passed = try_repo(hook_repo, project)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "Passed" in output, output
