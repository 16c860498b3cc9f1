"""Golden files for the reporters, and the sample run they render.

Regenerate every golden file with one flag:

    python -m pytest tests/test_reporters_sarif.py tests/test_reporters_ci.py --update-goldens

(or INFRALINT_UPDATE_GOLDENS=1). tests/conftest.py registers the option.

The sample report uses a small rule catalogue of its own (tests/golden/rules) so the goldens do
not change whenever someone rewords a real rule document.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infralint.catalog import Catalog, load_catalog
from infralint.model import Finding, Notification, Severity, Span
from infralint.reporters import Report

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_FLAG = "--update-goldens"

PROJECT_ROOT = Path("/srv/repo")
CWD = PROJECT_ROOT / "services"  # display paths are relative to this, URIs to the root

SOURCES = {
    "api/Dockerfile": ('FROM python\nARG AWS_SECRET_ACCESS_KEY=abc\nRUN echo "100%, done: ok"\n'),
    "compose.yaml": (
        "services:\n"
        "  web:\n"
        "    image: nginx:1.27\n"
        "    privileged: true\n"
        "  debug:\n"
        "    image: busybox:1.36\n"
        "    # infralint: ignore[DC401] debugging container, never deployed\n"
        "    privileged: true\n"
    ),
    "cookbooks/app/recipes/default.rb": "package 'nginx' do\n  action :upgrade\nend\n",
    "broken/Dockerfile": "FROM alpine:3.20\nRUN <<EOF\necho never closed\n",
    "web/Dockerfile": "FROM nginx:1.27\n",
}


def updating(config: pytest.Config) -> bool:
    return bool(config.getoption(UPDATE_FLAG, default=False)) or bool(
        os.environ.get("INFRALINT_UPDATE_GOLDENS")
    )


def assert_golden(config: pytest.Config, name: str, actual: str) -> None:
    path = GOLDEN_DIR / name
    if updating(config):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing: run pytest {UPDATE_FLAG}"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (pytest {UPDATE_FLAG})"


def golden_catalog() -> Catalog:
    return load_catalog(GOLDEN_DIR / "rules")


def source_lines(path: str) -> list[str]:
    return SOURCES[path].splitlines(keepends=True)


def sample_report(**overrides: object) -> Report:
    catalog = golden_catalog()
    findings = [
        Finding(
            "DF101",
            "base-image-untagged",
            Severity.WARNING,
            "base image 'python' has neither tag nor digest",
            "api/Dockerfile",
            Span(1, 6, 1, 12),
            "df101-aaaa",
        ),
        Finding(
            "DF404",
            "secret-in-image",
            Severity.ERROR,
            "ARG 'AWS_SECRET_ACCESS_KEY' holds a secret: 100% readable, in every layer",
            "api/Dockerfile",
            Span(2, 5, 2, 30),
            "df404-bbbb",
            peer="DL3064",
        ),
        Finding(
            "DF404",
            "secret-in-image",
            Severity.ERROR,
            "ARG 'AWS_SECRET_ACCESS_KEY' has a value\nthat looks like a credential",
            "api/Dockerfile",
            Span(2, 5, 2, 30),
            "df404-cccc",
        ),
        Finding(
            "DC401",
            "privileged",
            Severity.ERROR,
            "service 'web' runs privileged",
            "compose.yaml",
            Span(4, 5, 4, 21),
            "dc401-dddd",
        ),
        Finding(
            "IL001",
            "parse-error",
            Severity.ERROR,
            "heredoc 'EOF' is never closed",
            "broken/Dockerfile",
            Span(2),
            "il001-eeee",
        ),
    ]
    suppressed = [
        Finding(
            "DC401",
            "privileged",
            Severity.ERROR,
            "service 'debug' runs privileged",
            "compose.yaml",
            Span(8, 5, 8, 21),
            "dc401-ffff",
            suppressed=True,
            suppression_reason="debugging container, never deployed",
        ),
        Finding(
            "CB101",
            "package-upgrade-action",
            Severity.WARNING,
            "package 'nginx' upgrades on every converge (action :upgrade)",
            "cookbooks/app/recipes/default.rb",
            Span(2, 3, 2, 18),
            "cb101-gggg",
            suppressed=True,
            suppression_reason="baseline .infralint-baseline.json",
        ),
    ]
    notifications = [
        Notification("cannot read 'missing.yaml': No such file or directory", path="missing.yaml"),
    ]
    values: dict[str, object] = {
        "findings": sorted(findings, key=lambda f: f.sort_key),
        "suppressed": suppressed,
        "notifications": notifications,
        "files_checked": len(SOURCES),
        "checked_paths": sorted(SOURCES),
        "rules": [rule for rule in catalog if rule.enabled],
        "catalog": catalog,
        "project_root": PROJECT_ROOT,
        "cwd": CWD,
        "tool_version": "0.1.0",
        "options": {},
        "source_lines": source_lines,
    }
    values.update(overrides)
    return Report(**values)  # type: ignore[arg-type]
