"""Entry points: parse a script, and find the script of `sh -c '…'`."""

from __future__ import annotations

from infralint.model import ParseProblem
from infralint.parsers.shell.model import Command, PositionMap, Script
from infralint.parsers.shell.walk import _Walker
from infralint.parsers.shell.words import _decode_static

# ------------------------------------------------------------------------------ entry points

MAX_PROBLEMS = 10
# tree-sitter-bash keeps the here-documents a line opens until their bodies, at a cost per
# token that grows with them: 16,000 `<<E` on one line took 30 s. A script with a line that
# opens more is not parsed (a few per line is the most real scripts use).
MAX_HEREDOCS_PER_LINE = 64


def parse_shell(text: str, origin: PositionMap | None = None) -> Script:
    """Parse a POSIX/bash script with tree-sitter-bash. Never raises on bad input: syntax errors
    become `Script.problems` and every command that can be read is still returned."""
    from infralint.parsers import _treesitter

    origin = origin or PositionMap.for_text(text)
    script = Script(text)
    if not text.strip():
        return script
    if _opens_too_many_heredocs(text):
        message = (
            f"a line opens over {MAX_HEREDOCS_PER_LINE} here-documents: the script is not read"
        )
        script.problems.append(ParseProblem(message, origin.span(0, 0)))
        return script
    converter = _treesitter.OffsetConverter(text)
    tree = _treesitter.parse("bash", converter.data)
    root = tree.root_node
    try:
        _Walker(script, converter, origin).run(root)
    except Exception as error:  # a tree shape the walk does not expect: keep what was read
        script.problems.append(
            ParseProblem(
                f"shell script only partly read ({type(error).__name__})", origin.span(0, 0)
            )
        )
    for node in _treesitter.syntax_errors(root)[:MAX_PROBLEMS]:
        span = origin.span(converter.char(node.start_byte), converter.char(node.end_byte))
        if node.is_missing:
            message = f"shell syntax error: missing '{node.type}'"
        else:
            near = " ".join(converter.node_text(node).split())[:40]
            message = f"shell syntax error near '{near}'" if near else "shell syntax error"
        script.problems.append(ParseProblem(message, span))
    return script


def _opens_too_many_heredocs(text: str) -> bool:
    if text.count("<<") <= MAX_HEREDOCS_PER_LINE:  # the common case: one count, no split
        return False
    return any(line.count("<<") > MAX_HEREDOCS_PER_LINE for line in text.split("\n"))


SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})


def inner_script(command: Command) -> Script | None:
    """The script run by `sh -c '…'` / `bash -eux -c "…"`, when that string is one static word,
    with positions mapped into the outer file. None for anything else."""
    found = inner_body(command)
    return parse_shell(*found) if found is not None else None


def inner_body(command: Command) -> tuple[str, PositionMap] | None:
    """The text of `inner_script` and its map into the outer file, unparsed."""
    words = list(command.args)
    if command.program == "busybox" and words and words[0].text in SHELLS:
        words = words[1:]
    elif command.program not in SHELLS:
        return None
    has_c = False
    index = 0
    while index < len(words):
        text = words[index].text
        if text == "--":
            index += 1
            break
        if text[:1] not in ("-", "+") or len(text) < 2:
            break
        short = not text.startswith("--")
        if short and "c" in text[1:]:
            has_c = True
        # `-o pipefail`, `-eo pipefail`: the option name is the next word.
        index += 2 if short and text[-1] in ("o", "O") else 1
    if not has_c or index >= len(words):
        return None
    word = words[index]
    if not word.static:
        return None
    decoded = _decode_static(word.raw)
    if decoded is None:
        return None
    body, pieces = decoded
    shifted = [(new, word.offset + old, length) for new, old, length in pieces]
    return body, word.origin.compose(shifted)
