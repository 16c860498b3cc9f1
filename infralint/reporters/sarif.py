"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

The log is built from sarif-om's classes and serialized by `to_json` below, which takes the JSON
names from the classes' attrs metadata and leaves out unset values. jschema-to-python is not used:
it drops values equal to the schema default, such as an explicit `level: "warning"`, which GitHub
then has to guess. sarif-om's Suppression writes `state` where the schema wants `status`, so
suppressions use the small class defined here.

What GitHub needs and why it is here:
- every enabled rule in `tool.driver.rules`, with help, tags, precision and, for security rules,
  `security-severity` (the alert's severity in the security tab);
- repo-relative URIs against `%SRCROOT%`, so alerts land on files whatever the checkout path;
- `partialFingerprints.primaryLocationLineHash`, the key code scanning tracks alerts by (see
  fingerprints.py), next to our own content fingerprint;
- `automationDetails.id` ("category/") when several infralint runs upload to one repository.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from itertools import chain, groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attrs
import sarif_om as om

from infralint.model import Finding, Notification, Severity, Span
from infralint.reader import native_name
from infralint.reporters import INFORMATION_URI
from infralint.reporters.fingerprints import (
    line_hashes,
    normalized,
    repo_relative,
    text_from_lines,
)
from infralint.reporters.json_stream import Streamed, document_chunks
from infralint.reporters.recent import Recent, readable_lines

if TYPE_CHECKING:
    from infralint.catalog import Rule
    from infralint.reporters import Report

TOOL_NAME = "infralint"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
# Our content-based fingerprint (model.Finding.fingerprint); the version tag changes if its
# recipe ever does, so old and new values are never compared as equals.
FINGERPRINT_KEY = "infralint/v1"
LINE_HASH_KEY = "primaryLocationLineHash"
# GitHub maps 9.0+ to critical, 7.0+ high, 4.0+ medium, above 0 low.
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.NOTE: "3.0"}
MAX_TAGS = 10  # GitHub keeps only the first 10 tags of a rule
MAX_DESCRIPTION = 1024  # GitHub's limit for short/fullDescription.text
# Written even when equal to the schema default: a rule without defaultConfiguration.level is
# taken as "warning" by GitHub whatever its severity, and a result's level should not depend on
# the reader resolving defaults.
ALWAYS_always_written = frozenset({"level"})
# Keys a reader looks for first; the others follow in sarif-om's (alphabetical) order.
KEY_ORDER = (
    "$schema",
    "id",
    "ruleId",
    "ruleIndex",
    "name",
    "version",
    "semanticVersion",
    "informationUri",
    "level",
    "message",
    "shortDescription",
    "fullDescription",
    "startLine",
    "startColumn",
    "endLine",
    "endColumn",
)


@attrs.define
class Suppression:
    """SARIF's suppression object (sarif-om's writes `state` instead of `status`)."""

    kind: str = attrs.field(metadata={"schema_property_name": "kind"})
    status: str | None = attrs.field(default=None, metadata={"schema_property_name": "status"})
    justification: str | None = attrs.field(
        default=None, metadata={"schema_property_name": "justification"}
    )


# --------------------------------------------------------------------------- serializer


def to_json(value: Any) -> Any:
    """sarif-om objects (and dicts/lists of them) -> plain JSON data, unset values left out."""
    fields = _json_fields(type(value))
    if fields is not None:
        data: dict[str, Any] = {}
        for name, json_name, default in fields:
            item = getattr(value, name)
            if item is None or (default is not _always_written and item == default()):
                continue
            data[json_name] = to_json(item)
        return _ordered(data)
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, Streamed):
        return Streamed(to_json(item) for item in value.items)
    return value


def _always_written() -> Any:  # a marker: the field is written whatever its value
    return None


_FIELDS: dict[type, list[tuple[str, str, Callable[[], Any]]] | None] = {}


def _json_fields(kind: type) -> list[tuple[str, str, Callable[[], Any]]] | None:
    """An attrs class's fields as (attribute, JSON name, default maker), once per class:
    reflecting on every object of a 10,000-result log took a large part of writing it."""
    if kind not in _FIELDS:
        _FIELDS[kind] = (
            [_json_field(field) for field in attrs.fields(kind)] if attrs.has(kind) else None
        )
    return _FIELDS[kind]


def _json_field(field: attrs.Attribute[Any]) -> tuple[str, str, Callable[[], Any]]:
    json_name = field.metadata.get("schema_property_name", field.name)
    default = field.default
    if json_name in ALWAYS_always_written or default is attrs.NOTHING:
        return field.name, json_name, _always_written
    factory = getattr(default, "factory", None)
    if callable(factory):  # attrs.Factory(list) and friends: a fresh value each time
        return field.name, json_name, factory
    return field.name, json_name, lambda: default


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    first = [key for key in KEY_ORDER if key in data]
    return {**{key: data[key] for key in first}, **data}


