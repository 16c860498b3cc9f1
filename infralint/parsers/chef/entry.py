"""The entry point: read one cookbook file into a ChefDocument."""

from __future__ import annotations

from pathlib import PurePosixPath

from infralint.model import ParseError, ParseProblem, Span
from infralint.parsers.chef.kinds import DSL_KINDS, file_kind
from infralint.parsers.chef.metadata import _lockfile_state, _read_cookbook_file
from infralint.parsers.chef.model import ChefDocument
from infralint.parsers.chef.walk import _Reader
from infralint.parsers.ruby import RubyTree, parse_ruby
from infralint.source import SourceFile

# --------------------------------------------------------------------------- entry point


def _problems(tree: RubyTree, source: SourceFile) -> list[ParseProblem]:
    """The first syntax problem of the file (later ones are mostly its echoes), with a count."""
    last_line = max(len(source.lines), 1)
    problems: list[ParseProblem] = []
    assert tree.root is not None
    for node in tree.heredocs:
        body = node.heredoc_body
        end = body.children[-1] if body is not None and body.children else None
        if body is None or end is None or end.type != "heredoc_end" or not end.text:
            problems.append(ParseProblem(f"Ruby heredoc {node.text} is never closed", node.span))
    for span in tree.errors:
        line = min(span.line, last_line)
        excerpt = " ".join(source.line(line).split())
        excerpt = excerpt if len(excerpt) <= 40 else excerpt[:37] + "..."
        column = min(span.column, len(source.line(line)) + 1) if span.line <= last_line else 1
        problems.append(ParseProblem(f"Ruby syntax error near `{excerpt}`", Span(line, column)))
    if not problems:
        return []
    problems.sort(key=lambda p: (p.span.line, p.span.column))
    first = problems[0]
    more = len({p.span.line for p in problems} - {first.span.line})
    if more:
        first = ParseProblem(f"{first.message} ({more} more after it)", first.span)
    return [first]


def parse(source: SourceFile) -> ChefDocument:
    """Read one cookbook file. Raises only ParseError (for input that is not text)."""
    if "\0" in source.text[:8192]:
        raise ParseError("binary file, not Ruby")
    kind = file_kind(PurePosixPath(source.display_path.replace("\\", "/")))
    doc = ChefDocument(source, kind)
    if kind in ("berksfile-lock", "policyfile-lock"):
        return doc
    try:
        tree = parse_ruby(source.text)
    except (ValueError, MemoryError) as error:  # tree-sitter refusing input
        raise ParseError(f"cannot parse Ruby: {error}") from None
    if tree.root is None:
        return doc
    try:
        doc.problems = _problems(tree, source)
        if kind in DSL_KINDS:
            _Reader(tree, kind, doc).run()
        elif kind in ("metadata", "berksfile", "policyfile", "config"):
            _read_cookbook_file(tree, doc)
            _lockfile_state(doc)
        elif kind == "library":
            _Reader(tree, kind, doc).run()  # node writes only: no DSL there
    finally:
        tree.release()  # the document keeps what it read, never the syntax tree
    doc.resources.sort(key=lambda r: (r.span.line, r.span.column))
    return doc
