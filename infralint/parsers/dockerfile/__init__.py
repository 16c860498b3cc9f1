"""The Dockerfile model: instructions with exact spans, heredocs, flags, stages, ARG resolution.

`dockerfile_reader` turns the physical lines into logical instruction lines the way BuildKit
does; this module turns each into an `Instruction` and the instructions into `Stage`s.
dockerfile-parse is not used: it has no columns, squashes continuations and reads heredoc
bodies as instructions, and everything it would add is done here with exact positions.

Modules: `words` (splitting and unquoting words), `instruction` (Instruction and its parts,
pairs and scripts), `document` (DockerfileDocument, Stage and stage resolution), `build`
(instructions from logical lines), `entry` (parse, parse_text). This module only re-exports
their public names, so importers keep using `infralint.parsers.dockerfile`; the modules import
one another directly, never through this package (that would be an import cycle).
"""

from __future__ import annotations

from infralint.parsers.dockerfile.build import JSON_KEYWORDS, KEYWORDS
from infralint.parsers.dockerfile.document import (
    MAX_ANCESTRY,
    PLATFORM_ARGS,
    DockerfileDocument,
    Stage,
    image_span,
)
from infralint.parsers.dockerfile.entry import MAX_TEXT, parse, parse_text

# The hostile-input tests time this pattern on its own.
from infralint.parsers.dockerfile.instruction import _JSON_STRING as _JSON_STRING
from infralint.parsers.dockerfile.instruction import (
    POSIX_SHELLS,
    SHEBANG_SHELL,
    Flag,
    Heredoc,
    Instruction,
    Pair,
    Token,
)
from infralint.parsers.dockerfile.words import split_words
from infralint.parsers.image_ref import (
    ImageRef,
    is_registry_host,
    looks_like_image_reference,
    parse_image_ref,
)

__all__ = [
    "JSON_KEYWORDS",
    "KEYWORDS",
    "MAX_ANCESTRY",
    "MAX_TEXT",
    "PLATFORM_ARGS",
    "POSIX_SHELLS",
    "SHEBANG_SHELL",
    "DockerfileDocument",
    "Flag",
    "Heredoc",
    "ImageRef",
    "Instruction",
    "Pair",
    "Stage",
    "Token",
    "image_span",
    "is_registry_host",
    "looks_like_image_reference",
    "parse",
    "parse_image_ref",
    "parse_text",
    "split_words",
]
