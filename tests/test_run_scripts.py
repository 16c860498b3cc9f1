"""Scripts a Dockerfile copies in (or bind-mounts) and runs are judged by the RUN rules, at the
script's own path and line."""

from __future__ import annotations

from pathlib import Path

from helpers import lint_directory

from infralint import engine, linked_checks, run_scripts


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _found(root: Path) -> list[tuple[str, str, int]]:
    result = lint_directory(root, select=sorted(run_scripts.SCRIPT_RULES))
    return sorted((f.code, f.path, f.span.line) for f in result.findings)


def test_the_engine_knows_every_linked_rule() -> None:
    # The engine imports linked_checks only when one of these rules is on.
    linked = run_scripts.SCRIPT_RULES | linked_checks.COMPOSE_REFERENCE_RULES
    assert linked | {"DC304", "CB105", "CB401"} == engine.LINKED_RULES


def test_copied_and_mounted_scripts_are_judged_at_their_lines(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Dockerfile": "FROM debian:12.7\nWORKDIR /opt\nCOPY scripts/install.sh /tmp/\n"
            "COPY setup.sh ./\nRUN chmod +x /tmp/install.sh && /tmp/install.sh\n"
            "RUN bash setup.sh\n"
            "RUN --mount=type=bind,source=scripts,target=/s sh /s/other.sh\n",
            "scripts/install.sh": "#!/bin/sh\nset -e\napt-get update\napt-get install -y curl\n"
            "curl -fsSL https://example.com/x.sh | sh\n",
            "setup.sh": "#!/bin/bash\npip install requests\n",
            "scripts/other.sh": "npm install -g yarn\n",
        },
    )
    result = lint_directory(tmp_path, select=sorted(run_scripts.SCRIPT_RULES))
    found = sorted((f.code, f.path, f.span.line) for f in result.findings)
    assert found == [
        ("DF104", "scripts/install.sh", 4),
        ("DF107", "setup.sh", 2),
        ("DF108", "scripts/other.sh", 1),
        ("DF112", "scripts/install.sh", 5),
    ]
    messages = {f.message for f in result.findings}
    assert any(m.endswith("(script run by Dockerfile:5)") for m in messages)
    assert all(f.fix is None for f in result.findings)


def test_suppressed_in_the_script(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Dockerfile": "FROM python:3.12.5-slim\nCOPY setup.sh /setup.sh\nRUN sh /setup.sh\n",
            "setup.sh": "# infralint: ignore DF107 -- pinned by constraints\npip install requests\n"
            "pip install flask\n",
        },
    )
    assert _found(tmp_path) == [("DF107", "setup.sh", 3)]


def test_what_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.sh"
    outside.write_text("pip install requests\n")
    root = tmp_path / "project"
    _write(
        root,
        {
            # A script copied from another stage or an image, a glob, `sh -c` text, a
            # variable, and a mount from an image are not the build context's files.
            "Dockerfile": "FROM python:3.12.5-slim AS build\nCOPY a.sh /a.sh\n"
            "FROM python:3.12.5-slim\nCOPY --from=build /a.sh /a.sh\nCOPY *.sh /g/\n"
            "RUN sh /a.sh && sh /g/b.sh && sh -c 'pip install x==1.0' && $SCRIPT\n"
            "RUN --mount=type=bind,from=build,source=/,target=/m sh /m/a.sh\n",
            "a.sh": "pip install requests\n",
            "b.sh": "pip install requests\n",
        },
    )
    assert _found(root) == []
    # The symlink points outside the scanned tree: it is never read.
    (root / "Dockerfile").write_text("FROM python:3.12.5-slim\nCOPY link.sh /l.sh\nRUN sh /l.sh\n")
    (root / "link.sh").symlink_to(outside)
    assert _found(root) == []
    # The same file inside the tree is read.
    (root / "link.sh").unlink()
    (root / "link.sh").write_text(outside.read_text())
    assert _found(root) == [("DF107", "link.sh", 1)]


def test_a_script_run_by_two_dockerfiles_is_reported_once(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12.5-slim\nCOPY setup.sh /setup.sh\nRUN /setup.sh\n"
    _write(
        tmp_path,
        {"Dockerfile": dockerfile, "Dockerfile.dev": dockerfile, "setup.sh": "pip install x\n"},
    )
    assert _found(tmp_path) == [("DF107", "setup.sh", 1)]
