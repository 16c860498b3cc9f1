"""--fix: golden before/after per fixture, idempotence, refusals, bytes kept, guarded writes."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from infralint.fixes import (
    FileFix,
    FixRefused,
    apply_edits,
    decode_exactly,
    encode_exactly,
    fix_roots,
    fix_text,
    normalise_newlines,
    open_target,
    write_atomically,
)
from infralint.model import Finding, Fix, Severity, Span
from tests.conftest import REPO
from tests.test_cli import run

CASES = sorted(path for path in (REPO / "fixtures" / "fixes").iterdir() if path.is_dir())


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".infralint_cache" not in path.parts
    }


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_fix_matches_golden_and_is_idempotent(
    case: Path, tmp_path: Path, update_goldens: bool
) -> None:
    work = tmp_path / "work"
    shutil.copytree(case / "input", work)
    unsafe = ["--unsafe-fixes"] if (case / "unsafe").exists() else []
    first = run(["check", "--no-cache", "--select", "ALL", "--fix", *unsafe, "."], work)
    assert "Traceback" not in first.stderr
    if update_goldens:
        shutil.rmtree(case / "expected", ignore_errors=True)
        shutil.copytree(work, case / "expected")
    assert _files(work) == _files(case / "expected")
    again = run(["check", "--no-cache", "--select", "ALL", "--fix", *unsafe, "--diff", "."], work)
    assert again.returncode == 0 and again.stdout == "", again.stdout


def test_diff_changes_no_file(tmp_path: Path) -> None:
    case = CASES[0]
    shutil.copytree(case / "input", tmp_path / "work")
    before = _files(tmp_path / "work")
    result = run(["check", "--no-cache", "--select", "ALL", "--diff", "."], tmp_path / "work")
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/")
    assert _files(tmp_path / "work") == before


def test_apply_edits_skips_overlaps_and_keeps_order() -> None:
    text = "abc\ndef\n"
    edits = [Fix(Span(1, 2, 1, 3), "B"), Fix(Span(1, 1, 1, 4), "X"), Fix(Span(2, 4, 2, 4), "!")]
    fixed, count = apply_edits(text, edits)
    assert fixed == "X\ndef!\n" and count == 2


def _finding(code: str, fix: Fix | None = None) -> Finding:
    return Finding(code, "n", Severity.WARNING, f"{code} message", "f", Span(1), fix=fix)


def test_fix_that_adds_a_finding_is_refused() -> None:
    finding = _finding("DF999", Fix(Span(1, 1, 1, 2), "Y"))
    outcome = fix_text("x\n", [finding], lambda text: [_finding("DF998")], False, "f")
    assert outcome.fixed == "x\n" and outcome.refused


def test_file_with_parse_error_is_never_fixed() -> None:
    findings = [_finding("IL001"), _finding("DF999", Fix(Span(1, 1, 1, 2), "Y"))]
    outcome = fix_text("x\n", findings, lambda text: [], False, "f")
    assert outcome.fixed == "x\n" and "IL001" in outcome.refused[0]


def test_unsafe_fixes_need_the_flag() -> None:
    finding = _finding("DF999", Fix(Span(1, 1, 1, 2), "Y", safe=False))
    assert fix_text("x\n", [finding], lambda text: [], False, "f").fixed == "x\n"
    assert fix_text("x\n", [finding], lambda text: [], True, "f").fixed == "Y\n"


# --------------------------------------------------------------------------- bytes kept


def test_edits_keep_every_line_ending_outside_them() -> None:
    text = "a\r\nbc\nd\re\r\n"
    fixed, count = apply_edits(text, [Fix(Span(2, 2, 3, 2), "X\nY")])
    assert count == 1
    assert fixed == "a\r\nbX\r\nY\re\r\n"  # the new break takes the most common ending


def test_an_edit_ending_at_a_line_break_keeps_it() -> None:
    fixed, _ = apply_edits("one\r\ntwo\r\n", [Fix(Span(1, 1, 1, 4), "ONE")])
    assert fixed == "ONE\r\ntwo\r\n"


def test_a_whole_file_replacement_changes_only_what_differs() -> None:
    text = "keep\r\nold\nkeep too\r"
    whole = Fix(Span(1, 1, 4, 1), "keep\nnew\nkeep too\n")
    assert apply_edits(text, [whole])[0] == "keep\r\nnew\nkeep too\r"


@st.composite
def _text_and_edits(draw: st.DrawFn) -> tuple[str, list[Fix]]:
    lines = draw(st.lists(st.text("ab \t", max_size=5), min_size=1, max_size=6))
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines)))
    text = "".join(line + end for line, end in zip(lines, ends, strict=False))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    position = st.tuples(st.integers(1, len(lines) + 1), st.integers(1, 7))
    edits = []
    for start, end in draw(st.lists(st.tuples(position, position), max_size=3)):
        first, last = sorted([start, end])
        edits.append(Fix(Span(*first, *last), draw(st.text("xy\n", max_size=4))))
    return text, edits


@given(_text_and_edits())
@settings(max_examples=300, deadline=None)
def test_edits_on_own_line_endings_match_edits_on_normalised_text(
    case: tuple[str, list[Fix]],
) -> None:
    """Whatever a file's line endings, the text the checks see is fixed exactly as before
    (the other tests show the endings themselves are kept)."""
    text, edits = case
    try:
        fixed, count = apply_edits(text, edits)
    except FixRefused:  # only a deletion between a lone CR and an LF
        assume(False)
    reference, reference_count = _apply_on_normalised(normalise_newlines(text), edits)
    assert normalise_newlines(fixed) == reference and count == reference_count
    if not edits:
        assert fixed == text


def _apply_on_normalised(text: str, edits: list[Fix]) -> tuple[str, int]:
    """The original algorithm, on LF-only text: the reference for the property above."""
    starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]

    def offset(line: int, column: int) -> int:
        return len(text) if line > len(starts) else min(starts[line - 1] + column - 1, len(text))

    ranges = []
    for edit in edits:
        start = offset(edit.span.line, edit.span.column)
        end = offset(edit.span.end_line, edit.span.end_column)
        ranges.append((start, max(end, start), edit.replacement))
    chosen: list[tuple[int, int, str]] = []
    for item in sorted(set(ranges)):
        if chosen and item[0] < chosen[-1][1]:
            continue
        chosen.append(item)
    for start, end, replacement in reversed(chosen):
        text = text[:start] + replacement + text[end:]
    return text, len(chosen)


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbfa\r\nb\n",
        "a\r\nb\rc".encode("utf-16-le").join([b"\xff\xfe", b""]),
        "a\nb\n".encode("utf-16-be").join([b"\xfe\xff", b""]),
        b"plain\rtext",
    ],
    ids=["utf8-bom", "utf16-le", "utf16-be", "cr-only"],
)
def test_decoding_round_trips_to_the_same_bytes(raw: bytes) -> None:
    text, encoding = decode_exactly(raw)
    assert encode_exactly(text, encoding) == raw


def test_undecodable_or_unencodable_text_is_refused() -> None:
    with pytest.raises(FixRefused):
        decode_exactly(b"\xff\xfe\x00")  # odd-length UTF-16
    _, encoding = decode_exactly(b"x\n")
    with pytest.raises(FixRefused):
        encode_exactly("\udc80", encoding)


# --------------------------------------------------------------------------- guarded writes


def test_only_files_inside_the_given_paths_may_be_written(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (outside / "f").write_text("x\n")
    (repo / "own").write_text("x\n")
    (repo / "link").symlink_to(outside / "f")
    (repo / "inner-link").symlink_to(repo / "own")
    os.link(outside / "f", repo / "hard")
    os.mkfifo(repo / "fifo")
    roots = fix_roots([str(repo)])
    assert open_target(str(repo / "own"), roots, "", 100).real_path == str(repo / "own")
    assert open_target(str(repo / "inner-link"), roots, "", 100).real_path == str(repo / "own")
    reasons = {}
    for name in ("link", "hard", "fifo"):
        with pytest.raises(FixRefused) as refusal:
            open_target(str(repo / name), roots, "", 100)
        reasons[name] = str(refusal.value)
    assert reasons["link"] == f"it is a symlink to {outside / 'f'}, outside the paths given"
    assert "2 hard links" in reasons["hard"]
    assert reasons["fifo"] == "it is not a regular file"
    with pytest.raises(FixRefused, match="outside the paths given"):
        open_target(str(repo / "own"), fix_roots([str(repo / "link")]), "", 100)


def test_a_given_symlink_is_no_root_but_a_given_file_is(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x\n")
    (tmp_path / "link").symlink_to(tmp_path / "f")
    assert fix_roots([str(tmp_path / "link"), "-", str(tmp_path / "missing")]) == []
    assert fix_roots([str(tmp_path / "f")]) == [str(tmp_path / "f")]


def test_atomic_write_keeps_the_mode_and_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("old\n")
    path.chmod(0o640)
    target = open_target(str(path), fix_roots([str(tmp_path)]), "", 100)
    write_atomically(target, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["f"]


def test_a_file_changed_since_it_was_read_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("old\n")
    target = open_target(str(path), fix_roots([str(tmp_path)]), "", 100)
    path.write_text("saved by an editor\n")
    with pytest.raises(FixRefused, match="changed since it was read"):
        write_atomically(target, b"new\n")
    assert path.read_text() == "saved by an editor\n" and os.listdir(tmp_path) == ["f"]


def test_a_failed_write_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f"
    path.write_text("old\n")
    target = open_target(str(path), fix_roots([str(tmp_path)]), "", 100)

    def disk_full(fd: int) -> None:  # delayed allocation reports a full disk at fsync
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_atomically(target, b"new\n")
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["f"]


def test_diff_shows_line_endings_and_a_missing_final_newline() -> None:
    outcome = FileFix("f", "a\r\nb", "a\nb")
    assert outcome.diff().splitlines(keepends=True)[2:] == [
        "@@ -1,2 +1,2 @@\n",
        "-a\r\n",
        "+a\n",
        " b\n",
        "\\ No newline at end of file\n",
    ]


def test_a_new_line_break_never_fuses_with_a_lone_cr() -> None:
    fixed, _ = apply_edits("\ra\n", [Fix(Span(1, 1, 1, 2), "\n\n")])
    assert normalise_newlines(fixed) == "\n\na\n" and fixed.startswith("\r")
    with pytest.raises(FixRefused, match="fuse"):
        apply_edits("a\rX\nb", [Fix(Span(2, 1, 2, 2), "")])


def test_diff_shows_control_characters_escaped_and_keeps_line_ends() -> None:
    """A path or line of the scanned tree cannot forge diff lines or drive the terminal."""
    outcome = FileFix(
        "x\n+++ b/forged", "keep\tme\r\nold \x1b]52;c;eA==\x07\n", "keep\tme\r\nnew\n"
    )
    shown = outcome.diff()
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown.splitlines(keepends=True)[:2] == [
        "--- a/x\\n+++ b/forged\n",
        "+++ b/x\\n+++ b/forged\n",
    ]
    assert " keep\tme\r\n" in shown  # tabs and CRLF stay: the diff still applies
    assert "-old \\x1b]52;c;eA==\\x07\n" in shown
