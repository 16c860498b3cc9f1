"""`--fix`: apply the text edits that checks attach to their violations.

Safe fixes are mechanical and keep behaviour; unsafe ones need `--unsafe-fixes`. A file with an
IL001 finding is never changed. A file's edits are applied together and the file is re-checked in
memory; when that would produce a finding it did not have, the file is left alone. Passes repeat
until nothing changes, so a second `--fix` changes nothing.

The scanned tree is hostile, so writing is guarded:
- only regular files with a single link, whose real path lies inside the paths given on the
  command line, are written: never a file reached through a symlink, a hard link or a compose
  build context that leads out of them;
- every byte outside the edits stays as it was: line endings (mixed, CR only), the BOM, the
  encoding (UTF-8 or UTF-16) and a missing final newline; a file whose edit cannot be encoded
  is not fixed;
- the fixes are computed from the bytes read once, and the file is replaced only if it still
  holds those bytes, by renaming a temporary file written and synced beside it.
A refused file is reported, and the run goes on with the others.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from infralint.model import Finding, Fix, Span
from infralint.reader import inside
from infralint.textsafe import visible
from infralint.writer import write_atomic

MAX_PASSES = 4
_NUMBER = re.compile(r"\d+")
_LINE_END = re.compile(r"\r\n|\r|\n")
# Lines as diff and patch see them: only LF ends one (a CR stays part of the line).
_DIFF_LINE = re.compile(r"[^\n]*\n|[^\n]+")
UTF8_BOM = b"\xef\xbb\xbf"
_OPEN_FLAGS = os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0)


class FixRefused(Exception):
    """A file's fix is not applied; the message says why (it follows "not fixed: ")."""


@dataclass
class FileFix:
    """One file's fix. `original` and `fixed` keep the file's own line endings."""

    path: str  # display path
    original: str
    fixed: str
    applied: int = 0
    refused: list[str] = field(default_factory=list)
    fixed_codes: dict[str, int] = field(default_factory=dict)  # what went away, per rule

    def diff(self) -> str:
        """A unified diff of exactly what a write would change, line endings included."""
        lines = difflib.unified_diff(
            _DIFF_LINE.findall(self.original),
            _DIFF_LINE.findall(self.fixed),
            fromfile=f"a/{visible(self.path)}",
            tofile=f"b/{visible(self.path)}",
        )
        return "".join(_marked_line_ends(lines))


def _marked_line_ends(lines: Iterator[str]) -> Iterator[str]:
    """Each diff line as a terminal may show it, and a line without a line ending is the file's
    last: say so, as diff and git do."""
    for line in lines:
        if line.endswith("\n"):
            yield _shown(line)
        else:
            yield _shown(line) + "\n\\ No newline at end of file\n"


def _shown(line: str) -> str:
    """A diff line with the scanned file's control characters escaped (an escape sequence in a
    Dockerfile must not drive the terminal of whoever reads the diff); tabs and carriage returns
    stay, as they are line endings of CR and CRLF files, so the diff still applies with patch."""
    return visible(line.removesuffix("\n"), keep="\t\r") + ("\n" if line.endswith("\n") else "")


# --------------------------------------------------------------------------- text and edits


def normalise_newlines(text: str) -> str:
    """CR LF and CR as LF: the text every parser and check sees (as engine.decode makes it)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def dominant_newline(text: str) -> str:
    """The file's most common line ending (LF when it has none): new lines are ended with it."""
    counts = Counter(_LINE_END.findall(text))
    if not counts:
        return "\n"
    return max(("\n", "\r\n", "\r"), key=lambda ending: counts[ending])


class _Lines(NamedTuple):
    """Where each line starts in a text with its own line endings, and in its normalised form."""

    raw: list[int]
    normalised: list[int]
    normalised_length: int


def _line_starts(text: str) -> _Lines:
    raw, normalised = [0], [0]
    extra = 0  # characters CR LF endings add before the current line
    for match in _LINE_END.finditer(text):
        extra += len(match.group()) - 1
        raw.append(match.end())
        normalised.append(match.end() - extra)
    return _Lines(raw, normalised, len(text) - extra)


def _normalised_offset(lines: _Lines, line: int, column: int) -> int:
    """A span position as an offset into the normalised text (past the end: the end)."""
    if line > len(lines.normalised):
        return lines.normalised_length
    return min(lines.normalised[line - 1] + column - 1, lines.normalised_length)


