"""Build the docs site: generate its sources, then run MkDocs in strict mode.

    python tools/build_site.py                  # site/ (what the nox `docs` session runs)
    python tools/build_site.py --publish dev    # and commit it to gh-pages as docs/dev
    python tools/build_site.py --publish release  # as docs/<version>, alias latest

Why MkDocs with the Material theme: `mkdocs build --strict` turns every broken link and anchor
into an error, Material brings client-side search, code highlighting and admonitions (the
flagged/accepted example boxes) with no extra service, and mike publishes one folder per release
so that a SARIF helpUri of version X keeps pointing at the rules of version X.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from infralint import __version__  # noqa: E402
from infralint.catalog import parse_catalog  # noqa: E402
from infralint.links import DEVELOPMENT_DOCS, docs_version  # noqa: E402
from infralint.site import write_sources  # noqa: E402

SOURCES = REPO / "build" / "site-src"


def generate() -> None:
    shutil.rmtree(SOURCES, ignore_errors=True)
    write_sources(REPO, parse_catalog(REPO / "rules"), SOURCES)


def build(site_dir: Path) -> int:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["--config-file", str(REPO / "mkdocs.yml"), "--site-dir", str(site_dir)]
    return subprocess.run(command, cwd=REPO, check=False).returncode


def publish(kind: str) -> int:
    folder = docs_version()
    if kind == "release" and folder == DEVELOPMENT_DOCS:
        print(f"{__version__} is not a release version", file=sys.stderr)
        return 2
    command = [sys.executable, "-m", "mike", "deploy", "--push", "--config-file", "mkdocs.yml"]
    if kind == "release":
        command += ["--update-aliases", folder, "latest"]
    else:
        command += [DEVELOPMENT_DOCS]
    return subprocess.run(command, cwd=REPO, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, default=REPO / "site")
    parser.add_argument("--publish", choices=["dev", "release"])
    arguments = parser.parse_args()
    generate()
    status = build(arguments.site_dir)
    if status == 0 and arguments.publish:
        status = publish(arguments.publish)
    return status


if __name__ == "__main__":
    sys.exit(main())
