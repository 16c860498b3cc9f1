"""DC305 log-rotation-missing: json-file logging without options.max-size grows without bound."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _logging, via
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.yaml_model import Mapping
from infralint.registry import CheckContext, check


@check("DC305")
@once_per_position
def log_rotation_missing(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        logging, entry = _logging(service)
        driver = logging.get("driver") if logging else None
        if logging is None or driver is None:
            continue
        if (document.value(driver) or "").strip() != "json-file":
            continue
        options = logging.get("options")
        if isinstance(options, Mapping) and "max-size" in options:
            continue
        yield Violation(
            driver.span,
            f"service '{service.name}' uses the json-file log driver without"
            f" options.max-size: its log grows without bound{via(entry)}",
        )
