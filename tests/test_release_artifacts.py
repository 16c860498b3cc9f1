"""The sdist and the wheel, built as the release workflow builds them, each installed into a fresh
virtualenv and run on the fixtures. The wheel is built from the unpacked sdist, so the sdist must
carry everything the wheel needs (rules/ included). Slow: it runs once in CI."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from infralint import __version__
from tests.conftest import REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("build") is None, reason="needs `build` (dev)"),
]


def build(*args: str, source: Path, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "build", *args, "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (artifact,) = out.iterdir()
    return artifact


def install(artifact: Path, where: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(artifact)],
        check=True,
        capture_output=True,
        timeout=900,
    )  # fmt: skip
    return where / "bin" / "infralint"


def run(infralint: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        [str(infralint), *args], cwd=cwd, env=environment, capture_output=True, text=True
    )


def test_sdist_and_wheel_install_and_run(tmp_path: Path) -> None:
    source = tmp_path / "source"
    skipped = shutil.ignore_patterns(".git", ".nox", ".venv", "build", "site", "dist", "*.pyc")
    shutil.copytree(REPO, source, ignore=skipped)
    sdist = build("--sdist", source=source, out=tmp_path / "sdist")
    assert sdist.name == f"infralint-{__version__}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        archive.extractall(tmp_path / "unpacked", filter="data")
    assert any(name.endswith("/rules/DF104.md") for name in names)
    unpacked = tmp_path / "unpacked" / f"infralint-{__version__}"
    wheel = build("--wheel", source=unpacked, out=tmp_path / "wheel")
    assert wheel.name == f"infralint-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        assert "infralint/rules/DF104.md" in archive.namelist()

    fixtures = tmp_path / "project"
    shutil.copytree(REPO / "fixtures", fixtures)
    expected = subprocess.run(
        [sys.executable, "-m", "infralint", "check", "--no-cache", "."],
        cwd=fixtures,
        capture_output=True,
        text=True,
        check=False,
    )
    assert expected.returncode == 1 and "Found" in expected.stdout
    for name, artifact in (("from-sdist", sdist), ("from-wheel", wheel)):
        infralint = install(artifact, tmp_path / name)
        version = run(infralint, "--version", cwd=tmp_path)
        assert version.stdout == f"infralint {__version__}\n", version.stderr
        checked = run(infralint, "check", "--no-cache", ".", cwd=fixtures)
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert checked.stdout == expected.stdout, name  # the same rules, documents, findings
        rule = run(infralint, "rule", "DF104", cwd=tmp_path)
        assert rule.returncode == 0 and "# expect" not in rule.stdout
