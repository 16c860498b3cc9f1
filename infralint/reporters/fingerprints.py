"""GitHub code scanning's `primaryLocationLineHash`, computed the way its upload action does.

Code scanning tracks an alert across commits by this key alone. github/codeql-action computes it
when it uploads a SARIF file (src/fingerprints.ts) but a REST API upload gets none, so we write it
ourselves, and it must be the same value the action would compute (the action warns when a
written value differs).

The algorithm, reimplemented from its description:

- The file is read as UTF-16 code units (JavaScript strings). Spaces and tabs are skipped. `\\r`,
  `\\n` and `\\r\\n` all count as one `\\n`. After the last character comes a marker (65535),
  then padding zeros.
- Every line's hash is a polynomial rolling hash (base 37, 64-bit wrap-around) of the 100
  characters that follow the line's start, across line ends.
- The value is the unsigned hash in lowercase hex without leading zeros, then `:` and how many
  times that hash has been seen so far in the file (1 for the first occurrence).

A file that ends with a line break has one more (empty) line at the end, as in the action.

Also here, because GitHub's annotations and GitLab's reports need it as well as SARIF, and
sarif.py imports sarif-om: the repository-relative path GitHub places results by.
"""

from __future__ import annotations

import os
import sys
from array import array
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from infralint.reader import native_name, utf8_name

if TYPE_CHECKING:
    from infralint.reporters import Report

BLOCK_SIZE = 100
_BASE = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_BASE, BLOCK_SIZE, 1 << 64)
_EOF = 65535
_SPACE, _TAB, _LF, _CR = 0x20, 0x09, 0x0A, 0x0D


def _normalized_units(text: str) -> array[int]:
    """The characters the hash sees: line breaks as `\\n`, no spaces or tabs, UTF-16 units.

    The action pairs `\\r` with a `\\n` only when they are adjacent (a space between them makes
    two line breaks), which is exactly what these replacements do, in this order.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
    units = array("H")
    units.frombytes(text.encode("utf-16-le", errors="surrogatepass"))
    if sys.byteorder == "big":
        units.byteswap()
    return units


def line_hashes(text: str) -> list[str]:
    """`primaryLocationLineHash` of every line of `text`; index 0 is line 1."""
    units = _normalized_units(text)
    size = len(units)
    units.append(_EOF)
    units.extend([0] * BLOCK_SIZE)
    # A line starts at 0 and after every line break (the marker starts the line after a final one).
    starts = [0, *(index + 1 for index, unit in enumerate(units[:size]) if unit == _LF)]
    hashes: list[str] = []
    seen: dict[str, int] = {}
    value = 0
    for unit in units[:BLOCK_SIZE]:
        value = (value * _BASE + unit) & _MASK
    position = 0
    for start in starts:
        # Roll the window forward until it begins at this line's first character.
        while position < start:
            value = (
                value * _BASE + units[position + BLOCK_SIZE] - _FIRST_MOD * units[position]
            ) & _MASK
            position += 1
        digest = format(value, "x")
        seen[digest] = seen.get(digest, 0) + 1
        hashes.append(f"{digest}:{seen[digest]}")
    return hashes


def text_from_lines(lines: list[str]) -> str:
    """Rebuild a file's text from its lines for hashing.

    Lines that keep their endings (`splitlines(keepends=True)`) are joined as they are. Lines
    without endings are assumed to come from a file that ends with a line break, as nearly all
    text files do; the hashes of the last lines depend on it.
    """
    if any(line.endswith(("\n", "\r")) for line in lines):
        return "".join(lines)
    return "".join(line + "\n" for line in lines)


def normalized(path: Path) -> Path:
    """`path` with `.` and `..` folded, without resolving symlinks."""
    return Path(os.path.normpath(path))


def repo_relative(display_path: str, report: Report) -> str | None:
    """`display_path` relative to the project root (POSIX), or None when it lies outside.

    Display paths are UTF-8 text (reader.utf8_name); they go back to the file system's own
    form before they meet the (native) working directory and root."""
    return _repo_relative(display_path, str(report.cwd), str(report.project_root))


# Asked for every finding (and its fix and related places), in path order: a few recent
# answers make it work per file. Plain strings, not pathlib, which interns every name's parts.
@lru_cache(maxsize=8)
def _repo_relative(display_path: str, cwd: str, project_root: str) -> str | None:
    absolute = os.path.normpath(os.path.join(cwd, native_name(display_path)))
    root = os.path.normpath(project_root)
    relative = _relative(absolute, root)
    if relative is None:  # through a symbolic link, perhaps (a system's /tmp, a checkout's)
        relative = _relative(os.path.realpath(absolute), os.path.realpath(root))
    return None if relative is None else utf8_name(relative)


def _relative(path: str, base: str) -> str | None:
    if path == base or path.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, base)
    return None
