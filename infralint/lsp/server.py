"""`infralint server`: a Language Server over stdio (pygls), with the checks of `infralint check`.

Diagnostics are published when a buffer is opened, changed (with `run: onType`) and saved.
Checks run in worker threads, one at a time per buffer: a change while its buffer is being
checked is coalesced into one more check of the latest text, so typing never queues stale work
and the first change is checked at once. A check that runs past the time budget is abandoned
(a running Python function cannot be stopped; its result is dropped), reported once, and that
buffer is then checked on save only; the other buffers go on being checked meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from infralint import __version__, engine
from infralint.lsp import convert
from infralint.lsp.workspace import (
    Checked,
    ClientSettings,
    Workspace,
    is_config_file,
    real_path,
    workspace_for,
)
from infralint.model import Finding, Span

FIX_ALL_KIND = "source.fixAll.infralint"
FIX_ALL_COMMAND = "infralint.applyFixAll"
CHECK_THREADS = 4  # one buffer's long check leaves the others threads to run in
RELINK_DELAY = 0.3  # seconds: a burst of file events (a git checkout) relinks once
SETTINGS_SECTION = "infralint"
WATCHED = (
    "**/{.infralint.toml,pyproject.toml,.hadolint.yaml,.hadolint.yml,.infralint-baseline.json}",
    "**/*{Dockerfile,Containerfile,dockerfile,containerfile}*",
    "**/*compose*.{yml,yaml}",
)
log = logging.getLogger("infralint.lsp")


@dataclass
class BufferState:
    """What the server keeps per open buffer between checks."""

    running: bool = False
    dirty: bool = False  # changed while being checked: check again
    slow: bool = False  # a check ran past the budget: check on save only
    reported: bool = False  # that was said to the user (once per buffer)
    checked: Checked | None = None
    version: int | None = None  # the buffer version `checked` is of
    text: str = ""  # the text `checked` is of
    job: engine.FileJob | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


class InfralintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "infralint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        # The checks' own threads: a check abandoned past its budget must not hold up the exit.
        self.checks = ThreadPoolExecutor(max_workers=CHECK_THREADS, thread_name_prefix="check")
        self.folders: list[Path] = []
        self.spaces: list[Workspace] = []
        self.client_settings = ClientSettings()
        self.states: dict[str, BufferState] = {}
        self.ready = asyncio.Event()
        self.relink_task: asyncio.Task[None] | None = None
        self.shut_down = False  # the client asked for shutdown before exit

    # ------------------------------------------------------------------ workspaces

    async def load_workspaces(self) -> None:
        """(Re)build every workspace folder's settings and links, in a worker thread."""
        loop = asyncio.get_running_loop()
        settings = self.client_settings
        spaces = []
        for root in self.folders:
            try:
                spaces.append(await loop.run_in_executor(self.checks, Workspace, root, settings))
            except Exception as error:  # never a server that waits forever: say it, go on
                log.exception("loading %s failed", root)
                self.show(types.MessageType.Error, f"infralint: cannot load {root}: {error}")
        self.spaces = spaces
        for space in spaces:
            for problem in space.problems:
                self.show(types.MessageType.Warning, f"infralint: {space.root}: {problem}")
            files = len(space.collected.jobs)
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Info,
                    message=f"infralint: loaded {space.root} ({files} files to check)",
                )
            )
        self.ready.set()

    def space_for(self, path: Path) -> Workspace | None:
        found = workspace_for(self.spaces, path)
        if found is None and self.ready.is_set():
            # A file outside every folder: a workspace of its directory, linking that file only.
            found = Workspace(path.parent, self.client_settings, only=path)
            self.spaces.append(found)
        return found

    def show(self, kind: types.MessageType, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    async def relink_files(self, paths: list[Path]) -> None:
        """Update the links from these files on disk; re-check the open buffers they touch."""
        loop = asyncio.get_running_loop()
        affected: set[Path] = set()
        for path in paths:
            space = workspace_for(self.spaces, path)
            if space is not None:
                affected |= await loop.run_in_executor(self.checks, space.file_changed, path)
        for uri in list(self.states):
            if path_of(uri) in affected:
                self.request_check(uri)

    # ------------------------------------------------------------------ checking

    def request_check(self, uri: str) -> None:
        state = self.states.get(uri)
        if state is None:
            return  # closed
        if state.running:
            state.dirty = True
            return
        state.running = True
        task = asyncio.get_running_loop().create_task(self._check_loop(uri, state))
        state.tasks.add(task)
        task.add_done_callback(state.tasks.discard)

    async def _check_loop(self, uri: str, state: BufferState) -> None:
        try:
            while True:
                state.dirty = False
                await self._check_once(uri, state)
                if not state.dirty or self.states.get(uri) is not state:
                    break
        except Exception as error:  # never a crashed server: say it, keep serving
            log.exception("checking %s failed", uri)
            self.show(types.MessageType.Error, f"infralint: checking {uri} failed: {error}")
        finally:
            state.running = False

    async def _check_once(self, uri: str, state: BufferState) -> None:
        await self.ready.wait()
        document = self.workspace.get_text_document(uri)
        path = path_of(uri)
        space = self.space_for(path) if path is not None else None
        job = space.job(path) if space is not None and path is not None else None
        if space is None or job is None:  # a file `infralint check .` does not check
            self.publish(uri, document.source, document.version, [], None)
            return
        text, version = document.source, document.version
        loop = asyncio.get_running_loop()
        budget = self.client_settings.time_budget
        work = loop.run_in_executor(self.checks, _lint, space, job, text)
        try:
            checked, affected = await asyncio.wait_for(asyncio.shield(work), budget)
        except TimeoutError:
            state.slow = True
            if not state.reported:
                state.reported = True
                self.show(
                    types.MessageType.Warning,
                    f"infralint: checking {job.display_path} took over {budget:g} s; it"
                    " was cancelled and this file is now checked on save only",
                )
            with contextlib.suppress(Exception):
                await work  # one runaway check per buffer at a time
            return
        if self.states.get(uri) is not state or state.dirty:
            return  # closed meanwhile, or a newer text is next
        state.checked, state.version, state.text, state.job = checked, version, text, job
        state.slow = False  # within the budget again (after a save)
        self.publish(uri, text, version, checked.findings, space)
        for other, other_state in list(self.states.items()):
            other_path = path_of(other)
            if other != uri and other_path in affected and not other_state.slow:
                self.request_check(other)

    def publish(
        self,
        uri: str,
        text: str,
        version: int | None,
        findings: list[Finding],
        space: Workspace | None,
    ) -> None:
        """The diagnostics of `text`, the buffer at `version`, in the client's units."""
        lines = text.splitlines(keepends=True)
        codec = self.workspace.position_codec
        diagnostics = []
        for finding in findings:
            rule = space.rule(finding.code) if space else None
            related = _related(finding)
            diagnostic = convert.diagnostic(finding, rule, finding.fix is not None, uri, related)
            diagnostic.range = codec.range_to_client_units(lines, diagnostic.range)
            for item in diagnostic.related_information or []:
                item.location.range = codec.range_to_client_units(lines, item.location.range)
            diagnostics.append(diagnostic)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    # ------------------------------------------------------------------ actions and hover

    def current(self, uri: str) -> tuple[BufferState, TextDocument, Workspace] | None:
        """The buffer's last check, when it is of the buffer's current text."""
        state = self.states.get(uri)
        path = path_of(uri)
        if state is None or state.checked is None or state.job is None or path is None:
            return None
        document = self.workspace.get_text_document(uri)
        space = workspace_for(self.spaces, path)
        if space is None or document.source != state.text:
            return None
        return state, document, space

    def findings_at(
        self, document: TextDocument, findings: list[Finding], start: Any, end: Any
    ) -> list[Finding]:
        wanted = types.Range(start=start, end=end)
        server = document.range_from_client_units(wanted)
        first = (server.start.line, server.start.character)
        last = (server.end.line, server.end.character)
        chosen = []
        for finding in findings:  # those whose span overlaps the range (ends included)
            span = convert.span_range(finding.span)
            if (span.start.line, span.start.character) <= last and first <= (
                span.end.line,
                span.end.character,
            ):
                chosen.append(finding)
        return chosen

    def edit(self, uri: str, document: TextDocument, edits: list[types.TextEdit]) -> Any:
        """A WorkspaceEdit for this version of the buffer (a client drops it once stale)."""
        lines = document.lines
        for text_edit in edits:
            text_edit.range = document.position_codec.range_to_client_units(lines, text_edit.range)
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=document.version
                    ),
                    edits=list(edits),
                )
            ]
        )

    async def fix_all_edit(self, uri: str) -> Any:
        found = self.current(uri)
        if found is None:
            return None
        state, document, space = found
        job, checked = state.job, state.checked
        if (
            job is None
            or checked is None
            or not any(f.fix and f.fix.safe for f in checked.findings)
        ):
            return None
        text = state.text
        loop = asyncio.get_running_loop()
        fixed = await loop.run_in_executor(self.checks, space.fix_all, job, text)
        if fixed == text:
            return None
        return self.edit(uri, document, [convert.whole_text_edit(text, fixed)])


