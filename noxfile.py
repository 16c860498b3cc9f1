"""Test and lint sessions: `nox` runs lint and the docs site once, and the tests on every supported
Python found.

Interpreters missing on a machine are skipped, not failed. pyenv installs are put on PATH so that
`python3.12` finds the real interpreter rather than a pyenv shim that refuses to run.
"""

from __future__ import annotations

import glob
import os

import nox

PYTHONS = ["3.11", "3.12", "3.13", "3.14"]
# The ruff that lints infralint, here and in .pre-commit-config.yaml (tests/test_tooling.py
# keeps the two equal): two versions disagree on what is an error.
RUFF_VERSION = "0.17.6"

nox.options.sessions = ["lint", "docs", "tests"]
nox.options.error_on_missing_interpreters = False
nox.options.default_venv_backend = "venv"

_pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
for _bin in sorted(glob.glob(os.path.join(_pyenv, "versions", "3.*", "bin")), reverse=True):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")


@nox.session(python=PYTHONS[0])
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict on the package."""
    session.install("-e", ".[dev]", f"ruff=={RUFF_VERSION}")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "--strict", "infralint")


@nox.session(python=PYTHONS[0])
def docs(session: nox.Session) -> None:
    """The docs site, built in strict mode: a broken link or anchor fails (site/)."""
    session.install("-e", ".[docs]", f"ruff=={RUFF_VERSION}")
    session.run("python", "tools/build_site.py", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite (pytest's exit 5, "no tests collected", fails the session).

    The minutes-long pre-commit run needs only one interpreter: the oldest one found. The
    `shellcheck` extra brings the binary the ShellCheck tests run (without it they skip)."""
    session.install("-e", ".[dev,shellcheck]", f"ruff=={RUFF_VERSION}")
    args = list(session.posargs)
    if not args and session.python != _oldest_available():
        args = ["-m", "not slow"]
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto", *args)


def _oldest_available() -> str:
    import shutil

    return next((v for v in PYTHONS if shutil.which(f"python{v}")), PYTHONS[0])
