"""Where infralint's documentation lives: every user-facing link is built here, from the version.

The docs site is published per release (`<site>/<version>/`, see RELEASING.md), so a SARIF log or
an editor diagnostic made by 0.3.0 links the pages of 0.3.0 even after later releases change a
rule; builds that are not a release (`0.4.0.dev1`, a local `+g1234` build) link the `dev` site
published from the default branch.
"""

from __future__ import annotations

import re

from infralint import __version__

REPOSITORY_URL = "https://github.com/infralint/infralint"
DOCS_SITE_URL = "https://infralint.github.io/infralint"
DEVELOPMENT_DOCS = "dev"
SHELLCHECK_WIKI_URL = "https://www.shellcheck.net/wiki"
_RELEASE = re.compile(r"\d+(\.\d+)*")


def docs_version(version: str = __version__) -> str:
    """The site folder that documents `version`: the version itself, or `dev`."""
    return version if _RELEASE.fullmatch(version) else DEVELOPMENT_DOCS


def docs_url(page: str = "", version: str = __version__) -> str:
    """The URL of a docs-site page (`page` is relative to the site root, e.g. `rules/DF104/`)."""
    return f"{DOCS_SITE_URL}/{docs_version(version)}/{page.lstrip('/')}"


def rule_page(code: str) -> str:
    """The site-relative page of a rule (the docs site builder writes it there)."""
    return f"rules/{code}/"


def rule_url(code: str, version: str = __version__) -> str:
    """The documentation URL of a rule: SARIF helpUri, LSP codeDescription.href. ShellCheck's
    codes link ShellCheck's own wiki page."""
    if code.startswith("SC"):
        return f"{SHELLCHECK_WIKI_URL}/{code}"
    return docs_url(rule_page(code), version)
