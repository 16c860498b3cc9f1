"""Text from the scanned tree, made safe to show to a person.

Paths and finding messages come from a repository we do not trust. Printed raw, a newline forges
a finding line (or, in a GitHub Actions log, a `::error` workflow command), an escape sequence
drives the terminal (OSC 52 writes the clipboard) and a bidi override reorders what the reader
sees. `visible` shows such characters as Python-style escapes instead, so they are seen, not
obeyed. It is for human-readable output; machine formats (JSON, SARIF) keep the exact text.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidi marks, embeddings, overrides and isolates, and the Unicode
# line and paragraph separators. Lone surrogates DC80-DC9F are undecodable bytes 0x80-0x9F of a
# file name (PEP 383), which would reach the terminal as raw C1 controls.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\udc80-\udc9f]"
)
BRIEF_LIMIT = 80  # characters of a value quoted in an error message
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDC9F:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, keep: str = "") -> str:
    """`text` with every control, bidi and line-separator character written as an escape
    (`\\x1b`, `\\n`, `\\u202e`), except the characters in `keep` (for formats that carry line
    breaks safely themselves)."""
    if UNSAFE.search(text) is None:
        return text  # the common case, at the cost of one scan
    return UNSAFE.sub(lambda m: m[0] if m[0] in keep else _escape(m[0]), text)


def brief_repr(value: object) -> str:
    """A short `repr` for an error message: a value from a config file may be huge, deeply nested
    or (through YAML aliases) exponentially large when written out in full."""
    import reprlib

    shortener = reprlib.Repr()
    shortener.maxlevel = 2
    shortener.maxlist = shortener.maxtuple = shortener.maxdict = shortener.maxset = 4
    shortener.maxstring = shortener.maxother = BRIEF_LIMIT
    shown = visible(shortener.repr(value))
    return shown if len(shown) <= BRIEF_LIMIT else shown[: BRIEF_LIMIT - 3] + "..."


# In JSON text these can only stand inside strings, where `\uXXXX` is the same value.
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def json_text(serialized: str) -> str:
    """Serialized JSON with the characters `json.dumps(ensure_ascii=False)` leaves raw and a
    terminal or viewer would obey (C1 controls, bidi overrides) written as `\\uXXXX` escapes.

    Lone surrogates are escaped too: file names that are not valid UTF-8 reach us as lone
    surrogates (PEP 383), and as `\\udcXX` escapes the JSON stays valid UTF-8 and loses
    nothing (`os.fsencode` of the decoded string gives back the original bytes)."""
    if _JSON_UNSAFE.search(serialized) is None:
        return serialized
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match[0]):04x}", serialized)
