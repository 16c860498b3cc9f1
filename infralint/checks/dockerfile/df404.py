"""DF404 (secret-in-image): A secret is passed through ARG/ENV/LABEL or a secret file is copied
into the image.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from infralint.checks.dockerfile._common import copy_sources_and_dest
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

SENSITIVE_NAMES = frozenset(
    {
        *("ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID"),
        *("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "CF_PASSWORD", "CIRCLE_TOKEN"),
        *("CI_DEPLOY_PASSWORD", "DOCKERHUB_PASSWORD", "DOCKER_PASSWORD", "GH_TOKEN"),
        *("GITHUB_TOKEN", "GITLAB_TOKEN", "HEROKU_API_KEY", "NPM_TOKEN", "NPM_AUTH_TOKEN"),
        *("OPENAI_API_KEY", "OS_PASSWORD", "SLACK_TOKEN", "API_KEY", "SECRET_KEY"),
    }
)
# A name is cut into words (`DB_ROOT_PASSWORD`, `apiKey` -> db root password, api key); one of
# these words, or one of these pairs, names a secret. User names (`USERNAME=vscode`, `APP_USER`)
# and public keys (`GPG_KEY`, `GPG_KEYS`: fingerprints to verify downloads) are not secrets.
SECRET_WORDS = frozenset(
    {"password", "passwd", "pass", "pwd", "passphrase", "secret", "secrets", "token",
     "apikey", "privatekey", "credential", "credentials"}
)  # fmt: skip
SECRET_PAIRS = frozenset(
    {("api", "key"), ("private", "key"), ("client", "key"), ("secret", "key"),
     ("access", "key"), ("auth", "key"), ("signing", "key"), ("encryption", "key"),
     ("master", "key"), ("license", "key")}
)  # fmt: skip
NOT_PASSWORDS = frozenset({"bypass", "compass", "keepass", "surpass", "overpass"})
# Names that point at a secret or describe one: the recommended patterns, or no secret at all.
POINTER_SUFFIXES = ("_FILE", "_PATH", "_DIR", "_VERSION", "_URL", "_ENABLED", "_LENGTH")
_WORD_BREAK = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
CREDENTIAL_VALUES = (
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), "a GitHub token"),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{30,}\b"), "a GitHub token"),
    (re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b"), "a GitLab token"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"), "a Slack token"),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), "a Google API key"),
    (re.compile(r"\b(sk|rk)_live_[0-9A-Za-z]{20,}\b"), "a Stripe key"),
    (re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), "an npm token"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
)
SECRET_FILES = re.compile(
    r"^(id_rsa|id_dsa|id_ecdsa|id_ed25519|\.npmrc|\.pypirc|\.netrc|\.git-credentials|"
    r"\.env|\.env\.(?!(example|sample|template|dist)$)[\w.-]+|(tls|server|client|private|ssl)\.key|"
    r"privkey\.pem|"
    r".*[-_.]key\.pem|.*private.*\.pem|credentials\.json)$",
    re.IGNORECASE,
)


def secret_name_reason(name: str) -> str | None:
    upper = name.upper()
    if upper.endswith(POINTER_SUFFIXES):
        return None
    if upper in SENSITIVE_NAMES:
        return "is a known secret name"
    words = [word.lower() for word in _WORD_BREAK.split(name) if word]
    for word in words:
        if word in SECRET_WORDS:
            return f"contains '{word}'"
        # `ROOTPASS`, `DBPASSWORD`: a password word glued to another.
        if word.endswith(("password", "passwd", "pass")) and word not in NOT_PASSWORDS:
            return f"contains '{word}'"
    for pair in itertools.pairwise(words):
        if pair in SECRET_PAIRS:
            return f"contains '{'_'.join(pair)}'"
    return None


def _may_hold_secret(keyword: str, value: str | None) -> bool:
    """An ARG always may (its value is passed at build time, and kept). An `ENV X=` with no value
    holds nothing, and a value that is a path (`/run/secrets/tls.key`) says where the secret is
    mounted, as `_FILE` names do. LABEL names are judged by value only."""
    if keyword == "LABEL":
        return False
    text = (value or "").strip().strip("'\"")
    if keyword == "ENV" and not text:
        return False
    return not text.startswith("/")


def credential_kind(value: str) -> str | None:
    for pattern, kind in CREDENTIAL_VALUES:
        if pattern.search(value):
            return kind
    return None


@check("DF404")
def secret_in_image(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        keyword = instruction.keyword
        if keyword in ("ARG", "ENV", "LABEL"):
            for pair in instruction.pairs():
                kind = credential_kind(pair.value or "")
                if kind:
                    yield Violation(pair.span, f"{keyword} {pair.key} holds what looks like {kind}")
                    continue
                reason = (
                    secret_name_reason(pair.key) if _may_hold_secret(keyword, pair.value) else None
                )
                if reason:
                    yield Violation(
                        pair.key_span,
                        f"{keyword} {pair.key} {reason}: build args and ENV are stored in the "
                        f"image (use a secret mount: RUN --mount=type=secret)",
                        peer="DL3064",
                    )
        elif keyword in ("COPY", "ADD"):
            sources, _ = copy_sources_and_dest(instruction)
            for token in sources:
                name = token.text.rstrip("/").rsplit("/", 1)[-1]
                if SECRET_FILES.match(name):
                    yield Violation(
                        token.span,
                        f"{keyword} puts the secret file '{token.text}' into the image "
                        f"(use a secret mount: RUN --mount=type=secret)",
                    )
