"""A real LSP client (pytest-lsp) driving `infralint server` over stdio in a subprocess."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the lsp extra is not installed")
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp import client as pytest_lsp_client

SERVER = [sys.executable, "-m", "infralint", "server"]
TIMEOUT = 30.0

COMPOSE = """services:
  web:
    build:
      context: ./app
      target: prod
      args:
        TAG: "3.12"
"""
DOCKERFILE = """ARG TAG=latest
FROM python:${TAG} AS prod
RUN pip install flask
"""


def make_client() -> LanguageClient:
    """pytest-lsp's client, also recording every publication in order and applying nothing
    (it records workspace/applyEdit requests)."""
    client = LanguageClient(converter_factory=default_converter)
    for method, handler in pytest_lsp_client.DEFAULT_CLIENT_FEATURES.items():
        if method != types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            client.feature(method)(handler)
    client.published = []  # type: ignore[attr-defined]
    client.applied = []  # type: ignore[attr-defined]

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(
        client: LanguageClient, params: types.ApplyWorkspaceEditParams
    ) -> types.ApplyWorkspaceEditResult:
        client.applied.append(params)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    client.registrations = []  # type: ignore[attr-defined]
    return client


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A compose file building app/Dockerfile; the tests edit both."""
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "app" / "Dockerfile").write_text(DOCKERFILE)
    return root


def settings() -> dict[str, Any]:
    return {}


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER, client_factory=make_client),
)
async def client(lsp_client: LanguageClient, project: Path, request: pytest.FixtureRequest):
    marker = request.node.get_closest_marker("client_settings")
    configuration = marker.args[0] if marker else None
    if configuration is not None:
        lsp_client.set_configuration(configuration, section="infralint")
    folder = request.node.get_closest_marker("no_workspace") is None
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=project.as_uri() if folder else None,
            workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")]
            if folder
            else None,
        )
    )
    lsp_client.root = str(project)  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


class Editor:
    """Open, change and save buffers, and wait for the server's answer to each."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.versions: dict[str, int] = {}

    def mark(self) -> int:
        return len(self.client.published)  # type: ignore[attr-defined]

    async def diagnostics(
        self, path: Path, since: int, version: int | None = None
    ) -> list[types.Diagnostic]:
        """The first publication for `path` after `since` (of `version`, when given)."""
        uri = path.as_uri()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while loop.time() < deadline:
            for params in self.client.published[since:]:  # type: ignore[attr-defined]
                if params.uri == uri and (version is None or params.version == version):
                    return list(params.diagnostics)
            await asyncio.sleep(0.005)
        raise AssertionError(f"no diagnostics for {path} (version {version})")

    async def open(
        self, path: Path, text: str | None = None, wait: bool = True
    ) -> list[types.Diagnostic]:
        text = path.read_text() if text is None else text
        since = self.mark()
        self.versions[path.as_uri()] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=path.as_uri(), language_id=_language(path), version=1, text=text
                )
            )
        )
        return await self.diagnostics(path, since, 1) if wait else []

    async def change(self, path: Path, text: str, wait: bool = True) -> list[types.Diagnostic]:
        uri = path.as_uri()
        self.versions[uri] += 1
        since = self.mark()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return await self.diagnostics(path, since, self.versions[uri]) if wait else []

    async def message(self, fragment: str) -> list[str]:
        """Every window/showMessage so far containing `fragment`, once there is one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while loop.time() < deadline:
            found = [m.message for m in self.client.messages if fragment in m.message]
            if found:
                return found
            await asyncio.sleep(0.01)
        raise AssertionError(f"no message with {fragment!r}")

    def close(self, path: Path) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri())
            )
        )

    def files_changed(self, path: Path, kind: types.FileChangeType) -> None:
        self.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=path.as_uri(), type=kind)]
            )
        )

    async def reload(self) -> None:
        """Tell the server files changed on disk, and wait until it has re-read the project."""
        before = len(self.client.log_messages)
        root = Path(self.client.root)  # type: ignore[attr-defined]
        self.files_changed(root / ".infralint.toml", types.FileChangeType.Changed)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while loop.time() < deadline:
            if any("loaded" in m.message for m in self.client.log_messages[before:]):
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the server did not reload")

    async def code_actions(
        self, path: Path, where: types.Range, only: list[str] | None = None
    ) -> list[types.CodeAction]:
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                range=where,
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
        return [action for action in result or [] if isinstance(action, types.CodeAction)]

    async def hover(self, path: Path, position: types.Position) -> types.Hover | None:
        return await self.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position
            )
        )

    async def execute(self, command: str, arguments: list[Any]) -> types.ApplyWorkspaceEditParams:
        applied = self.client.applied  # type: ignore[attr-defined]
        before = len(applied)
        await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=arguments)
        )
        assert len(applied) == before + 1
        return applied[-1]  # type: ignore[no-any-return]

    def cli(self, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "infralint", *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def cli_fix(self, root: Path, relative: str) -> str:
        """The file as `infralint check --fix` leaves it."""
        self.cli(root, "check", "--no-cache", "--fix", "-q", relative)
        return (root / relative).read_text()

    async def save(self, path: Path, text: str, wait: bool = True) -> list[types.Diagnostic]:
        path.write_text(text)
        since = self.mark()
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri())
            )
        )
        return await self.diagnostics(path, since) if wait else []


def _language(path: Path) -> str:
    if "compose" in path.name:
        return "yaml"
    return {".rb": "ruby", ".py": "python"}.get(path.suffix, "dockerfile")


@pytest.fixture
def editor(client: LanguageClient) -> Editor:
    return Editor(client)


def cli_findings(root: Path, relative: str, *args: str, only: str = ".") -> list[tuple[Any, ...]]:
    """What `infralint check --format json ONLY` run in `root` reports for one file."""
    result = subprocess.run(
        [sys.executable, "-m", "infralint", "check", "--no-cache", "-f", "json", *args, only],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return sorted(
        (
            f["code"],
            f["severity"],
            f["message"],
            f["line"] - 1,
            f["column"] - 1,
            f["end_line"] - 1,
            f["end_column"] - 1,
        )
        for f in json.loads(result.stdout)["findings"]
        if f["path"] == relative
    )


SEVERITY_NAMES = {
    types.DiagnosticSeverity.Error: "error",
    types.DiagnosticSeverity.Warning: "warning",
    types.DiagnosticSeverity.Information: "note",
}


def as_findings(diagnostics: list[types.Diagnostic]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            d.code,
            SEVERITY_NAMES[d.severity],  # type: ignore[index]
            d.message,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in diagnostics
    )


def codes(diagnostics: list[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diagnostics}


def apply_edits(text: str, edit: types.WorkspaceEdit | None) -> str:
    """Apply a WorkspaceEdit's text edits to `text` (ASCII: code points are UTF-16 units)."""
    assert edit is not None and edit.document_changes
    lines = [*text.splitlines(keepends=True), ""]

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    edits = [e for change in edit.document_changes for e in change.edits]  # type: ignore[union-attr]
    for item in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(item.range.start), offset(item.range.end)
        text = text[:start] + item.new_text + text[end:]
    return text