def _related(finding: Finding) -> list[tuple[Span, str]]:
    """The finding's further places in its file, with what each is (one install command's
    unpinned packages), where the engine records them on the finding."""
    return [(item.span, item.message) for item in getattr(finding, "related", ())]


def _lint(space: Workspace, job: engine.FileJob, text: str) -> tuple[Checked, set[Path]]:
    affected = space.update_links(job, text)
    return space.check(job, text), affected


def path_of(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None  # an untitled or remote buffer has no place in a project
    return real_path(unquote(parsed.path))


def wants_kind(only: Sequence[str] | None, kind: str) -> bool:
    """A code action kind is asked for when `only` is absent or names it or a parent of it."""
    return only is None or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def create_server() -> InfralintServer:
    server = InfralintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: InfralintServer, params: types.InitializeParams) -> None:
        folders = params.workspace_folders or []
        roots = [path_of(folder.uri) for folder in folders]
        if not folders and params.root_uri:
            roots = [path_of(params.root_uri)]
        ls.folders = [root for root in roots if root is not None]
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("settings"), dict):
            options = options["settings"]
        ls.client_settings, problems = ClientSettings.from_json(options)
        for problem in problems:
            log.warning("settings: %s", problem)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: InfralintServer, params: types.InitializedParams) -> None:
        await pull_settings(ls)
        await ls.load_workspaces()
        await register_watchers(ls)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: InfralintServer, params: None) -> None:
        ls.shut_down = True
        for state in ls.states.values():
            for task in state.tasks:
                task.cancel()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: InfralintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.states[params.text_document.uri] = BufferState()
        ls.request_check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: InfralintServer, params: types.DidChangeTextDocumentParams) -> None:
        state = ls.states.get(params.text_document.uri)
        if state is not None and ls.client_settings.run == "onType" and not state.slow:
            ls.request_check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: InfralintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.request_check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: InfralintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.states.pop(uri, None)
        if state is not None:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        path = path_of(uri)
        if path is not None:  # closed unsaved: the links follow the file on disk again
            await ls.relink_files([path])

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    async def code_action(
        ls: InfralintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        found = ls.current(uri)
        if found is None:
            return None
        state, document, space = found
        assert state.checked is not None and state.job is not None
        only = params.context.only
        actions: list[types.CodeAction] = []
        if wants_kind(only, types.CodeActionKind.QuickFix):
            here = ls.findings_at(
                document, state.checked.findings, params.range.start, params.range.end
            )
            actions.extend(quick_fixes(ls, uri, document, space, state, here))
        if wants_kind(only, FIX_ALL_KIND):
            edit = await ls.fix_all_edit(uri)
            if edit is not None:
                actions.append(
                    types.CodeAction(
                        title="infralint: Fix all safe problems in this file",
                        kind=FIX_ALL_KIND,
                        edit=edit,
                    )
                )
        return actions

    @server.command(FIX_ALL_COMMAND)
    async def apply_fix_all(ls: InfralintServer, *arguments: Any) -> None:
        uri = arguments[0] if arguments and isinstance(arguments[0], str) else None
        if uri is None:
            ls.show(types.MessageType.Error, f"{FIX_ALL_COMMAND}: expected a document URI")
            return
        edit = await ls.fix_all_edit(uri)
        if edit is not None:
            await ls.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=edit, label="infralint: fix all")
            )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: InfralintServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.current(params.text_document.uri)
        if found is None:
            return None
        state, document, space = found
        assert state.checked is not None
        here = ls.findings_at(document, state.checked.findings, params.position, params.position)
        codes = sorted({finding.code for finding in here})
        parts = []
        for code in codes:
            rule = space.rule(code)
            if rule is not None:
                mine = [finding for finding in here if finding.code == code]
                parts.append(convert.hover_markdown(rule, mine))
        if not parts:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
            )
        )

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: InfralintServer, params: types.DidChangeWatchedFilesParams) -> None:
        relink = False
        edited: list[Path] = []
        for change in params.changes:
            path = path_of(change.uri)
            if path is None:
                continue
            if is_config_file(path) or change.type != types.FileChangeType.Changed:
                relink = True  # the configuration, or the set of files, changed
            elif change.uri not in ls.states:  # an open buffer is linked as it is checked
                edited.append(path)
        if relink:
            schedule_relink(ls)
        elif edited:
            await ls.relink_files(edited)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: InfralintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {path_of(folder.uri) for folder in params.event.removed}
        added = [path_of(folder.uri) for folder in params.event.added]
        kept = [folder for folder in ls.folders if folder not in removed]
        ls.folders = kept + [path for path in added if path is not None and path not in kept]
        schedule_relink(ls, delay=0)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration_changed(
        ls: InfralintServer, params: types.DidChangeConfigurationParams
    ) -> None:
        before = ls.client_settings
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(SETTINGS_SECTION), dict):
            ls.client_settings, _ = ClientSettings.from_json(settings[SETTINGS_SECTION])
        else:
            await pull_settings(ls)
        if ls.client_settings != before:  # editors send their settings once at start too
            schedule_relink(ls, delay=0)

    return server


