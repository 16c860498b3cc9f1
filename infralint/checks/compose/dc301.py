"""DC301 logging-disabled: logging.driver none throws the service's logs away."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _logging, via
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC301")
@once_per_position
def logging_disabled(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        logging, entry = _logging(service)
        driver = logging.get("driver") if logging else None
        if driver is not None and (document.value(driver) or "").strip() == "none":
            yield Violation(
                driver.span,
                f"service '{service.name}' disables its logs (logging.driver: none){via(entry)}",
            )
