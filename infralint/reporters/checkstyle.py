"""`--format checkstyle`: Checkstyle XML, read by Jenkins (warnings-ng), reviewdog, and many IDEs.

Every checked file gets a `<file>` element, clean ones empty, so consumers can tell "checked and
clean" from "not checked". Findings are `<error>` elements with `source` set to the rule code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from infralint.model import Severity
from infralint.textsafe import visible

if TYPE_CHECKING:
    from infralint.reporters import Report

SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "info"}
# Characters XML 1.0 cannot carry even escaped; messages quote user content, which may have them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """A message for an XML report: controls shown as escapes (XML 1.0 cannot carry most of
    them, and readers would obey the rest), line breaks and tabs kept, anything else XML
    cannot carry (undecodable bytes of a file name) replaced."""
    return _NOT_XML.sub("\ufffd", visible(text, keep="\t\n\r"))


def xml_path(path: str) -> str:
    """A path for an XML report: no line break is legitimate in it, so none is kept."""
    return xml_text(visible(path))


def serialize(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def render(report: Report) -> str:
    root = ET.Element("checkstyle", version="4.3")
    paths = {*report.checked_paths, *(f.path for f in report.findings)}
    paths.update(n.path for n in report.notifications if n.path)
    files = {path: ET.SubElement(root, "file", name=xml_path(path)) for path in sorted(paths)}
    for notification in report.notifications:
        if notification.path:
            ET.SubElement(
                files[notification.path],
                "error",
                line="1",
                severity=SEVERITY[notification.level],
                message=xml_text(notification.message),
                source=xml_text(f"infralint.{notification.rule or 'run'}"),
            )
    for finding in report.findings:
        ET.SubElement(
            files[finding.path],
            "error",
            line=str(finding.span.line),
            column=str(finding.span.column),
            severity=SEVERITY[finding.severity],
            message=xml_text(f"{finding.message} ({finding.code} {finding.name})"),
            source=xml_text(finding.code),
        )
    return serialize(root)
