"""End to end through a real client over stdio: initialize, open, change, save, code action,
execute, hover, shutdown. Diagnostics must equal `infralint check --format json`'s."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from infralint import __version__
from infralint.catalog import load_catalog
from infralint.model import Finding
from infralint.reporters.sarif import _help_uri
from tests.lsp.conftest import (
    COMPOSE,
    DOCKERFILE,
    Editor,
    apply_edits,
    as_findings,
    cli_findings,
    codes,
)

pytestmark = pytest.mark.asyncio
LOG_TO_FILE = """import logging

logger = logging.getLogger("app")
logger.addHandler(logging.FileHandler("/var/log/app.log"))
"""


async def test_open_change_save_match_the_cli(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    opened = await editor.open(dockerfile)
    assert as_findings(opened) == cli_findings(project, "app/Dockerfile")
    assert codes(opened) >= {"DF107", "DF513"}

    edited = DOCKERFILE.replace("flask", "flask==3.0.3") + "RUN curl -o /x https://e.com/x\n"
    changed = await editor.change(dockerfile, edited)  # unsaved: the disk still has DOCKERFILE
    assert "DF107" not in codes(changed)
    dockerfile.write_text(edited)  # the same text on disk, for the CLI
    assert as_findings(changed) == cli_findings(project, "app/Dockerfile")

    saved = await editor.save(dockerfile, edited)
    assert as_findings(saved) == as_findings(changed)


async def test_every_language_matches_the_cli(editor: Editor, project: Path) -> None:
    files = {
        "compose.yaml": COMPOSE + "  db:\n    image: postgres\n",
        "app/main.py": 'import logging\nlogging.basicConfig(filename="app.log")\n',
        "cookbooks/web/metadata.rb": "name 'web'\nversion '1.0.0'\n",
        "cookbooks/web/recipes/default.rb": "package 'nginx'\nexecute 'apt-get update'\n",
    }
    for relative, text in files.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_text(text)
    await editor.reload()  # new files on disk: the client reports them
    for relative in ("compose.yaml", "app/main.py", "cookbooks/web/recipes/default.rb"):
        diagnostics = await editor.open(project / relative)
        assert diagnostics, relative
        assert as_findings(diagnostics) == cli_findings(project, relative), relative


async def test_diagnostics_carry_code_docs_link_and_source(editor: Editor, project: Path) -> None:
    diagnostics = await editor.open(project / "app" / "Dockerfile")
    catalog = load_catalog()
    for diagnostic in diagnostics:
        assert isinstance(diagnostic.code, str)
        assert diagnostic.source == "infralint"
        assert diagnostic.code_description is not None
        rule = catalog.rules[diagnostic.code]
        assert diagnostic.code_description.href == _help_uri(rule, __version__)  # as SARIF's
        assert diagnostic.code in diagnostic.code_description.href


async def test_positions_count_utf16_code_units(editor: Editor, project: Path) -> None:
    # Two astral characters (two UTF-16 units each) before the finding on the same line.
    text = 'FROM python:3.12\nLABEL x="😀😀" y=1\nRUN pip install flask\n'
    (project / "app" / "Dockerfile").write_text(text)
    await editor.reload()
    diagnostics = await editor.open(project / "app" / "Dockerfile", text)
    cli = cli_findings(project, "app/Dockerfile")
    assert as_findings(diagnostics) == cli  # no finding on the emoji line: columns agree
    text = 'FROM python:3.12\nRUN echo "😀" && pip install flask\n'
    diagnostics = await editor.change(project / "app" / "Dockerfile", text)
    (project / "app" / "Dockerfile").write_text(text)
    by_code = {d.code: d for d in diagnostics}
    cli = {f[0]: f for f in cli_findings(project, "app/Dockerfile")}
    assert by_code["DF107"].range.start.character == cli["DF107"][4] + 1  # 😀 is two units


async def test_editing_compose_relints_the_dockerfile_it_builds(
    editor: Editor, project: Path
) -> None:
    dockerfile = project / "app" / "Dockerfile"
    compose = project / "compose.yaml"
    assert "DF102" not in codes(await editor.open(dockerfile))  # TAG comes from compose: 3.12
    await editor.open(compose)
    since = editor.mark()
    await editor.change(compose, COMPOSE.replace('TAG: "3.12"', 'TAG: "latest"'))
    relinted = await editor.diagnostics(dockerfile, since)  # unsaved compose, live links
    assert "DF102" in codes(relinted)


async def test_editing_a_dockerfile_relints_the_compose_file_building_it(
    editor: Editor, project: Path
) -> None:
    dockerfile = project / "app" / "Dockerfile"
    compose = project / "compose.yaml"
    assert "DC509" not in codes(await editor.open(compose))  # target prod exists
    await editor.open(dockerfile)
    since = editor.mark()
    await editor.change(dockerfile, DOCKERFILE.replace(" AS prod", " AS build"))
    relinted = await editor.diagnostics(compose, since)
    assert "DC509" in codes(relinted)


async def test_quick_fixes_safe_preferred_unsafe_labelled(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    diagnostics = await editor.open(dockerfile)
    df513 = next(d for d in diagnostics if d.code == "DF513")
    actions = await editor.code_actions(dockerfile, df513.range)
    fix = next(a for a in actions if a.title.startswith("Fix DF513"))
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred
    assert "unsafe" not in fix.title
    fixed = apply_edits(DOCKERFILE, fix.edit)
    assert "pip install --no-cache-dir flask" in fixed
    assert "DF513" not in codes(await editor.change(dockerfile, fixed))

    script = project / "app" / "main.py"
    script.write_text(LOG_TO_FILE)
    await editor.reload()
    py301 = next(d for d in await editor.open(script) if d.code == "PY301")
    actions = await editor.code_actions(script, py301.range)
    unsafe = next(a for a in actions if a.title.startswith("Fix PY301"))
    assert "unsafe" in unsafe.title
    assert not unsafe.is_preferred
    assert "logging.StreamHandler(sys.stdout)" in apply_edits(LOG_TO_FILE, unsafe.edit)
    fix_all = await editor.code_actions(script, py301.range, only=["source.fixAll.infralint"])
    assert fix_all == []  # an unsafe fix is never part of "fix all safe problems"


async def test_ignore_on_this_line_inserts_a_suppression(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    text = "FROM python:3.12 AS prod\nRUN apt-get update && \\\n    pip install flask\n"
    diagnostics = await editor.open(dockerfile, text)
    df107 = next(d for d in diagnostics if d.code == "DF107")
    assert df107.range.start.line == 2  # on the continuation line
    actions = await editor.code_actions(dockerfile, df107.range)
    ignore = next(a for a in actions if a.title == "Ignore DF107 on this line")
    ignored = apply_edits(text, ignore.edit)
    assert ignored.splitlines()[1] == "# infralint: ignore DF107 -- <reason>"
    after = await editor.change(dockerfile, ignored)
    assert "DF107" not in codes(after)
    assert "IL002" not in codes(after)  # the suppression is used
    assert codes(after) - {"DF107"} == codes(diagnostics) - {"DF107"}


async def test_fix_all_action_and_command_equal_the_cli_fix(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    text = "FROM python:3.12 AS prod\nRUN cd /app && pip install flask==3.0.3\n"
    await editor.open(dockerfile, text)
    actions = await editor.code_actions(
        dockerfile,
        types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
        only=["source.fixAll"],
    )
    assert [a.kind for a in actions] == ["source.fixAll.infralint"]
    fixed = apply_edits(text, actions[0].edit)
    dockerfile.write_text(text)
    expected = editor.cli_fix(project, "app/Dockerfile")
    assert fixed == expected != text

    applied = await editor.execute("infralint.applyFixAll", [dockerfile.as_uri()])
    assert apply_edits(text, applied.edit) == expected


async def test_hover_shows_the_rule_summary_and_why(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    diagnostics = await editor.open(dockerfile)
    df107 = next(d for d in diagnostics if d.code == "DF107")
    hover = await editor.hover(dockerfile, df107.range.start)
    assert hover is not None
    value = hover.contents.value  # type: ignore[union-attr]
    rule = load_catalog().rules["DF107"]
    assert rule.summary in value
    why = rule.section("Why is this bad?").strip()
    assert why.splitlines()[0] in value
    assert "# expect:" not in value
    assert await editor.hover(dockerfile, types.Position(0, 0)) is None  # nothing there


async def test_unparsable_buffer_is_il001_and_the_server_goes_on(
    editor: Editor, project: Path
) -> None:
    compose = project / "compose.yaml"
    broken = "services:\n  web:\n    image: [unclosed\n"
    diagnostics = await editor.open(compose, broken)
    assert "IL001" in codes(diagnostics)
    compose.write_text(broken)
    assert as_findings(diagnostics) == cli_findings(project, "compose.yaml")
    binary = await editor.change(compose, "services:\n\0\n")
    assert codes(binary) == {"IL001"}
    assert "binary" in binary[0].message
    assert "DF107" in codes(await editor.open(project / "app" / "Dockerfile"))


async def test_buffer_over_the_size_limit_is_refused(editor: Editor, project: Path) -> None:
    (project / ".infralint.toml").write_text("max-file-size = 2000\n")
    await editor.reload()
    dockerfile = project / "app" / "Dockerfile"
    big = DOCKERFILE + "# padding\n" * 300
    diagnostics = await editor.open(dockerfile, big)
    assert codes(diagnostics) == {"IL001"}
    dockerfile.write_text(big)
    assert as_findings(diagnostics) == cli_findings(project, "app/Dockerfile")


async def test_config_change_on_disk_is_reloaded(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    assert "DF107" in codes(await editor.open(dockerfile))
    since = editor.mark()
    (project / ".infralint.toml").write_text('ignore = ["DF107"]\n')
    editor.files_changed(project / ".infralint.toml", types.FileChangeType.Created)
    assert "DF107" not in codes(await editor.diagnostics(dockerfile, since))
    assert as_findings(editor.client.diagnostics[dockerfile.as_uri()]) == cli_findings(
        project, "app/Dockerfile"
    )


async def test_baseline_suppresses_like_the_cli(editor: Editor, project: Path) -> None:
    editor.cli(project, "baseline", "create", ".")
    assert (project / ".infralint-baseline.json").is_file()
    await editor.reload()
    dockerfile = project / "app" / "Dockerfile"
    assert await editor.open(dockerfile) == []
    edited = DOCKERFILE + "RUN pip install requests\n"
    changed = await editor.change(dockerfile, edited)
    assert "DF107" in codes(changed)
    assert {d.range.start.line for d in changed} == {3}  # the new line only
    dockerfile.write_text(edited)
    assert as_findings(changed) == cli_findings(
        project, "app/Dockerfile", "--baseline", ".infralint-baseline.json"
    )


async def test_file_watchers_are_registered(editor: Editor, project: Path) -> None:
    await editor.open(project / "app" / "Dockerfile")  # the server is up
    registrations = editor.client.registrations  # type: ignore[attr-defined]
    for _ in range(500):
        if registrations:
            break
        await asyncio.sleep(0.01)
    watched = [r for r in registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert watched
    patterns = [w["globPattern"] for w in watched[0].register_options["watchers"]]
    assert any(".infralint.toml" in p for p in patterns)


@pytest.mark.client_settings({"minSeverity": "error", "ignore": ["DF402"]})
async def test_min_severity_and_ignore_settings(editor: Editor, project: Path) -> None:
    text = "FROM python:3.12 AS prod\nRUN pip install flask\nUSER 0\n"
    everything = cli_findings(project, "app/Dockerfile")  # disk text, defaults
    assert {f[1] for f in everything} != {"error"}
    diagnostics = await editor.open(project / "app" / "Dockerfile", text)
    (project / "app" / "Dockerfile").write_text(text)
    expected = [
        f for f in cli_findings(project, "app/Dockerfile", "--ignore", "DF402") if f[1] == "error"
    ]
    assert as_findings(diagnostics) == expected


@pytest.mark.client_settings({"run": "onSave"})
async def test_on_save_mode_does_not_check_while_typing(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    await editor.open(dockerfile)
    since = editor.mark()
    fixed = DOCKERFILE.replace("flask", "flask==3.0.3")
    await editor.change(dockerfile, fixed, wait=False)
    await asyncio.sleep(0.5)
    assert editor.mark() == since  # nothing published on change
    assert "DF107" not in codes(await editor.save(dockerfile, fixed))


async def test_closing_clears_diagnostics(editor: Editor, project: Path) -> None:
    dockerfile = project / "app" / "Dockerfile"
    assert await editor.open(dockerfile)
    since = editor.mark()
    editor.close(dockerfile)
    assert await editor.diagnostics(dockerfile, since) == []


async def test_files_infralint_does_not_check_get_no_diagnostics(
    editor: Editor, project: Path
) -> None:
    readme = project / "README.md"
    readme.write_text("# hello\n")
    assert await editor.open(readme) == []


@pytest.mark.client_settings({"timeBudget": 1})
async def test_a_check_over_the_time_budget_is_cancelled_reported_once_and_blocks_nothing(
    editor: Editor, project: Path
) -> None:
    small = project / "app" / "Dockerfile"
    assert "DF107" in codes(await editor.open(small))
    big = project / "big" / "Dockerfile"  # 5 s or more to check on this machine
    big.parent.mkdir()
    text = "FROM python:3.12\n" + "".join(f"RUN pip install p{i} q{i}\n" for i in range(16000))
    big.write_text(text)
    since = editor.mark()
    await editor.open(big, text, wait=False)
    await asyncio.sleep(0.2)  # the big check is running
    changed = await editor.change(small, DOCKERFILE.replace("flask", "flask==3.0.3"))
    assert "DF107" not in codes(changed)  # checked while the big one runs
    reports = await editor.message("took over 1 s")
    assert "big/Dockerfile" in reports[0]
    await editor.change(big, text + "RUN true\n", wait=False)
    await editor.save(big, text + "RUN true\n", wait=False)
    await asyncio.sleep(1.0)
    assert not [p for p in editor.client.published[since:] if p.uri == big.as_uri()]  # type: ignore[attr-defined]
    assert len(await editor.message("took over")) == 1  # reported once


@pytest.mark.slow
async def test_a_60_mb_buffer_is_refused_within_the_cli_limit(
    editor: Editor, project: Path
) -> None:
    dockerfile = project / "app" / "Dockerfile"
    huge = DOCKERFILE + "RUN true\n" * (60 * 1024 * 1024 // 9)
    diagnostics = await editor.open(dockerfile, huge)
    assert codes(diagnostics) == {"IL001"}
    assert "over the max-file-size limit" in diagnostics[0].message
    assert "DC509" not in codes(await editor.open(project / "compose.yaml"))  # still serving


async def test_compose_changed_on_disk_relinks_without_reloading(
    editor: Editor, project: Path
) -> None:
    dockerfile = project / "app" / "Dockerfile"
    compose = project / "compose.yaml"
    assert "DF102" not in codes(await editor.open(dockerfile))
    before = len(editor.client.log_messages)
    since = editor.mark()
    compose.write_text(COMPOSE.replace('TAG: "3.12"', 'TAG: "latest"'))  # e.g. git pull
    editor.files_changed(compose, types.FileChangeType.Changed)
    assert "DF102" in codes(await editor.diagnostics(dockerfile, since))
    assert not any("loaded" in m.message for m in editor.client.log_messages[before:])


async def test_closing_an_unsaved_compose_buffer_restores_the_links_on_disk(
    editor: Editor, project: Path
) -> None:
    dockerfile = project / "app" / "Dockerfile"
    compose = project / "compose.yaml"
    await editor.open(dockerfile)
    await editor.open(compose)
    since = editor.mark()
    await editor.change(compose, COMPOSE.replace('TAG: "3.12"', 'TAG: "latest"'))
    assert "DF102" in codes(await editor.diagnostics(dockerfile, since))
    since = editor.mark()
    editor.close(compose)  # the edit is thrown away
    assert "DF102" not in codes(await editor.diagnostics(dockerfile, since))


@pytest.mark.no_workspace
async def test_a_file_opened_without_a_workspace_is_checked_alone(
    editor: Editor, project: Path
) -> None:
    dockerfile = project / "app" / "Dockerfile"
    diagnostics = await editor.open(dockerfile)
    assert "DF107" in codes(diagnostics)
    # No workspace: the compose file that builds it is not read, as `infralint check FILE`.
    assert "DF102" in codes(diagnostics)
    assert as_findings(diagnostics) == cli_findings(
        project / "app", "Dockerfile", only="Dockerfile"
    )


async def test_a_config_in_a_subdirectory_governs_as_in_the_cli(
    editor: Editor, project: Path
) -> None:
    (project / "app" / ".infralint.toml").write_text('ignore = ["DF107"]\n')
    await editor.reload()
    diagnostics = await editor.open(project / "app" / "Dockerfile")
    assert as_findings(diagnostics) == cli_findings(project, "app/Dockerfile")
    new = project / "app" / "new" / "Dockerfile"  # not on disk: judged by its name and place
    text = DOCKERFILE + "RUN pip install requests\n"
    new.parent.mkdir()
    unsaved = await editor.open(new, text)
    new.write_text(text)
    assert as_findings(unsaved) == cli_findings(project, "app/new/Dockerfile")


@pytest.mark.skipif(
    "related" not in Finding._fields, reason="findings record no related places here"
)
async def test_one_install_command_lists_its_packages_as_related(
    editor: Editor, project: Path
) -> None:
    text = "FROM debian:12 AS prod\nRUN apt-get install -y curl wget\n"
    diagnostics = await editor.open(project / "app" / "Dockerfile", text)
    df104 = next(d for d in diagnostics if d.code == "DF104")
    assert df104.related_information
    places = {(r.location.range.start.line, r.message) for r in df104.related_information}
    assert len(places) == 2
    assert all(line == 1 for line, _ in places)
