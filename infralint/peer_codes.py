"""Foreign rule codes where infralint reads rule codes: hadolint's `DLxxxx` and ShellCheck's
`SCxxxx`.

A `DL` code stands for the infralint rules whose `hadolint:` peers name it (`DL3008` is DF105).
A hadolint rule with no counterpart is either deliberately not ported (a note says why, and the
code selects nothing) or unknown (an error naming the nearest rule). An `SC` code is a rule of
its own: ShellCheck's finding on a RUN script (infralint/shellcheck/), with a rule record made
by the catalogue on demand, since ShellCheck's checks have no documents in rules/.

The catalogue asks this module when a code is not one of its own (Catalog.lookup), and the
selector parser asks it for `SC` prefixes and for the wording of an unknown code.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infralint.catalog import Catalog, Rule

SHELLCHECK_CODE = re.compile(r"SC[123]\d{3}")
HADOLINT_CODE = re.compile(r"DL[134]\d{3}")
# ShellCheck numbers its checks 1000-1999 (parser), 2000-2999 (analysis), 3000-3999 (portability).
SHELLCHECK_RANGES = (range(1000, 2000), range(2000, 3000), range(3000, 4000))
WIKI = "https://www.shellcheck.net/wiki/"

# hadolint rules infralint deliberately does not port, and why.
NOT_PORTED = {
    "DL1001": "it forbids hadolint's own pragmas; infralint's `hadolint-pragmas = false` switches "
    "them off instead",
    "DL3010": "it is advice to use ADD's archive unpacking, not a defect; DF406 covers ADD "
    "misuse the other way round",
    "DL3066": "a named USER is resolved by the image's own /etc/passwd at run time, which is "
    "the portable choice; DF401 and DF402 check which user runs",
    **dict.fromkeys(
        ["DL3049", "DL3050", "DL3051", "DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3058"],
        "it checks LABEL values against hadolint's `label-schema` setting, which infralint "
        "does not read",
    ),
}
# hadolint rules retired upstream, with the infralint rule that covers the same ground.
RETIRED = {
    "DL3005": "DF115",
    "DL3017": "DF115",
    "DL3031": "DF115",
    "DL3039": "DF115",
}


def is_shellcheck_code(code: str) -> bool:
    return SHELLCHECK_CODE.fullmatch(code) is not None


@cache
def shellcheck_codes() -> frozenset[str]:
    """Every code ShellCheck may report (its whole numbering, so a newer release's checks are
    selectable too)."""
    return frozenset(f"SC{number}" for numbers in SHELLCHECK_RANGES for number in numbers)


def shellcheck_prefix(prefix: str) -> set[str]:
    """The ShellCheck codes a prefix selector (`SC`, `SC2`, `SC20`) names."""
    digits = prefix[2:]
    if not prefix.startswith("SC") or (digits and not digits.isdigit()):
        return set()
    return {code for code in shellcheck_codes() if code.startswith(prefix)}


def wiki_url(code: str) -> str:
    return f"{WIKI}{code}"


def lookup(code: str, catalog: Catalog) -> list[Rule]:
    """The rules a foreign code stands for (empty when none)."""
    key = code.strip().upper()
    if is_shellcheck_code(key):
        return [catalog.rules[key]]  # made on demand by the catalogue
    if HADOLINT_CODE.fullmatch(key):
        return [catalog.rules[c] for c in catalog.peer_map("hadolint").get(key, [])]
    return []


def not_ported(code: str) -> str | None:
    """Why a hadolint rule is deliberately not ported (None when it is, or is unknown)."""
    reason = NOT_PORTED.get(code.strip().upper())
    return f"hadolint {code.upper()} is not ported: {reason}" if reason else None


def unknown_message(code: str, catalog: Catalog) -> str | None:
    """The error for a `DL` code infralint has no rule for, naming the nearest rule."""
    key = code.strip().upper()
    if not HADOLINT_CODE.fullmatch(key):
        return None
    if key in RETIRED:
        return (
            f"hadolint {key} was retired upstream and has no infralint rule; "
            f"the nearest is {RETIRED[key]} ({catalog.rules[RETIRED[key]].name})"
        )
    peers = catalog.peer_map("hadolint")
    if not peers:
        return f"unknown hadolint rule {key!r}"
    nearest = min(peers, key=lambda peer: (abs(int(peer[2:]) - int(key[2:])), peer))
    ours = ", ".join(peers[nearest])
    return f"unknown hadolint rule {key!r}; the nearest known one is {nearest} ({ours})"


# Notes for the person running infralint (a not-ported hadolint code they named), printed once
# by the command after the configuration is read.
_notes: list[str] = []


def take_notes() -> list[str]:
    notes = list(dict.fromkeys(_notes))
    _notes.clear()
    return notes


def resolve(selector: str, catalog: Catalog) -> set[str] | str | None:
    """The codes a `DL`/`SC` selector names; a string is the error to report; None: not a
    foreign selector (the caller reads it as its own)."""
    key = selector.strip().upper()
    if key.startswith("SC"):
        codes = shellcheck_prefix(key)
        return codes or f"unknown ShellCheck code or prefix {selector!r}"
    if not HADOLINT_CODE.fullmatch(key):
        return None
    mapped = lookup(key, catalog)
    if mapped:
        return {rule.code for rule in mapped}
    note = not_ported(key)
    if note is not None:
        _notes.append(f"{note}; {selector!r} names no infralint rule")
        return set()
    return unknown_message(key, catalog)