def quick_fixes(
    ls: InfralintServer,
    uri: str,
    document: TextDocument,
    space: Workspace,
    state: BufferState,
    findings: list[Finding],
) -> list[types.CodeAction]:
    actions = []
    lines = state.text.split("\n")
    language = state.job.language if state.job else ""
    for finding in findings:
        rule = space.rule(finding.code)
        diagnostic = convert.diagnostic(finding, rule, finding.fix is not None)
        diagnostic.range = document.position_codec.range_to_client_units(
            document.lines, diagnostic.range
        )
        name = f"{finding.code} ({rule.name})" if rule else finding.code
        if finding.fix is not None:
            safe = finding.fix.safe
            actions.append(
                types.CodeAction(
                    title=f"Fix {name}" if safe else f"Fix {name} (unsafe)",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=safe,
                    edit=ls.edit(uri, document, [convert.fix_edit(finding.fix)]),
                )
            )
        ignore = convert.ignore_comment_edit(finding, lines, language)
        if ignore is None or finding.code.startswith("IL"):
            continue  # a parse error or a suppression problem: ignoring it hides nothing
        actions.append(
            types.CodeAction(
                title=f"Ignore {finding.code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=ls.edit(uri, document, [ignore]),
            )
        )
    return actions


async def pull_settings(ls: InfralintServer) -> None:
    """The client's `infralint` settings section, where it serves workspace/configuration."""
    capabilities = ls.client_capabilities.workspace
    if capabilities is None or not capabilities.configuration:
        return
    try:
        values = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SETTINGS_SECTION)])
        )
    except Exception as error:  # a client that fails the request keeps its initial settings
        log.warning("workspace/configuration failed: %s", error)
        return
    if values and values[0] is not None:
        settings, problems = ClientSettings.from_json(values[0])
        ls.client_settings = settings
        for problem in problems:
            ls.show(types.MessageType.Warning, f"infralint: settings: {problem}")


async def register_watchers(ls: InfralintServer) -> None:
    """Ask the client to report config and project files changing on disk."""
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if watched is None or not watched.dynamic_registration:
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
    )
    registration = types.Registration(
        id="infralint-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception as error:
        log.warning("cannot watch files: %s", error)


def schedule_relink(ls: InfralintServer, delay: float = RELINK_DELAY) -> None:
    """Reload configuration and links once a burst of changes is over, then re-check."""
    if ls.relink_task is not None and not ls.relink_task.done():
        ls.relink_task.cancel()

    async def relink() -> None:
        await asyncio.sleep(delay)
        await ls.load_workspaces()
        for uri, state in ls.states.items():
            state.slow = False
            ls.request_check(uri)

    ls.relink_task = asyncio.get_running_loop().create_task(relink())


def serve() -> None:
    """Serve one client over stdin and stdout until it exits."""
    logging.basicConfig(level=logging.WARNING, format="infralint server: %(message)s")
    server = create_server()
    server.start_io()
    server.checks.shutdown(wait=False, cancel_futures=True)
    # Exit now: interpreter shutdown would wait for checks abandoned past their time budget.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the client may have closed it
            stream.flush()
    os._exit(0 if server.shut_down else 1)