def _raw_offset(lines: _Lines, offset: int) -> int:
    """The same place in the text with its own line endings: line endings are the only
    difference, so the offset within the line carries over."""
    index = bisect_right(lines.normalised, offset) - 1
    return lines.raw[index] + offset - lines.normalised[index]


def _common_prefix(first: str, second: str) -> int:
    """Length of the longest common prefix, by halving (string comparison runs in C)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[low:middle] == second[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _trimmed(old: str, new: str) -> tuple[int, int, str]:
    """(characters kept at the start, characters kept at the end, the replacement between):
    an edit that rewrites a whole file (PY301) then changes only what differs."""
    head = _common_prefix(old, new)
    tail = _common_prefix(old[head:][::-1], new[head:][::-1])
    return head, tail, new[head : len(new) - tail]


def apply_edits(text: str, edits: list[Fix]) -> tuple[str, int]:
    """Apply non-overlapping edits (later ones first); overlapping ones wait for the next pass.

    Span positions refer to the normalised text (only LF ends a line). `text` may have its own
    line endings: they are kept outside the edits, and line breaks an edit adds take the file's
    most common ending."""
    lines = _line_starts(text)
    normalised = normalise_newlines(text)
    ranges = []
    for edit in edits:
        span: Span = edit.span
        start = _normalised_offset(lines, span.line, span.column)
        end = _normalised_offset(lines, span.end_line, span.end_column)
        ranges.append((start, max(end, start), normalise_newlines(edit.replacement)))
    ranges = sorted(set(ranges))  # by position; the same range twice: by text, not by hash order
    chosen: list[tuple[int, int, str]] = []
    for item in ranges:
        if chosen and item[0] < chosen[-1][1]:
            continue
        chosen.append(item)
    newline = dominant_newline(text)
    for start, end, replacement in reversed(chosen):
        head, tail, middle = _trimmed(normalised[start:end], replacement)
        raw_start = _raw_offset(lines, start + head)
        raw_end = _raw_offset(lines, end - tail)
        before, after = text[:raw_start], text[raw_end:]
        text = before + _line_broken(before, middle, after, newline) + after
    return text, len(chosen)


def _line_broken(before: str, middle: str, after: str, newline: str) -> str:
    """`middle` with `newline` line breaks, unless a CR left of it and an LF right of it would
    then read as one CR LF: CR LF breaks never fuse. An edit that would fuse either way (a
    deletion between a lone CR and an LF) is refused."""
    piece = middle.replace("\n", newline)
    if _fuses(before, piece, after):
        piece = middle.replace("\n", "\r\n")
        if _fuses(before, piece, after):
            raise FixRefused("the edit would fuse a CR and an LF line ending into one")
    return piece


def _fuses(before: str, piece: str, after: str) -> bool:
    return (before.endswith("\r") and (piece or after).startswith("\n")) or (
        piece.endswith("\r") and after.startswith("\n")
    )


def _fixable(findings: list[Finding], unsafe: bool) -> list[Fix]:
    return [f.fix for f in findings if f.fix is not None and (f.fix.safe or unsafe)]


def _introduces_findings(before: list[Finding], after: list[Finding]) -> list[str]:
    """Findings (by rule and message) the fix would add. Numbers in messages are ignored: a
    message that names a line ("see line 12") must not look new when a fix moves lines."""

    def key(finding: Finding) -> tuple[str, str]:
        return finding.code, _NUMBER.sub("#", finding.message)

    old = Counter(key(f) for f in before)
    new = Counter(key(f) for f in after)
    return sorted(f"{code}: {text}" for (code, text), n in new.items() if n > old[(code, text)])


def fix_text(
    text: str,
    findings: list[Finding],
    recheck: Callable[[str], list[Finding]],
    unsafe: bool,
    path: str,
) -> FileFix:
    """Fix one file's text (its own line endings kept) given the findings of that very text.
    `recheck(text)` lints a candidate's normalised text in memory."""
    outcome = FileFix(path, text, text)
    current_text, current = text, findings
    for _ in range(MAX_PASSES):
        if any(f.code == "IL001" for f in current):
            outcome.refused.append("the file has a parse error (IL001)")
            break
        edits = _fixable(current, unsafe)
        if not edits:
            break
        candidate, count = apply_edits(current_text, edits)
        if candidate == current_text:
            break
        after = recheck(normalise_newlines(candidate))
        introduced = _introduces_findings(current, [f for f in after if f.code not in {"IL002"}])
        if introduced:
            outcome.refused.append("the fix would add " + "; ".join(introduced))
            break
        current_text, current = candidate, after
        outcome.applied += count
    outcome.fixed = current_text
    if current is not findings:
        gone = Counter(f.code for f in findings if f.fix) - Counter(f.code for f in current)
        outcome.fixed_codes = dict(gone)
    return outcome