# --------------------------------------------------------------------------- rules


def _help_uri(rule: Rule, version: str) -> str:
    # The docs of the release that produced the log (development builds: the dev site).
    from infralint.links import rule_url

    return rule_url(rule.code, version)


def _first_paragraph(markdown: str) -> str:
    paragraph = markdown.strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rule_tags(rule: Rule) -> list[str]:
    """The language and the concern first (code scanning filters by tag), then the rule's own."""
    tags: list[str] = []
    for tag in (rule.language, rule.concern, *rule.tags):
        if tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def rule_help_text(rule: Rule) -> str:
    from infralint.catalog import markdown_section

    document = rule.user_document
    parts = [rule.summary + "."]
    why = markdown_section(document, "Why is this bad?")
    fix = markdown_section(document, "How to fix")
    if why:
        parts.append(why)
    if fix:
        parts.append("How to fix:\n" + fix)
    return "\n\n".join(parts)


def reporting_descriptor(rule: Rule, version: str) -> Any:
    properties: dict[str, Any] = {"tags": rule_tags(rule), "precision": rule.precision}
    if rule.concern == "security":
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    full = _first_paragraph(rule.section("Why is this bad?")) or rule.summary
    return om.ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=_clip(rule.summary)),
        full_description=om.MultiformatMessageString(text=_clip(full)),
        help=om.MultiformatMessageString(
            text=rule_help_text(rule), markdown=rule.user_document.strip()
        ),
        help_uri=_help_uri(rule, version),
        default_configuration=om.ReportingConfiguration(level=rule.severity.value),
        properties=properties,
    )


def run_rules(report: Report) -> list[Rule]:
    """The enabled rules, plus any rule a (suppressed) finding names that is not among them."""
    rules = {rule.code: rule for rule in report.rules}
    for finding in chain(report.findings, report.suppressed):
        if finding.code not in rules:
            rule = report.catalog.get(finding.code)
            if rule is not None:
                rules[rule.code] = rule
    return [rules[code] for code in sorted(rules)]


# --------------------------------------------------------------------------- locations


def artifact_location(display_path: str, report: Report) -> Any:
    relative = repo_relative(display_path, report)
    if relative is None:
        # Outside the repository: code scanning cannot show it, but the file is still named.
        native = report.cwd / native_name(display_path)  # as_uri encodes the file system's way
        return om.ArtifactLocation(uri=normalized(native.absolute()).as_uri())
    # Percent-encode the name's bytes: an undecodable byte (a surrogate here) is no crash.
    uri = quote(relative.encode("utf-8", "surrogateescape"), safe="/")
    return om.ArtifactLocation(uri=uri, uri_base_id=SRCROOT)


def directory_uri(path: Path) -> str:
    uri = normalized(path.absolute()).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def region(span: Span, line_text: str | None = None) -> Any:
    """A full region. Given its line's text, a zero-width span on one line (a finding about a
    whole line or file) is widened to the end of the line so viewers highlight something."""
    end_column = max(span.end_column, 1)
    if span.end_line == span.line and span.end_column <= span.column and line_text is not None:
        end_column = max(span.column, len(line_text) + 1)
    return om.Region(
        start_line=span.line,
        start_column=span.column,
        end_line=span.end_line,
        end_column=end_column,
    )


def sarif_fix(finding: Finding, report: Report) -> Any:
    """The finding's text edit (GitHub ignores fixes; editors' SARIF viewers apply them)."""
    fix = finding.fix
    if fix is None:
        return None
    replacement = om.Replacement(
        deleted_region=region(fix.span),
        inserted_content=om.ArtifactContent(text=fix.replacement) if fix.replacement else None,
    )
    return om.Fix(
        description=om.Message(text="safe fix" if fix.safe else "unsafe fix: review it"),
        artifact_changes=[
            om.ArtifactChange(
                artifact_location=artifact_location(finding.path, report),
                replacements=[replacement],
            )
        ],
    )


class SourceIndex:
    """Files' lines and GitHub line hashes, each file read once while its results are written."""

    def __init__(self, source_lines: Callable[[str], list[str]]) -> None:
        read = readable_lines(source_lines)
        # An empty list is what a reader returns for a file it could not read.
        self._files: Recent[_Source] = Recent(lambda path: _Source(read(path) or None))

    def lines(self, path: str) -> list[str] | None:
        return self._files(path).lines

    def line(self, path: str, number: int) -> str | None:
        lines = self.lines(path)
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1].rstrip("\r\n")

    def line_hash(self, path: str, number: int) -> str | None:
        source = self._files(path)
        if source.lines is None:
            return None
        if source.hashes is None:
            source.hashes = line_hashes(text_from_lines(source.lines))
        hashes = source.hashes
        return hashes[number - 1] if 1 <= number <= len(hashes) else None


