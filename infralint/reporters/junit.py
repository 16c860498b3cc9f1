"""`--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One test case per finding (a `<failure>`; IL001, a file that could not be parsed, is an
`<error>`), one passing test case per clean file, and an `<error>` test case per run problem.
Test case names are unique: several CI systems key their history on (classname, name) and merge
or drop duplicates.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from infralint.model import Finding, Notification
from infralint.reporters.checkstyle import serialize, xml_path, xml_text

if TYPE_CHECKING:
    from infralint.reporters import Report

PARSE_ERROR = "IL001"


class UniqueNames:
    def __init__(self) -> None:
        self._used: set[str] = set()

    def __call__(self, name: str) -> str:
        candidate, counter = name, 1
        while candidate in self._used:
            counter += 1
            candidate = f"{name} #{counter}"
        self._used.add(candidate)
        return candidate


def finding_case(suite: ET.Element, finding: Finding, unique: UniqueNames) -> None:
    span = finding.span
    where = f"{xml_path(finding.path)}:{span.line}:{span.column}"
    case = ET.SubElement(
        suite,
        "testcase",
        classname=xml_path(finding.path),
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
    outcome.text = where + xml_text(
        f": {finding.code} {finding.name} [{finding.severity.value}] {finding.message}"
    )


def notification_case(suite: ET.Element, notification: Notification, unique: UniqueNames) -> None:
    subject = xml_path(notification.path or "infralint")
    case = ET.SubElement(
        suite,
        "testcase",
        classname=subject,
        name=xml_text(unique(f"{subject} run problem")),
    )
    error = ET.SubElement(
        case,
        "error",
        message=xml_text(notification.message),
        type=xml_text(notification.rule or "run"),
    )
    error.text = xml_text(notification.message)


def render(report: Report) -> str:
    by_path: dict[str, list[Finding]] = {path: [] for path in report.checked_paths}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    unique = UniqueNames()
    suite = ET.Element("testsuite", name="infralint")
    for notification in report.notifications:
        notification_case(suite, notification, unique)
    for path in sorted(by_path):
        findings = sorted(by_path[path], key=lambda f: f.sort_key)
        if not findings:
            shown = xml_path(path)
            ET.SubElement(suite, "testcase", classname=shown, name=unique(shown))
        for finding in findings:
            finding_case(suite, finding, unique)
    cases = suite.findall("testcase")
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for case in cases if case.find("failure") is not None)),
        "errors": str(sum(1 for case in cases if case.find("error") is not None)),
    }
    suite.attrib.update({**counts, "skipped": "0"})
    root = ET.Element("testsuites", {"name": "infralint", **counts})
    root.append(suite)
    return serialize(root)