# --------------------------------------------------------------------------- bytes and text


class Encoding(NamedTuple):
    """How a file's text is stored: the BOM it starts with and the codec of the rest."""

    bom: bytes
    codec: str


def decode_exactly(raw: bytes) -> tuple[str, Encoding]:
    """The text of `raw` with its own line endings, and how to encode it back to the same bytes
    (the encodings engine.decode reads); FixRefused when that is not possible."""
    if raw.startswith(UTF8_BOM):
        encoding = Encoding(UTF8_BOM, "utf-8")
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = Encoding(raw[:2], "utf-16-le" if raw[:2] == b"\xff\xfe" else "utf-16-be")
    else:
        encoding = Encoding(b"", "utf-8")
    body = raw[len(encoding.bom) :]
    try:
        text = body.decode(encoding.codec)
    except UnicodeDecodeError:
        raise FixRefused(f"the file is not valid {encoding.codec.upper()}") from None
    if text.encode(encoding.codec) != body:
        raise FixRefused(f"the file's {encoding.codec.upper()} text does not round-trip")
    return text, encoding


def encode_exactly(text: str, encoding: Encoding) -> bytes:
    try:
        return encoding.bom + text.encode(encoding.codec)
    except UnicodeEncodeError:
        raise FixRefused(f"the fixed text cannot be written as {encoding.codec.upper()}") from None


# --------------------------------------------------------------------------- where fixes may write


def fix_roots(paths: list[str]) -> list[str]:
    """The real paths `--fix` may write under: each directory given on the command line, and
    each given file that is not itself a symlink (a symlink's target was not given)."""
    roots = []
    for path in paths:
        if path == "-":
            continue
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode) and not os.path.isdir(path):
            continue
        roots.append(os.path.realpath(path))
    return roots


class FixTarget(NamedTuple):
    """A file `--fix` may write: its real path, and the bytes its fixes are computed from."""

    real_path: str
    raw: bytes
    text: str  # with the file's own line endings
    encoding: Encoding


def open_target(path: str, roots: list[str], reason: str, max_size: int) -> FixTarget:
    """Read a file that `--fix` may rewrite; FixRefused says why it may not."""
    real = os.path.realpath(path)
    if not inside(real, tuple(roots)):
        if os.path.islink(path):
            raise FixRefused(f"it is a symlink to {real}, outside the paths given")
        how = f" (found as {reason})" if reason else ""
        raise FixRefused(f"it lies outside the paths given on the command line{how}")
    try:
        fd = os.open(real, os.O_RDONLY | _OPEN_FLAGS)
    except OSError as error:
        raise FixRefused(f"cannot read the file: {error.strerror}") from None
    try:
        _check_writable(os.fstat(fd))
        raw = _read_at_most(fd, max_size + 1)
    finally:
        os.close(fd)
    if len(raw) > max_size:
        raise FixRefused("the file grew over the max-file-size limit since it was checked")
    text, encoding = decode_exactly(raw)
    return FixTarget(real, raw, text, encoding)


def _check_writable(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise FixRefused("it is not a regular file")
    if info.st_nlink > 1:
        raise FixRefused(
            f"it has {info.st_nlink} hard links (another name may lie outside the given paths)"
        )


def write_atomically(target: FixTarget, data: bytes) -> None:
    """Replace the file with `data` if it still holds the bytes the fix was computed from.

    The data goes to a new file beside it (an unpredictable name, created exclusively, never
    through a symlink), is synced, takes the file's mode and, where permitted, its owner, and is
    renamed over it; the directory is synced after. On any error the new file is removed and
    the file is left as it was."""
    directory, name = os.path.split(target.real_path)
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        info = _unchanged(dir_fd, name, target.raw)
        mode, owner = stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)
        write_atomic(dir_fd, name, data, mode=mode, owner=owner)
    finally:
        os.close(dir_fd)


def _unchanged(dir_fd: int, name: str, expected: bytes) -> os.stat_result:
    """The file's status, when it is still the regular file holding `expected`."""
    fd = os.open(name, os.O_RDONLY | _OPEN_FLAGS, dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        _check_writable(info)
        current = _read_at_most(fd, len(expected) + 1)
    finally:
        os.close(fd)
    if current != expected:
        raise FixRefused("the file changed since it was read")
    return info


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks = []
    while limit > 0:
        chunk = os.read(fd, min(limit, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)
