"""The shell model shared by every language: RUN scripts, compose commands, Chef `execute`.

It knows nothing about Dockerfiles, compose or Chef. A caller hands over the script text and a
`PositionMap` from script offsets to positions in the outer file; every Word, Redirect and Command
carries a Span in the outer file.

API (stable; other modules depend on it):
    parse_shell(text, origin=None) -> Script
    inner_script(command) -> Script | None     the script of `sh -c '…'` / `bash -c "…"`
    Script.commands            every simple command in source order, including those inside
                               subshells, command substitutions, if/while/for bodies, functions
    Script.redirects           every redirection once, in source order
    Command.name / .args       Words; Command.argv is their static text
    Command.assignments        (name, value Word) of prefix assignments (`A=1 cmd`): the Word is
                               the value only; commands.unwrap adds `env A=1 cmd` ones the same way
    Command.redirects          Redirects (operator, fd, target Word); a redirection of a group
                               (`{ a; b; } > f`, `while …; done < f`) is given to each command in it
    Command.pipeline/.pipe_index/.pipe_length   pipeline membership; the commands inside a group
                               that is one element of a pipeline share that element's pipe_index
    Command.connector          the operator before the command in its list: "&&", "||", ";",
                               "|", "|&", "&", "
" or None for the first; the first command of a
                               group gets the group's connector
    Command.background         the command (or its pipeline) ends with `&`
    Command.in_substitution    inside $(…), `…`, <(…) or >(…)
    Word.text/.raw/.static/.span    value without quotes, source text, no expansion, file span;
                               .offset/.end are code-point offsets in the script, .origin its map
    Script.problems            syntax errors (ERROR/MISSING nodes) as ParseProblems at their span
    PositionMap.compose(pieces)    the map of a string cut out of the mapped text (sh -c strings)

Declarations (`export A=1`), `[ … ]`/`[[ … ]]` tests and bare assignments (`A=$(x)`, name None)
are commands too. How the tree-sitter tree is read: the walk turns the tree into a stream of
items (commands, groups), operators and redirections in source order and applies the shell's own
precedence to it. That is deliberate: tree-sitter-bash nests `a && b > f | c` as
`(a && b > f) | c`, and keeps `cmd <<EOF | sh` operators inside the heredoc node; reading the
token order gives bash's answer (`a && (b > f | c)`) in both cases.

Modules: `model` (PositionMap, Word, Redirect, Command, Script), `words` (decoding word
text), `walk` (the tree walk), `entry` (parse_shell, inner_script). This module only re-exports
their public names, so importers keep using `infralint.parsers.shell`; the modules import one
another directly, never through this package (that would be an import cycle).
"""

from __future__ import annotations

from infralint.parsers.shell.entry import (
    MAX_HEREDOCS_PER_LINE,
    MAX_PROBLEMS,
    SHELLS,
    inner_script,
    parse_shell,
)
from infralint.parsers.shell.model import IDENTITY, Command, PositionMap, Redirect, Script, Word
from infralint.parsers.shell.walk import MAX_SUBSTITUTION_DEPTH

__all__ = [
    "IDENTITY",
    "MAX_HEREDOCS_PER_LINE",
    "MAX_PROBLEMS",
    "MAX_SUBSTITUTION_DEPTH",
    "SHELLS",
    "Command",
    "PositionMap",
    "Redirect",
    "Script",
    "Word",
    "inner_script",
    "parse_shell",
]
