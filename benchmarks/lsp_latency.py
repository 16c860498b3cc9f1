"""Latency of `infralint server`: from a change to the diagnostics for it, through a real client.

    python benchmarks/lsp_latency.py [--changes 200] [--corpus DIR] [--json]

A pygls client starts `python -m infralint server` over stdio, opens a Dockerfile of at most
100 lines in a scratch project and edits it: each change pins or unpins one package, and the
time is measured from sending `textDocument/didChange` to receiving the
`textDocument/publishDiagnostics` of that version. The report gives the median, p95 and the
slowest change. Without --corpus the Dockerfile is a generated 100-line multi-stage build; with
--corpus DIR (the corpus' dockerfile/ folder) the changes cycle through its Dockerfiles of at
most 100 lines, each opened in turn. Needs the lsp extra (pip install '.[lsp]').
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

MAX_LINES = 100


def generated_dockerfile() -> str:
    """A 100-line build: two stages, package installs, downloads, metadata."""
    lines = [
        "# syntax=docker/dockerfile:1",
        "ARG PYTHON=3.12",
        "FROM python:${PYTHON}-slim AS build",
        "WORKDIR /src",
        "RUN apt-get update && apt-get install -y --no-install-recommends \\",
        "    build-essential=12.9 libpq-dev=15.6-0+deb12u1 \\",
        "    && rm -rf /var/lib/apt/lists/*",
        "COPY requirements.txt .",
        "RUN pip install --no-cache-dir -r requirements.txt",
    ]
    lines += [f"RUN pip install --no-cache-dir package{i}==1.{i}.0" for i in range(40)]
    lines += ["FROM python:${PYTHON}-slim", "WORKDIR /app", "COPY --from=build /src /app"]
    lines += [f"LABEL org.example.label{i}=value{i}" for i in range(40)]
    lines += [
        "RUN curl -fsSL -o /tmp/tool.tgz https://example.com/tool.tgz",
        "ENV PYTHONUNBUFFERED=1",
        "EXPOSE 8000",
        "USER 1000",
        'HEALTHCHECK CMD ["python", "-c", "print(1)"]',
        'CMD ["python", "-m", "app"]',
    ]
    while len(lines) < MAX_LINES:
        lines.append(f"# line {len(lines) + 1}")
    return "\n".join(lines[:MAX_LINES]) + "\n"


def corpus_dockerfiles(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.stat().st_size > 20_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if 0 < text.count("\n") <= MAX_LINES:
            texts.append(text)
    return texts


def variants(text: str, count: int) -> list[str]:
    """`count` edits of `text`: a line added and removed in turn (a typical keystroke burst
    changes one line)."""
    edited = text + "RUN pip install requests\n"
    return [edited if index % 2 == 0 else text for index in range(count)]


async def measure(texts: list[str], changes: int) -> tuple[list[float], list[float]]:
    """(open latencies, change latencies) in milliseconds."""
    client = LanguageClient("infralint-bench", "1")
    published: dict[tuple[str, int | None], float] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        published[(params.uri, params.version)] = time.perf_counter()

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def on_message(params: types.ShowMessageParams) -> None:
        print(f"server: {params.message}", file=sys.stderr)

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        pass

    async def wait_for(uri: str, version: int) -> float:
        while (uri, version) not in published:
            await asyncio.sleep(0.0005)
        return published[(uri, version)]

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        await client.start_io(sys.executable, "-m", "infralint", "server")
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="bench")],
            )
        )
        client.initialized(types.InitializedParams())
        opens: list[float] = []
        latencies: list[float] = []
        per_file = max(2, changes // len(texts))
        for number, text in enumerate(texts):
            if len(latencies) >= changes:
                break
            folder = root / f"service{number}"
            folder.mkdir()
            path = folder / "Dockerfile"
            path.write_text(text, encoding="utf-8")
            uri = path.as_uri()
            started = time.perf_counter()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id="dockerfile", version=1, text=text
                    )
                )
            )
            opens.append((await wait_for(uri, 1) - started) * 1000)
            for version, edited in enumerate(variants(text, per_file), start=2):
                started = time.perf_counter()
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(
                            uri=uri, version=version
                        ),
                        content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)],
                    )
                )
                latencies.append((await wait_for(uri, version) - started) * 1000)
            client.text_document_did_close(
                types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)
                )
            )
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return opens, latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=200, help="edits to time (default 200)")
    parser.add_argument("--corpus", type=Path, help="a folder of Dockerfiles to cycle through")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()
    texts = corpus_dockerfiles(args.corpus) if args.corpus else [generated_dockerfile()]
    if not texts:
        parser.error(f"no Dockerfile of at most {MAX_LINES} lines under {args.corpus}")
    opens, latencies = asyncio.run(measure(texts, args.changes))
    report = {
        "files": min(len(texts), len(opens)),
        "changes": len(latencies),
        "change_median_ms": round(statistics.median(latencies), 1),
        "change_p95_ms": round(percentile(latencies, 0.95), 1),
        "change_max_ms": round(max(latencies), 1),
        "open_median_ms": round(statistics.median(opens), 1),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{report['changes']} changes over {report['files']} Dockerfiles (<= {MAX_LINES} lines): "
        f"change -> diagnostics median {report['change_median_ms']} ms, "
        f"p95 {report['change_p95_ms']} ms, max {report['change_max_ms']} ms; "
        f"open median {report['open_median_ms']} ms"
    )


if __name__ == "__main__":
    main()
