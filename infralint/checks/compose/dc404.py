"""DC404 dangerous-capabilities: cap_add of powerful capabilities, or seccomp/AppArmor turned
off."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument, iter_scalars
from infralint.registry import CheckContext, check

DANGEROUS_CAPABILITIES = frozenset(
    {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "DAC_READ_SEARCH"}
)
_UNCONFINED = re.compile(r"^(seccomp|apparmor)\s*[:=]\s*unconfined$", re.IGNORECASE)


@check("DC404")
@once_per_position
def dangerous_capabilities(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for item in iter_scalars(service.get("cap_add")):
            capability = (document.value(item) or "").strip().upper()
            capability = capability.removeprefix("CAP_")
            if capability in DANGEROUS_CAPABILITIES:
                yield Violation(
                    item.span,
                    f"service '{service.name}' adds the capability '{capability}'"
                    + via_key(service, "cap_add"),
                )
        for item in iter_scalars(service.get("security_opt")):
            text = (document.value(item) or "").strip()
            match = _UNCONFINED.match(text)
            if match:
                yield Violation(
                    item.span,
                    f"service '{service.name}' runs without a {match.group(1).lower()} profile"
                    f" ({text}){via_key(service, 'security_opt')}",
                )
