"""Inline suppressions: next construct, trailing, file level, hadolint pragmas, IL002/IL003."""

from __future__ import annotations

from infralint.catalog import load_catalog
from infralint.suppressions import parse_suppressions, python_comments, unused

CATALOG = load_catalog()


def _parse(text: str, ends: dict[int, int] | None = None, hadolint: bool = False):  # type: ignore[no-untyped-def]
    table = ends or {}
    return parse_suppressions(
        text.splitlines(), CATALOG, lambda line: table.get(line, line), hadolint_pragmas=hadolint
    )


def test_next_construct_covers_its_continuation_lines() -> None:
    text = "FROM a\n# infralint: ignore IL001, unused-suppression -- why\nRUN a \\\n  b\nRUN c\n"
    suppressions, problems = _parse(text, {3: 4})
    assert not problems
    (only,) = suppressions
    assert (only.first, only.last) == (3, 4)
    assert only.codes == {"IL001", "IL002"}
    assert only.reason == "why"
    assert only.covers("IL001", 4) and not only.covers("IL001", 5)


def test_comment_lines_between_pragma_and_construct_are_skipped() -> None:
    suppressions, _ = _parse("# infralint: ignore IL001\n# another comment\n\nFROM a\n")
    assert (suppressions[0].first, suppressions[0].last) == (4, 4)


def test_trailing_comment_covers_its_own_line() -> None:
    suppressions, _ = _parse("services:\n  web:\n    image: x  # infralint: ignore IL001\n")
    assert (suppressions[0].first, suppressions[0].last) == (3, 3)


def test_file_level() -> None:
    suppressions, _ = _parse("# infralint: ignore-file IL001\nFROM a\n")
    assert suppressions[0].file_level and suppressions[0].covers("IL001", 99)


def test_unknown_and_empty_codes_are_il003() -> None:
    _, problems = _parse("# infralint: ignore DF9999\nFROM a\n# infralint: ignore\nFROM b\n")
    assert [(p.code, p.span.line) for p in problems] == [("IL003", 1), ("IL003", 3)]
    assert "DF9999" in problems[0].message


def test_unused_reports_only_enabled_codes() -> None:
    suppressions, _ = _parse("# infralint: ignore IL001 IL003\nFROM a\n")
    problems = unused(suppressions, {"IL001"})
    assert [(p.code, p.span.line) for p in problems] == [("IL002", 1)]
    assert "IL001" in problems[0].message and "IL003" not in problems[0].message
    suppressions[0].used.add("IL001")
    assert unused(suppressions, {"IL001"}) == []


def test_hadolint_pragmas_translate_through_peers() -> None:
    peers = CATALOG.peer_map("hadolint")
    if not peers:
        return
    peer, codes = sorted(peers.items())[0]
    text = f"# hadolint ignore={peer},DL9999\nFROM a\n# hadolint global ignore={peer}\n"
    suppressions, problems = _parse(text, hadolint=True)
    assert not problems
    assert suppressions[0].codes == set(codes) and not suppressions[0].file_level
    assert suppressions[1].file_level
    assert unused(suppressions, set(codes)) == []  # foreign pragmas never raise IL002


def test_hadolint_stage_pragma_covers_the_rest_of_its_stage() -> None:
    peers = CATALOG.peer_map("hadolint")
    peer, codes = sorted(peers.items())[0]
    text = f"FROM a AS one\n# hadolint stage ignore={peer}\nRUN x\nRUN y\nFROM b\nRUN z\n"
    (stage,), _ = _parse(text, hadolint=True)
    assert (stage.first, stage.last) == (3, 4)
    assert stage.covers(codes[0], 4) and not stage.covers(codes[0], 6)


def test_coverage_finds_the_first_covering_suppression_in_file_order() -> None:
    from infralint.suppressions import Coverage, Suppression

    def make(line: int, first: int, last: int, codes: set[str], file_level: bool = False):  # type: ignore[no-untyped-def]
        return Suppression(line, 1, 2, first, last, codes, None, file_level=file_level)

    suppressions = [
        make(1, 5, 9, {"DF104"}),
        make(2, 3, 6, {"DF104", "DF105"}),
        make(3, 1, 1, {"DF105"}, file_level=True),
        make(4, 8, 12, {"DF104"}),
    ]
    queries = [(code, line) for line in range(0, 15) for code in ("DF104", "DF105", "DF106")]
    # Asked in line order, then once more out of order (the sweep starts over).
    queries += [("DF104", 4), ("DF104", 11)]
    coverage = Coverage(suppressions)
    for code, line in queries:
        expected = next((s for s in suppressions if s.covers(code, line)), None)
        assert coverage.first(code, line) is expected, (code, line)


def test_python_pragmas_count_only_in_comments() -> None:
    # A docstring or string that shows the syntax is text, not a suppression (IL002/IL003).
    source = (
        '"""Write `# infralint: ignore PY301 -- why` above the line."""\n'
        'EXAMPLE = "# infralint: ignore nothing at all"\n'
        "import subprocess  # infralint: ignore PY301 -- the one real pragma\n"
    )
    comments = python_comments(source)
    assert comments == {2: 19}
    catalog = load_catalog()
    found, problems = parse_suppressions(
        source.splitlines(), catalog, lambda line: line, comments=comments
    )
    assert [s.line for s in found] == [3] and problems == []
    assert python_comments("def broken(:\n  '''never closed\n") is None
