"""Reports are written a file's findings at a time: a run's findings are never all in memory,
as objects or as text, whatever the format (issue 17: 10x the files, flat memory)."""

from __future__ import annotations

import gc
import json
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from conftest_goldens import sample_report
from hypothesis import given
from hypothesis import strategies as st

from infralint.finding_log import FindingLog
from infralint.model import Finding, Fix, Severity, Span
from infralint.reporters import REPORTERS, Report, render_chunks
from infralint.reporters.json_stream import Streamed, document_chunks
from infralint.reporters.recent import Recent
from infralint.textsafe import json_text

# --------------------------------------------------------------------------- json_stream

LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()


def _json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        LEAVES,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )


def _streamed(value: Any, choices: Iterator[bool]) -> Any:
    """`value` with some of its lists (chosen by `choices`) made Streamed generators."""
    if isinstance(value, dict):
        return {key: _streamed(item, choices) for key, item in value.items()}
    if isinstance(value, list):
        items = [_streamed(item, choices) for item in value]
        return Streamed(item for item in items) if next(choices, False) else items
    return value


@given(_json_values(), st.lists(st.booleans(), max_size=40))
def test_streamed_text_is_json_dumps(value: Any, choices: list[bool]) -> None:
    expected = json_text(json.dumps(value, indent=2, ensure_ascii=False)) + "\n"
    assert "".join(document_chunks(_streamed(value, iter(choices)))) == expected


def test_a_streamed_array_is_read_once_as_it_is_written() -> None:
    made: list[int] = []

    def items() -> Iterator[dict[str, int]]:
        for number in range(3):
            made.append(number)
            yield {"n": number}

    chunks = document_chunks({"head": 1, "items": Streamed(items()), "tail": []})
    assert next(chunks) == '{\n  "head": '
    assert made == []  # nothing made before it is written
    text = "".join(chunks)
    assert made == [0, 1, 2]
    assert json.loads('{\n  "head": ' + text) == {
        "head": 1,
        "items": [{"n": 0}, {"n": 1}, {"n": 2}],
        "tail": [],
    }


def test_recent_reads_a_file_once_while_it_is_recent() -> None:
    reads: list[str] = []

    def read(path: str) -> str:
        reads.append(path)
        return path.upper()

    recent = Recent(read, keep=2)
    assert [recent(p) for p in ("a", "a", "b", "a", "c", "b", "a")] == list("AABACBA")
    # "b" was the oldest when "c" came, then "a" when "b" came back.
    assert reads == ["a", "b", "c", "b", "a"]


# --------------------------------------------------------------------------- bounded memory


SOURCE = [f"RUN step {number} && echo done\n" for number in range(40)]


def _findings(files: int, per_file: int) -> Iterator[list[Finding]]:
    for index in range(files):
        path = f"service{index:05d}/Dockerfile"
        yield [
            Finding(
                f"DF{100 + number % 50}",
                "some-rule-name",
                (Severity.ERROR, Severity.WARNING, Severity.NOTE)[number % 3],
                f"finding {number} of {path}: something is not pinned here",
                path,
                Span(1 + number % 40, 1 + number % 7, 1 + number % 40, 12),
                f"{index:016x}{number:016x}",
                fix=Fix(Span(1 + number % 40, 1, 1 + number % 40, 4), "CMD", safe=True)
                if number % 5 == 0
                else None,
            )
            for number in range(per_file)
        ]


def _large_report(files: int, per_file: int) -> tuple[Report, FindingLog]:
    log = FindingLog()
    paths = []
    for group in _findings(files, per_file):
        log.add(group)
        paths.append(group[0].path)
    report = sample_report(
        findings=log,
        suppressed=[],
        notifications=[],
        files_checked=files,
        checked_paths=paths,
        source_lines=lambda _path: SOURCE,
    )
    return report, log


def _peak_while_written(format_name: str, report: Report) -> int:
    """The peak of live memory while the report is written. json.dumps with an indent leaves
    a little cyclic garbage per call, which the collector frees: it collects at its default
    pace here, whatever an earlier test in this process set (engine.tune_gc)."""
    was_enabled, threshold = gc.isenabled(), gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.enable()
    gc.collect()
    tracemalloc.start()
    try:
        for _chunk in render_chunks(format_name, report):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.set_threshold(*threshold)
        if not was_enabled:
            gc.disable()


@pytest.mark.parametrize("format_name", sorted(REPORTERS))
def test_a_report_holds_one_file_of_findings_not_the_run(format_name: str) -> None:
    """Ten times the findings (and files) may cost the per-file bookkeeping of the extra files
    (a path string, a set entry: well under 1 KB each), never the findings themselves, which
    take ~1 KB each as objects and several times that as SARIF."""
    small, small_log = _large_report(files=40, per_file=10)
    large, large_log = _large_report(files=400, per_file=10)
    try:
        _peak_while_written(format_name, small)  # imports and first-use caches, not counted
        small_peak = _peak_while_written(format_name, small)
        large_peak = _peak_while_written(format_name, large)
    finally:
        small_log.close()
        large_log.close()
    extra_files = 360
    assert large_peak - small_peak < extra_files * 1024, (small_peak, large_peak)


# --------------------------------------------------------------------------- junit names


def test_junit_cases_stay_unique_when_two_names_show_alike() -> None:
    # Undecodable bytes of two file names both show as U+FFFD: the second path is numbered.
    first, second = "caf\udce9/Dockerfile", "caf\udce8/Dockerfile"
    findings = [
        Finding("DF101", "base-image-untagged", Severity.WARNING, "untagged", path, Span(1, 6))
        for path in sorted((first, second))
    ]
    report = sample_report(findings=findings, notifications=[], checked_paths=[first, second])
    text = "".join(render_chunks("junit", report))
    cases = ET.fromstring(text).findall("testsuite/testcase")
    keys = [(case.get("classname"), case.get("name")) for case in cases]
    assert len(keys) == 2 and len(set(keys)) == 2, keys
    assert [key[0] for key in keys] == ["caf\ufffd/Dockerfile", "caf\ufffd/Dockerfile (2)"]
