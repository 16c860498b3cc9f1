"""`--format checkstyle`: Checkstyle XML, read by Jenkins (warnings-ng), reviewdog, and many IDEs.

Every checked file gets a `<file>` element, clean ones empty, so consumers can tell "checked and
clean" from "not checked". Findings are `<error>` elements with `source` set to the rule code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import TYPE_CHECKING

from infralint.model import Severity
from infralint.reporters.by_file import FileEntry, files_in_order
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


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def element_text(element: ET.Element, level: int) -> str:
    """One element as it stands, indented, at `level` of an indented document (with its line
    break): documents are written an element at a time."""
    ET.indent(element, level=level)
    return "  " * level + ET.tostring(element, encoding="unicode") + "\n"


def document(root: ET.Element, children: Iterator[ET.Element], level: int = 0) -> Iterator[str]:
    """`root` holding `children` (made as they are written), laid out as ET.indent would."""
    empty = element_text(root, level)
    first = next(children, None)
    if first is None:
        yield empty
        return
    yield empty.removesuffix(" />\n") + ">\n"
    yield element_text(first, level + 1)
    for child in children:
        yield element_text(child, level + 1)
    yield "  " * level + f"</{root.tag}>\n"


def file_element(entry: FileEntry) -> ET.Element:
    element = ET.Element("file", name=xml_path(entry.path))
    for notification in entry.notifications:
        ET.SubElement(
            element,
            "error",
            line="1",
            severity=SEVERITY[notification.level],
            message=xml_text(notification.message),
            source=xml_text(f"infralint.{notification.rule or 'run'}"),
        )
    for finding in entry.findings:
        ET.SubElement(
            element,
            "error",
            line=str(finding.span.line),
            column=str(finding.span.column),
            severity=SEVERITY[finding.severity],
            message=xml_text(f"{finding.message} ({finding.code} {finding.name})"),
            source=xml_text(finding.code),
        )
    return element


def chunks(report: Report) -> Iterator[str]:
    yield XML_DECLARATION
    files = (file_element(entry) for entry in files_in_order(report))
    yield from document(ET.Element("checkstyle", version="4.3"), files)
