"""Package words with variables: expanding `$PACKAGES` to the packages it names."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from infralint.parsers.commands.language_packages import (
    NODE_TOOLS,
    _go_package,
    _node_package,
    _pip_package,
)
from infralint.parsers.commands.options import Invocation, Package
from infralint.parsers.commands.system_packages import (
    APT_TOOLS,
    RPM_FAMILY,
    _apk_package,
    _apt_package,
    _rpm_package,
    _zypper_package,
)
from infralint.parsers.interpolation import MAX_EXPANSION
from infralint.parsers.shell import Word

# ------------------------------------------------------------------------------ variables

_PACKAGE_READERS: dict[str, Callable[[Word], Package]] = {
    **dict.fromkeys(APT_TOOLS, _apt_package),
    "apk": _apk_package,
    **dict.fromkeys(RPM_FAMILY, _rpm_package),
    "zypper": _zypper_package,
    "pip": _pip_package,
    "uv pip": _pip_package,
    **dict.fromkeys(NODE_TOOLS, _node_package),
    "go": _go_package,
}
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def expand_packages(call: Invocation, variables: Mapping[str, str]) -> list[Package]:
    """`call.packages` with each `$VAR` package replaced by the packages its known value lists
    (`PKGS="curl git" && apt-get install $PKGS`). The new packages keep the `$VAR` word (its
    span) and name the variable in `via`; unknown variables stay "dynamic"."""
    reader = _PACKAGE_READERS.get(call.tool)
    if reader is None or call.subcommand == "module install":
        return list(call.packages)
    expanded: list[Package] = []
    room = MAX_EXPANSION  # `$PKGS $PKGS …` must not multiply a long value
    for package in call.packages:
        match = _VARIABLE.fullmatch(package.word.text) if package.kind == "dynamic" else None
        name = (match.group(1) or match.group(2)) if match else None
        value = variables.get(name) if name else None
        if value is None or "$" in value or "`" in value or len(value) > room:
            expanded.append(package)
            continue
        room -= len(value)
        for piece in value.split():
            word = package.word
            alias = Word(piece, word.raw, word.span, True, offset=word.offset, origin=word.origin)
            found = reader(alias)
            expanded.append(found._replace(word=word, via=name))
    return expanded
