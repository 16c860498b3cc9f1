"""DF405 (tls-verification-disabled): TLS certificate or package signature verification is
switched off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import PIP_PROGRAMS, _commands
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command, Word
from infralint.registry import CheckContext, check

TLS_ENV_ANY = frozenset({"PIP_TRUSTED_HOST", "GIT_SSL_NO_VERIFY"})
TLS_ENV_VALUES = {
    "PYTHONHTTPSVERIFY": ("0",),
    "NODE_TLS_REJECT_UNAUTHORIZED": ("0",),
    "NPM_CONFIG_STRICT_SSL": ("false", "0", "no"),
    "YARN_ENABLE_STRICT_SSL": ("false", "0"),
    "GIT_SSL_VERIFY": ("false", "0"),
    "CURL_INSECURE": ("1", "true"),
}


def _tls_variable(key: str, value: str | None) -> bool:
    if value is None:
        return False
    if key in TLS_ENV_ANY:
        return value != ""
    wanted = TLS_ENV_VALUES.get(key)
    return wanted is not None and value.strip().lower() in wanted


# The programs _tls_switch reads (and pip's: pip*, python* -m pip, uv pip).
TLS_PROGRAMS = frozenset(
    {
        *("curl", "wget", "apk", "apt-get", "apt", "aptitude", "yum", "dnf", "microdnf"),
        *("tdnf", "zypper", "rpm", "npm", "yarn", "pnpm", "git", "echo", "printf", "tee"),
        *("sed", "yum-config-manager", "uv"),
    }
)


def _tls_switch(command: Command) -> tuple[Word, str] | None:
    """The word of a command that switches verification off, and how to name it."""
    program = command.program
    if program not in TLS_PROGRAMS and not unwrap(command).program.startswith(PIP_PROGRAMS):
        return None
    args = command.args
    texts = [word.text for word in args]
    curl = shell_commands.curl(command) if program == "curl" else None
    if curl is not None:
        for option in curl.options:
            if option.name in ("insecure", "proxy-insecure"):
                written = "-k" if not option.word.text.startswith("--") else f"--{option.name}"
                return option.word, f"curl {written}"
    pip = shell_commands.pip(command)
    trusted = pip.option("trusted-host") if pip is not None else None
    if trusted is not None:
        return trusted.word, "pip --trusted-host"
    flags = INSECURE_FLAGS.get(program)
    if flags is not None:
        apt = program in ("apt-get", "apt", "aptitude")
        for word in args:
            text = word.text
            if text in flags or (apt and "=" in text and APT_INSECURE.search(text) is not None):
                return word, f"{program} {text}"
    elif program == "git":
        for word in args:
            if GIT_NO_VERIFY.fullmatch(word.text):
                return word, f"git -c {word.text}"
    if "config" in texts:
        # `npm config set strict-ssl false`, `yarn config set enableStrictSsl false`,
        # `git config --global http.sslVerify false`, `pip config set global.trusted-host x`
        lowered = [text.lower() for text in texts]
        for index, text in enumerate(lowered[:-1]):
            off = lowered[index + 1] in ("false", "0", "no")
            if (
                (program in ("npm", "yarn", "pnpm") and text in CONFIG_KEYS and off)
                or (program == "git" and re.fullmatch(r"http\.(\S+\.)?sslverify", text) and off)
                or (program.startswith("pip") and text.endswith(".trusted-host"))
            ):
                return args[index], f"{program} config {texts[index]} {texts[index + 1]}"
    if program in ("echo", "printf", "tee", "sed", "yum-config-manager", "dnf", "yum"):
        # configuration written by the script: `echo "deb [trusted=yes] …"`,
        # `echo "strict-ssl=false" >> .npmrc`, `--setopt=sslverify=false`
        for word in args:
            setting = CONFIG_TEXT.search(word.text)
            # A `file:` repository holds packages the build itself just made (docker-library).
            local = "trusted=yes" in word.text and LOCAL_REPOSITORY.search(word.text)
            if setting is not None and not local:
                return word, f"{program} … {setting.group(0).strip('[] ')} …"
    return None


# The options that switch checks off, by program; the first one written is reported.
INSECURE_FLAGS: dict[str, frozenset[str]] = {
    "wget": frozenset({"--no-check-certificate"}),
    "apk": frozenset({"--allow-untrusted"}),
    **dict.fromkeys(
        ("apt-get", "apt", "aptitude"),
        frozenset({"--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"}),
    ),
    **dict.fromkeys(("yum", "dnf", "microdnf", "tdnf"), frozenset({"--nogpgcheck"})),
    "zypper": frozenset({"--no-gpg-checks", "--no-check-signatures"}),
    "rpm": frozenset({"--nosignature", "--nodigest"}),
    **dict.fromkeys(("npm", "yarn", "pnpm"), frozenset({"--strict-ssl=false", "--no-strict-ssl"})),
}
APT_INSECURE = re.compile(r"(Verify-Peer|Verify-Host)=(false|0)|AllowUnauthenticated=(true|1)")
GIT_NO_VERIFY = re.compile(r"http\.(\S+\.)?sslverify=(false|0|no)", re.IGNORECASE)
CONFIG_KEYS = frozenset({"strict-ssl", "enablestrictssl"})
LOCAL_REPOSITORY = re.compile(r"\]\s+(file|copy):")
CONFIG_TEXT = re.compile(
    r"\[(?:[^\]\[]*\s)?trusted=yes[\s\]]|strict-ssl\s*=\s*false|sslverify\s*=\s*(?:false|0|no)\b"
    r"|trusted-host\s*=",
    re.IGNORECASE,
)


@check("DF405")
def tls_verification_disabled(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        if instruction.keyword in ("ENV", "ARG"):
            for pair in instruction.pairs():
                if _tls_variable(pair.key, pair.value):
                    yield Violation(
                        pair.span,
                        f"{instruction.keyword} {pair.key}={pair.value} switches TLS "
                        "verification off",
                    )
            continue
        for raw in _commands(instruction):
            yield from _command_tls(raw)


def _command_tls(raw: Command) -> list[Violation]:
    # A list, not a generator: this runs for every command, and most yield nothing.
    command = unwrap(raw)
    found: list[Violation] = []
    for key, word in command.assignments:
        value = word.text
        if _tls_variable(key, value):
            found.append(
                Violation(
                    word.span,
                    f"{key}={value} switches TLS verification off for "
                    f"'{command.program or 'the shell'}'",
                )
            )
    if command.program == "export":
        for word in command.args:
            key, eq, value = word.text.partition("=")
            if eq and _tls_variable(key, value):
                found.append(
                    Violation(word.span, f"export {key}={value} switches TLS verification off")
                )
    switch = _tls_switch(command)
    if switch is not None:
        word, what = switch
        found.append(Violation(word.span, f"'{what}' switches certificate or signature checks off"))
    return found
