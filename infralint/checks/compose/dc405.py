"""DC405 secret-in-environment: An environment value is a literal credential."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import service_environment
from infralint.parsers.interpolation import interpolate
from infralint.registry import CheckContext, check

# A secret-named variable ends with one of these words (`DB_PASSWORD`, `JWT_SECRET`,
# `STRIPE_API_KEY`); an app prefix such as `SECRET_FILE_SIZE` is not a secret name.
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:PASSWORD|PASSWD|PASS|PWD|PASSPHRASE|SECRET|TOKEN|APIKEY|CREDENTIALS?"
    r"|(?:API|PRIVATE|ACCESS|SECRET|AUTH|ENCRYPTION|SIGNING|MASTER|LICENSE)_?KEY"
    r"|SECRET_KEY_BASE|SECRET_ACCESS_KEY)$",
    re.IGNORECASE,
)


# Values that name a file holding the secret, not the secret itself.
_PATH_VALUE = re.compile(r"^(?:/|\./|~/)|\.(?:pem|key|crt|p12|jks|txt|json)$", re.IGNORECASE)
_SECRET_VALUES = (
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,})")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a Stripe key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    # Tried only where a run of scheme characters begins: from every letter of a long word,
    # the scheme was rescanned to the word's end (quadratic).
    (
        "a password in a URL",
        re.compile(
            r"(?<![a-z0-9+.-])[0-9+.-]*+[a-z][a-z0-9+.-]*+://[^/\s:@]++:([^/\s@$]++)@", re.I
        ),
    ),
)
_PLACEHOLDER_VALUES = frozenset({"", "true", "false", "yes", "no", "none", "null"})
# `${VAR:-default}` / `${VAR-default}`: the default is written here and used whenever the
# variable is unset (`${VAR:+x}` and `${VAR:?error}` hold no value of their own).
_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-")


def _secret_kind(name: str, value: str) -> str | None:
    for kind, pattern in _SECRET_VALUES:
        if pattern.search(value):
            return kind
    text = value.strip()
    placeholder = text.lower() in _PLACEHOLDER_VALUES or _PATH_VALUE.search(text)
    if _SECRET_NAME.search(name) and not placeholder:
        return "a literal secret"
    return None


@check("DC405")
@once_per_position
def secret_in_environment(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for variable in service_environment(service):
            value = variable.value
            if value is None:
                continue  # given by name only: from the environment
            where = ""
            if "$" in value.replace("$$", ""):
                if not _DEFAULT.search(value):
                    continue  # from the environment: not written here
                # Only the defaults count: with no environment, what the container gets.
                value = interpolate(value, {}).value
                where = " (as the default of an interpolation)"
            kind = _secret_kind(variable.name, value)
            if kind:
                yield Violation(
                    variable.span,
                    f"service '{service.name}' environment variable '{variable.name}' holds"
                    f" {kind} in the compose file{where}{via_key(service, 'environment')}",
                )
