"""`--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One test case per finding (a `<failure>`; IL001, a file that could not be parsed, is an
`<error>`), one passing test case per clean file, and an `<error>` test case per run problem.
Test case names are unique: several CI systems key their history on (classname, name) and merge
or drop duplicates.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from infralint.model import Finding, Notification
from infralint.reporters.by_file import files_in_order
from infralint.reporters.checkstyle import (
    XML_DECLARATION,
    document,
    element_text,
    xml_path,
    xml_text,
)

if TYPE_CHECKING:
    from infralint.reporters import Report

PARSE_ERROR = "IL001"


class UniqueNames:
    """Test case names made unique by a counter (` #2`) where they would repeat."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def __call__(self, name: str) -> str:
        candidate, counter = name, 1
        while candidate in self._used:
            counter += 1
            candidate = f"{name} #{counter}"
        self._used.add(candidate)
        return candidate


class ClassNames:
    """Each path's test case class name: its shown form, unless that form is already another
    path's (two undecodable names can show alike), then numbered. A case name starts with its
    class name, so names need only be unique within a path: no set of every name is kept."""

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}  # shown name -> the path that has it

    def __call__(self, path: str) -> str:
        shown = xml_path(path)
        candidate, counter = shown, 1
        while self._owners.setdefault(candidate, path) != path:
            counter += 1
            candidate = f"{shown} ({counter})"
        return candidate


def finding_case(finding: Finding, classname: str, unique: UniqueNames) -> ET.Element:
    span = finding.span
    where = f"{classname}:{span.line}:{span.column}"
    case = ET.Element(
        "testcase",
        classname=classname,
        name=xml_text(unique(f"{where} {finding.code} {finding.name}")),
        file=xml_path(finding.path),
        line=str(span.line),
    )
    outcome = ET.SubElement(
        case,
        "error" if finding.code == PARSE_ERROR else "failure",
        message=xml_text(finding.message),
        type=xml_text(finding.code),
    )
    outcome.text = f"{xml_path(finding.path)}:{span.line}:{span.column}" + xml_text(
        f": {finding.code} {finding.name} [{finding.severity.value}] {finding.message}"
    )
    return case


def notification_case(
    notification: Notification, classes: ClassNames, unique: UniqueNames
) -> ET.Element:
    subject = classes(notification.path) if notification.path else "infralint"
    case = ET.Element(
        "testcase", classname=subject, name=xml_text(unique(f"{subject} run problem"))
    )
    error = ET.SubElement(
        case,
        "error",
        message=xml_text(notification.message),
        type=xml_text(notification.rule or "run"),
    )
    error.text = xml_text(notification.message)
    return case


def cases(report: Report) -> Iterator[ET.Element]:
    classes = ClassNames()
    problems = UniqueNames()
    for notification in report.notifications:
        yield notification_case(notification, classes, problems)
    for entry in files_in_order(report):
        if not entry.findings and not entry.checked:
            continue  # a path only a run problem names has its case above
        classname = classes(entry.path)
        if not entry.findings:
            yield ET.Element("testcase", classname=classname, name=classname)
        unique = UniqueNames()  # names start with the class name: unique within it is enough
        for finding in entry.findings:
            yield finding_case(finding, classname, unique)


class Counts(NamedTuple):
    tests: int
    failures: int
    errors: int


def count(report: Report) -> Counts:
    """The totals the suite's opening tag carries, from one pass over the findings."""
    failures = errors = 0
    finding_paths: set[str] = set()
    for finding in report.findings:
        finding_paths.add(finding.path)
        if finding.code == PARSE_ERROR:
            errors += 1
        else:
            failures += 1
    clean = len(set(report.checked_paths) - finding_paths)
    problems = len(report.notifications)
    return Counts(problems + failures + errors + clean, failures, errors + problems)


def chunks(report: Report) -> Iterator[str]:
    totals = count(report)
    numbers = {
        "tests": str(totals.tests),
        "failures": str(totals.failures),
        "errors": str(totals.errors),
    }
    outer = ET.Element("testsuites", {"name": "infralint", **numbers})
    suite = ET.Element("testsuite", {"name": "infralint", **numbers, "skipped": "0"})
    yield XML_DECLARATION
    yield element_text(outer, 0).removesuffix(" />\n") + ">\n"
    yield from document(suite, cases(report), level=1)
    yield "</testsuites>\n"
