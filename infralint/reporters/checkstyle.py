"""`--format checkstyle`: Checkstyle XML, read by Jenkins (warnings-ng), reviewdog, and many IDEs.

Every checked file gets a `<file>` element, clean ones empty, so consumers can tell "checked and
clean" from "not checked". Findings are `<error>` elements with `source` set to the rule code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from infralint.model import Severity

if TYPE_CHECKING:
    from infralint.reporters import Report

SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "info"}
# Characters XML 1.0 cannot carry even escaped; messages quote user content, which may have them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def serialize(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def render(report: Report) -> str:
    root = ET.Element("checkstyle", version="4.3")
    paths = {*report.checked_paths, *(f.path for f in report.findings)}
    paths.update(n.path for n in report.notifications if n.path)
    files = {path: ET.SubElement(root, "file", name=xml_text(path)) for path in sorted(paths)}
    for notification in report.notifications:
        if notification.path:
            ET.SubElement(
                files[notification.path],
                "error",
                line="1",
                severity=SEVERITY[notification.level],
                message=xml_text(notification.message),
                source=f"infralint.{notification.rule or 'run'}",
            )
    for finding in report.findings:
        ET.SubElement(
            files[finding.path],
            "error",
            line=str(finding.span.line),
            column=str(finding.span.column),
            severity=SEVERITY[finding.severity],
            message=xml_text(f"{finding.message} ({finding.code} {finding.name})"),
            source=finding.code,
        )
    return serialize(root)
