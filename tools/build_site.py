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
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from infralint import __version__  # noqa: E402
from infralint.catalog import parse_catalog  # noqa: E402
from infralint.expect_markers import has_expect_marker  # noqa: E402
from infralint.links import DEVELOPMENT_DOCS, docs_version, rule_page  # noqa: E402
from infralint.site import write_sources  # noqa: E402

SOURCES = REPO / "build" / "site-src"


def generate() -> None:
    shutil.rmtree(SOURCES, ignore_errors=True)
    write_sources(REPO, parse_catalog(REPO / "rules"), SOURCES)


def build(site_dir: Path) -> int:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["--config-file", str(REPO / "mkdocs.yml"), "--site-dir", str(site_dir)]
    return subprocess.run(command, cwd=REPO, check=False).returncode


def publish(kind: str, push: bool = True) -> int:
    folder = docs_version()
    if kind == "release" and folder == DEVELOPMENT_DOCS:
        print(f"{__version__} is not a release version", file=sys.stderr)
        return 2
    mike = Path(sys.executable).with_name("mike")  # mike has no `python -m mike`
    command = [str(mike), "deploy", *(["--push"] if push else []), "--config-file", "mkdocs.yml"]
    if kind == "release":
        command += ["--update-aliases", folder, "latest"]
    else:
        command += [DEVELOPMENT_DOCS]
    # mike runs `mkdocs` from PATH: the one installed beside this interpreter.
    path = os.pathsep.join([str(mike.parent), os.environ.get("PATH", "")])
    environment = {**os.environ, "PATH": path, "NO_MKDOCS_2_WARNING": "1"}
    status = subprocess.run(command, cwd=REPO, env=environment, check=False).returncode
    if status == 0 and kind == "release":  # the site's root redirects to the newest release
        default = [str(mike), "set-default", *(["--push"] if push else []), "latest"]
        status = subprocess.run(default, cwd=REPO, env=environment, check=False).returncode
    return status


def verify(site_dir: Path) -> list[str]:
    """What users would miss: a rule page that links point at, or markers left in a page."""
    catalog = parse_catalog(REPO / "rules")
    problems = [
        f"no page {rule_page(rule.code)} for {rule.code}"
        for rule in catalog
        if not (site_dir / rule_page(rule.code) / "index.html").is_file()
    ]
    for page in site_dir.rglob("*.html"):
        if page.parent.name == "contributing":  # the page that teaches rule authors the markers
            continue
        if has_expect_marker(page.read_text(encoding="utf-8")):
            problems.append(f"{page.relative_to(site_dir)} shows a # expect: marker")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, default=REPO / "site")
    parser.add_argument("--publish", choices=["dev", "release"])
    parser.add_argument("--no-push", action="store_true", help="commit to gh-pages, do not push")
    arguments = parser.parse_args()
    generate()
    status = build(arguments.site_dir)
    if status == 0:
        for problem in verify(arguments.site_dir):
            print(f"site: {problem}", file=sys.stderr)
            status = 1
    if status == 0 and arguments.publish:
        status = publish(arguments.publish, push=not arguments.no_push)
    return status


if __name__ == "__main__":
    sys.exit(main())
