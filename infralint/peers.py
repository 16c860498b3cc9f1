"""Every check of the tools infralint replaces, for the generated peer tables.

A rule names its counterparts in its front matter (`buildkit: [StageNameCasing]`); the lists
here hold every check each tool has, so a table can also say which ones have no rule and why.
tests/test_peers.py keeps the two in step: a check is either some rule's peer or listed as not
ported, and every peer a rule names is a real check of its tool.
"""

from __future__ import annotations

# `docker build --check` (BuildKit's Dockerfile linter), in the order of its rule set.
BUILDKIT_CHECKS = (
    "StageNameCasing",
    "FromAsCasing",
    "NoEmptyContinuation",
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ReservedStageName",
    "JSONArgsRecommended",
    "MaintainerDeprecated",
    "UndefinedArgInFrom",
    "WorkdirRelativePath",
    "UndefinedVar",
    "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat",
    "InvalidBaseImagePlatform",
    "RedundantTargetPlatform",
    "SecretsUsedInArgOrEnv",
    "InvalidDefaultArgInFrom",
    "FromPlatformFlagConstDisallowed",
    "CopyIgnoredFile",
    "InvalidDefinitionDescription",
    "ExposeProtoCasing",
    "ExposeInvalidFormat",
)

BUILDKIT_NOT_PORTED = {
    "InvalidBaseImagePlatform": (
        "needs the base image's manifest from its registry; infralint never uses the network"
    ),
    "InvalidDefinitionDescription": (
        "experimental and off by default in BuildKit; it asks for a comment format, which is "
        "style, not a defect"
    ),
}

# dclint (zavoloklom/docker-compose-linter): its rules and its two file-level errors.
DCLINT_RULES = (
    "invalid-yaml",
    "invalid-schema",
    "no-build-and-image",
    "no-duplicate-container-names",
    "no-duplicate-exported-ports",
    "no-quotes-in-volumes",
    "no-unbound-port-interfaces",
    "no-version-field",
    "require-project-name-field",
    "require-quotes-in-ports",
    "service-container-name-regex",
    "service-dependencies-alphabetical-order",
    "service-image-require-explicit-tag",
    "service-keys-order",
    "service-ports-alphabetical-order",
    "services-alphabetical-order",
    "top-level-properties-order",
)

_ORDER = "ordering is style: it changes nothing compose does; a formatter keeps it"
DCLINT_NOT_PORTED = {
    "invalid-yaml": "a file that does not parse is IL001, for every language",
    "no-quotes-in-volumes": (
        "quotes are plain YAML syntax: compose reads a quoted and an unquoted path the same"
    ),
    "require-project-name-field": (
        "the project name defaults to the directory name or comes from -p/COMPOSE_PROJECT_NAME; "
        "requiring `name:` is a team convention"
    ),
    "service-dependencies-alphabetical-order": _ORDER,
    "service-keys-order": _ORDER,
    "service-ports-alphabetical-order": _ORDER,
    "services-alphabetical-order": _ORDER,
    "top-level-properties-order": _ORDER,
}

# Tool -> (title in the README, every check, the ones deliberately not ported).
PEER_TABLES = {
    "buildkit": ("docker build --check", BUILDKIT_CHECKS, BUILDKIT_NOT_PORTED),
    "dclint": ("dclint", DCLINT_RULES, DCLINT_NOT_PORTED),
}
