"""End to end: initialize, open, change, save, code action, execute, hover, shutdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lsp.conftest import DOCKERFILE, Editor, as_findings, cli_findings

pytestmark = pytest.mark.asyncio


async def test_open_change_save_match_the_cli(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    opened = await editor.open(dockerfile)
    assert as_findings(opened) == cli_findings(project, "app/Dockerfile")
    assert {d.code for d in opened} >= {"DF107", "DF513"}

    edited = DOCKERFILE.replace("flask", "flask==3.0.3") + "RUN curl -o /x https://e.com/x\n"
    changed = await editor.change(dockerfile, edited)
    dockerfile.write_text(edited)  # the same text on disk, for the CLI
    assert as_findings(changed) == cli_findings(project, "app/Dockerfile")
    assert "DF107" not in {d.code for d in changed}

    saved = await editor.save(dockerfile, edited)
    assert as_findings(saved) == as_findings(changed)
