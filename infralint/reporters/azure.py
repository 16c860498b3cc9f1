"""`--output-format azure`: Azure Pipelines logging commands, which become issues on the run.

`##vso[task.logissue type=error;sourcepath=...;linenumber=...;columnnumber=...;code=...]message`.
The agent decodes `%AZP25`, `%0D`, `%0A` in the message and also `%3B` and `%5D` in a property
value (as azure-pipelines-task-lib escapes them); anything else that could end the command or
drive the log viewer is shown as an escape first. Notes have no issue type of their own and are
reported as warnings, as a lint tool's notes are in other Azure integrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from infralint.model import Finding, Notification, Severity
from infralint.textsafe import visible

if TYPE_CHECKING:
    from infralint.reporters import Report

ISSUE_TYPE = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "warning"}


def escape_data(text: str) -> str:
    text = visible(text, keep="\r\n")
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(";", "%3B").replace("]", "%5D")


def command(message: str, **properties: str | int) -> str:
    props = "".join(f"{key}={escape_property(str(value))};" for key, value in properties.items())
    return f"##vso[task.logissue {props}]{escape_data(message)}"


def finding_command(finding: Finding) -> str:
    return command(
        f"{finding.code} {finding.name}: {finding.message}",
        type=ISSUE_TYPE[finding.severity],
        sourcepath=finding.path,
        linenumber=finding.span.line,
        columnnumber=finding.span.column,
        code=finding.code,
    )


def notification_command(notification: Notification) -> str:
    properties: dict[str, str | int] = {"type": ISSUE_TYPE[notification.level]}
    if notification.path:
        properties["sourcepath"] = notification.path
    return command(f"infralint: {notification.message}", **properties)


def lines(report: Report) -> Iterator[str]:
    for notification in report.notifications:
        yield notification_command(notification)
    for finding in report.findings:
        yield finding_command(finding)