class _Source:
    def __init__(self, lines: list[str] | None) -> None:
        self.lines = lines
        self.hashes: list[str] | None = None


# --------------------------------------------------------------------------- results


def suppression_kind(finding: Finding) -> str:
    """`external` for the baseline file, `inSource` for an inline pragma."""
    reason = (finding.suppression_reason or "").lower()
    return "external" if reason.startswith("baseline") else "inSource"


def sarif_result(
    finding: Finding, report: Report, rule_index: dict[str, int], sources: SourceIndex
) -> Any:
    fingerprints: dict[str, str] = {}
    if finding.fingerprint:
        fingerprints[FINGERPRINT_KEY] = finding.fingerprint
    line_hash = sources.line_hash(finding.path, finding.span.line)
    if line_hash:
        fingerprints[LINE_HASH_KEY] = line_hash
    location = om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=artifact_location(finding.path, report),
            region=region(finding.span, sources.line(finding.path, finding.span.line)),
        )
    )
    suppressions = None
    if finding.suppressed:
        suppressions = [
            Suppression(
                kind=suppression_kind(finding),
                status="accepted",
                justification=finding.suppression_reason or None,
            )
        ]
    return om.Result(
        message=om.Message(text=finding.message),
        rule_id=finding.code,
        rule_index=rule_index.get(finding.code),
        level=finding.severity.value,
        locations=[location],
        partial_fingerprints=fingerprints or None,
        suppressions=suppressions,
        fixes=[sarif_fix(finding, report)] if finding.fix else None,
        properties={"peer": finding.peer} if finding.peer else None,
        related_locations=related_locations(finding, report) or None,
    )


def related_locations(finding: Finding, report: Report) -> list[Any]:
    """The further places of one finding (each package of one install), numbered from 1."""
    return [
        om.Location(
            id=number,
            physical_location=om.PhysicalLocation(
                artifact_location=artifact_location(finding.path, report),
                region=region(item.span),
            ),
            message=om.Message(text=item.message),
        )
        for number, item in enumerate(finding.related, start=1)
    ]


def all_findings(report: Report) -> Iterator[Finding]:
    """Reported findings and suppressed ones (marked as such), each once, in report order."""
    merged = heapq.merge(report.findings, report.suppressed, key=sort_key)  # both sorted
    for _, same_place in groupby(merged, key=sort_key):
        yield from dict.fromkeys(same_place)


def sort_key(finding: Finding) -> tuple[str, int, int, str, str]:
    return finding.sort_key


def sarif_notification(
    notification: Notification, report: Report, rule_index: dict[str, int]
) -> Any:
    locations = None
    if notification.path:
        locations = [
            om.Location(
                physical_location=om.PhysicalLocation(
                    artifact_location=artifact_location(notification.path, report)
                )
            )
        ]
    associated = None
    if notification.rule:
        associated = om.ReportingDescriptorReference(
            id=notification.rule, index=rule_index.get(notification.rule)
        )
    return om.Notification(
        message=om.Message(text=notification.message),
        level=notification.level.value,
        locations=locations,
        associated_rule=associated,
    )


def invocation(report: Report, rule_index: dict[str, int]) -> Any:
    notifications = [sarif_notification(n, report, rule_index) for n in report.notifications]
    return om.Invocation(
        # A run that could not read a path or lost a check to a crash did not finish its work.
        execution_successful=not any(n.level is Severity.ERROR for n in report.notifications),
        tool_execution_notifications=notifications or None,
        working_directory=om.ArtifactLocation(uri=directory_uri(report.cwd)),
    )


def automation_id(category: str) -> str:
    # Same normalization as the upload-sarif action: a category names "category/" (no run id).
    return category if category.endswith("/") else category + "/"


# --------------------------------------------------------------------------- the log


def build_log(report: Report) -> Any:
    rules = run_rules(report)
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    sources = SourceIndex(report.source_lines)
    driver = om.ToolComponent(
        name=TOOL_NAME,
        version=report.tool_version,
        semantic_version=report.tool_version,
        information_uri=INFORMATION_URI,
        rules=[reporting_descriptor(rule, report.tool_version) for rule in rules],
    )
    category = str(report.options.get("sarif_category") or "")
    run = om.Run(
        tool=om.Tool(driver=driver),
        automation_details=om.RunAutomationDetails(id=automation_id(category))
        if category
        else None,
        column_kind="unicodeCodePoints",
        original_uri_base_ids={
            SRCROOT: om.ArtifactLocation(uri=directory_uri(report.project_root))
        },
        invocations=[invocation(report, rule_index)],
        # Written as they are made: a large run's results are never all in memory.
        results=Streamed(
            sarif_result(f, report, rule_index, sources) for f in all_findings(report)
        ),
    )
    return om.SarifLog(schema_uri=SCHEMA_URI, version="2.1.0", runs=[run])


def chunks(report: Report) -> Iterator[str]:
    return document_chunks(to_json(build_log(report)))
