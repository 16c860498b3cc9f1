"""DF111 (download-without-checksum): A file is downloaded into the image and never verified by a
checksum or signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _base, _downstream, _is_git_url
from infralint.checks.dockerfile._values import resolved, stage_values
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import (
    DISCARD_FILES,
    Download,
    arguments,
    reads_program_from_stdin,
    unwrap,
    url_name,
)
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.parsers.shell import Command, Script
from infralint.registry import CheckContext, check

KEY_CONSUMERS = frozenset({"gpg", "gpg2", "apt-key", "gpgv", "rpmkeys"})
KEY_SUFFIXES = (
    *(".asc", ".sig", ".sign", ".gpg", ".pgp", ".key", ".pub", ".minisig", ".pem.sig"),
    *(".sha1", ".sha256", ".sha512", ".sha256sum", ".sha512sum", ".sha256sums", ".md5"),
    *(".sha256.txt", ".sha512.txt", ".checksum", ".checksums", ".digest", ".intoto.jsonl"),
)
KEY_NAMES = re.compile(
    r"(^|[._-])(gpg|gpgkey|pubkey|keyring|keys?)([._-]|$)|sha\d*sums?|checksums?", re.IGNORECASE
)
# A release archive whose name mentions gpg (`libgpg-error-1.47.tar.bz2`) is still an artifact.
ARTIFACT = re.compile(
    r"\.(tar(\.\w+)?|tgz|tbz2?|txz|zip|deb|rpm|apk|whl|jar|war|gem|phar|run|bin|exe|msi)$",
    re.IGNORECASE,
)
KEY_DIRS = ("/etc/apt/keyrings/", "/usr/share/keyrings/", "/etc/apt/trusted.gpg.d/", "/etc/pki/")


def _is_key_path(path: str) -> bool:
    lowered = path.lower()
    name = _base(lowered)
    if lowered.startswith(KEY_DIRS) or name.endswith(KEY_SUFFIXES):
        return True
    return ARTIFACT.search(name) is None and KEY_NAMES.search(name) is not None


DIGEST_TOOLS = re.compile(r"sha(1|224|256|384|512)sum|b2sum|shasum|cksum|rhash")
OPENSSL_DIGESTS = re.compile(r"dgst|sha(1|224|256|384|512)?")


def _verifies(command: Command, script: Script) -> bool:
    """Does this command check a checksum or signature? The shared reader knows the checks
    (`sha256sum -c`, `gpg --verify`, `cosign verify*` …); a weak one (MD5) is not accepted, and
    a digest the script compares itself counts too."""
    if shell_commands.verifies(command, weak=False):
        return True
    program = command.program
    args = [word.text for word in command.args]
    if DIGEST_TOOLS.fullmatch(program) or (
        program == "openssl" and args and OPENSSL_DIGESTS.fullmatch(args[0])
    ):
        # `sha256sum f | grep -q "$SHA"`, `[ "$(openssl sha512 -r f)" = "$SUM" ]`
        return command.in_substitution or any(
            other.program in ("grep", "cmp", "diff") for other in _downstream(script, command)
        )
    return False


def _run_verifies(instruction: Instruction) -> bool:
    return any(
        _verifies(unwrap(command), script)
        for script in instruction.scripts()
        for command in script.commands
    )


@check("DF111")
def download_without_checksum(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    stages: dict[int, dict[str, str]] = {}  # each stage's values, read once
    for instruction in document.all_instructions():
        if instruction.keyword == "ADD":
            stage = document.stage_of(instruction)
            key = stage.index if stage is not None else -1
            if key not in stages:
                stages[key] = stage_values(document, stage)
            yield from _add_without_checksum(instruction, stages[key])
        elif instruction.keyword == "RUN":
            yield from _run_downloads_unverified(instruction)


def _add_without_checksum(instruction: Instruction, values: dict[str, str]) -> Iterator[Violation]:
    if instruction.flag("checksum") is not None:
        return
    tokens = instruction.arguments()
    for token in tokens[:-1]:
        url = resolved(token.text, values) or token.text  # `ADD $URL` with an ARG default
        if not re.match(r"https?://", url, re.IGNORECASE) or _is_git_url(url):
            continue
        if _is_key_path(url_name(url)):
            continue
        via = f" ({token.text})" if url != token.text else ""
        yield Violation(
            token.span,
            f"ADD downloads '{url}'{via} without --checksum: its content is never verified",
        )


def _run_downloads_unverified(instruction: Instruction) -> Iterator[Violation]:
    verified: bool | None = None
    for script in instruction.scripts():
        for raw in script.commands:
            command = unwrap(raw)
            download = shell_commands.download(command)
            if download is None or download.target is None:
                continue
            problem = _download_problem(script, command, download)
            if problem is None:
                continue
            if verified is None:
                verified = _run_verifies(instruction)
            if verified:
                return
            url = f"'{download.url.text}'" if download.url is not None else "a URL"
            yield Violation(
                command.span,
                f"{command.program} download of {url} is {problem} without a checksum or "
                "signature check in this RUN (verify it with sha256sum -c or gpg --verify)",
            )


def _download_problem(script: Script, command: Command, download: Download) -> str | None:
    """How the download is used unverified ('saved to …', 'unpacked by tar'), or None."""
    target = download.target or ""
    if target != "-":
        if _is_key_path(target) or (
            download.url is not None and _is_key_path(url_name(download.url))
        ):
            return None
        return f"saved to '{target}'"
    later = _downstream(script, command)
    for other in later:
        if other.program in KEY_CONSUMERS or reads_program_from_stdin(other):
            return None  # a signing key, or pipe-to-shell (DF112)
        if other.program == "tee":
            files = [w.text for w in arguments(other).operands if w.text not in DISCARD_FILES]
            if files and not all(_is_key_path(path) for path in files):
                return f"saved to '{files[0]}'"
            if files:
                return None
        if shell_commands.extracts(other):
            tool = other.program
            if tool == "busybox" and other.args:
                tool = f"busybox {other.args[0].text}"
            return f"unpacked by {tool}"
    return None
