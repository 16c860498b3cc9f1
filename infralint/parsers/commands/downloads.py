"""Fetching things: curl/wget downloads, checksum verification, archive extraction, git."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from typing import NamedTuple

from infralint.parsers.commands.language_packages import _vcs_ref
from infralint.parsers.commands.options import Invocation, _is_url, _spec, read
from infralint.parsers.commands.wrappers import unwrap
from infralint.parsers.shell import Command, Word

# -- downloads ------------------------------------------------------------------------------

CURL_SPEC = _spec(
    "oHdubXAeExTwmcKrYyzCUQtFPDbhx",
    {"output", "header", "data", "data-raw", "data-binary", "data-urlencode", "user",
     "request", "user-agent", "referer", "cert", "proxy", "upload-file", "write-out",
     "max-time", "cookie", "cookie-jar", "config", "range", "speed-limit", "speed-time",
     "time-cond", "continue-at", "proxy-user", "quote", "telnet-option", "form",
     "ftp-port", "dump-header", "url", "output-dir", "retry", "retry-delay", "retry-max-time",
     "connect-timeout", "cacert", "capath", "key", "pass", "resolve", "connect-to", "interface",
     "limit-rate", "max-filesize", "netrc-file", "oauth2-bearer", "proto", "proto-redir",
     "tls-max", "ciphers", "pinnedpubkey", "create-file-mode", "variable", "json", "expand-url",
     "trace", "trace-ascii", "stderr", "form-string", "keepalive-time", "dns-servers",
     "hostpubsha256", "aws-sigv4", "unix-socket", "abstract-unix-socket", "preproxy",
     "noproxy", "local-port", "happy-eyeballs-timeout-ms", "expect100-timeout", "mail-from",
     "mail-rcpt", "service-name", "sasl-authzid", "login-options", "engine", "cert-type",
     "key-type", "random-file", "egd-file", "retry-all-errors-max"},
    {"o": "output", "O": "remote-name", "L": "location", "s": "silent", "S": "show-error",
     "f": "fail", "k": "insecure", "H": "header", "d": "data", "u": "user", "X": "request",
     "A": "user-agent", "e": "referer", "E": "cert", "x": "proxy", "T": "upload-file",
     "w": "write-out", "m": "max-time", "b": "cookie", "c": "cookie-jar", "K": "config",
     "r": "range", "Y": "speed-limit", "y": "speed-time", "z": "time-cond",
     "C": "continue-at", "U": "proxy-user", "Q": "quote", "t": "telnet-option", "F": "form",
     "P": "ftp-port", "D": "dump-header", "J": "remote-header-name", "I": "head",
     "v": "verbose", "q": "disable", "g": "globoff", "R": "remote-time", "Z": "parallel",
     "N": "no-buffer", "h": "help", "#": "progress-bar", "4": "ipv4", "6": "ipv6"},
    subcommand=False,
)  # fmt: skip
CURL_SPEC = CURL_SPEC._replace(value_short=CURL_SPEC.value_short.replace("h", ""))

WGET_SPEC = _spec(
    "OoaPiBeTtwAUDRlXIQ",
    {"output-document", "output-file", "append-output", "directory-prefix", "input-file",
     "base", "execute", "timeout", "tries", "wait", "accept", "reject", "user-agent",
     "domains", "exclude-domains", "level", "include-directories", "exclude-directories",
     "quota", "header", "user", "password", "http-user", "http-password", "post-data",
     "post-file", "ca-certificate", "ca-directory", "certificate", "private-key", "progress",
     "limit-rate", "bind-address", "dns-timeout", "connect-timeout", "read-timeout",
     "waitretry", "load-cookies", "save-cookies", "referer", "method", "body-data",
     "body-file", "secure-protocol", "cut-dirs", "default-page", "restrict-file-names",
     "local-encoding", "remote-encoding", "use-askpass", "report-speed", "config",
     "ftp-user", "ftp-password", "proxy-user", "proxy-password", "rejected-log",
     "xattr", "compression", "hsts-file", "ciphers", "pinnedpubkey", "crl-file"},
    {"O": "output-document", "o": "output-file", "a": "append-output", "P": "directory-prefix",
     "i": "input-file", "B": "base", "e": "execute", "T": "timeout", "t": "tries", "w": "wait",
     "A": "accept", "R": "reject", "U": "user-agent", "D": "domains", "l": "level",
     "I": "include-directories", "X": "exclude-directories", "Q": "quota",
     "q": "quiet", "nv": "no-verbose", "v": "verbose", "c": "continue", "N": "timestamping",
     "r": "recursive", "nc": "no-clobber", "nd": "no-directories", "nH": "no-host-directories",
     "np": "no-parent", "k": "convert-links", "x": "force-directories", "S": "server-response",
     "d": "debug", "b": "background", "m": "mirror", "p": "page-requisites", "L": "relative",
     "F": "force-html", "K": "backup-converted", "E": "adjust-extension", "H": "span-hosts",
     "h": "help", "V": "version", "4": "inet4-only", "6": "inet6-only"},
    multi_letter_short=frozenset({"nv", "nc", "nd", "nH", "np"}),
    subcommand=False,
)  # fmt: skip
# wget's --progress value must be inline (`--progress=dot:giga`); keep the rest as is.
WGET_SPEC = WGET_SPEC._replace(value_long=WGET_SPEC.value_long - {"progress"})


def curl(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "curl":
        return None
    return read(command, "curl", CURL_SPEC)


def wget(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "wget":
        return None
    return read(command, "wget", WGET_SPEC)


STDOUT_FILES = frozenset({"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
DISCARD_FILES = frozenset({"/dev/null", "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"})


class Download(NamedTuple):
    """What a curl/wget command fetches and where the bytes go.

    `target` is where they are stored: the -o/-O/--output(-document) file, the `> file`
    redirection, or the remote name (under `wget -P dir`); "-" when they go to stdout (`-o -`,
    `-O /dev/stdout`); None when nothing is stored (`wget --spider`, `-o /dev/null`,
    `-o /dev/stderr`)."""

    call: Invocation
    urls: list[Word]
    output: Word | None  # the file named by -o/-O/--output(-document), or the > target
    target: str | None

    @property
    def tool(self) -> str:
        return self.call.tool

    @property
    def url(self) -> Word | None:
        return self.urls[0] if self.urls else None

    @property
    def to_file(self) -> bool:
        """The bytes land in a file (-o/-O/wget default/`> file`), not a stream or nowhere."""
        return self.target is not None and self.target != "-"

    @property
    def to_stdout(self) -> bool:
        """The bytes go to stdout (a pipe can consume them)."""
        return self.target == "-"


def url_name(url: Word | str | None) -> str:
    """The file name at the end of a URL's path (`https://h/a/b.tgz?x=1` -> `b.tgz`)."""
    if url is None:
        return ""
    text = url if isinstance(url, str) else url.text
    return text.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def download(command: Command) -> Download | None:
    command = unwrap(command)
    if command.program not in ("curl", "wget"):
        return None
    call = curl(command) or wget(command)
    if call is None:
        return None
    urls = [word for word in call.operands if _is_url(word.text) or not word.static]
    output = None
    if call.tool == "curl":
        urls += [o.value_word or o.word for o in call.options if o.name == "url"]
        output_option = call.option("output")
        remote = call.has("remote-name", "remote-name-all", "remote-header-name")
        if output_option is not None:
            output = output_option.value_word or output_option.word
            to_file = (output_option.value or "-") != "-"
        else:
            to_file = remote
    else:
        output_option = call.option("output-document")
        if output_option is not None:
            output = output_option.value_word or output_option.word
            to_file = output_option.value != "-"
        else:
            to_file = True  # wget saves under the remote name by default
    file_redirect = next(
        (r for r in command.redirects if r.fd in (None, 1) and r.operator in (">", ">>", ">|")),
        None,
    )
    if not to_file and file_redirect is not None and file_redirect.target is not None:
        output, to_file = file_redirect.target, True  # `> /dev/null` is discarded below
    target: str | None
    if call.has("spider"):
        target = None
    elif not to_file:
        target = "-"
    elif output is not None:
        target = output.text
    else:  # curl -O, or wget's default: the remote name (under wget -P)
        name = url_name(urls[0] if urls else None) or "index.html"
        prefix = call.value("directory-prefix")
        target = posixpath.join(prefix, name) if prefix else name
    if target in STDOUT_FILES:
        target = "-"
    elif target in DISCARD_FILES:
        target = None
    return Download(call, urls, output, target)


# -- verification, extraction, git ----------------------------------------------------------

CHECKSUM_TOOLS = frozenset(
    {"sha256sum", "sha512sum", "sha384sum", "sha224sum", "sha1sum", "md5sum", "b2sum", "cksum"}
)


WEAK_CHECKSUM_TOOLS = frozenset({"md5sum"})  # detects corruption, not tampering


class Verification(NamedTuple):
    """A command that checks a download: `kind` is "checksum" or "signature"; `weak` when the
    check does not resist tampering (MD5)."""

    tool: str
    kind: str
    weak: bool = False


def verification(command: Command) -> Verification | None:
    """What the command verifies, if it is a checksum check (`sha256sum -c`, `shasum -c`,
    `md5sum -c` (weak), `rpm -K`) or a signature verification (`gpg --verify`, `gpgv`,
    `cosign verify*`, `minisign -V`, `signify -C/-V`, `openssl dgst -verify`,
    `slsa-verifier verify-*`, `gh attestation verify`)."""
    command = unwrap(command)
    program = command.program
    argv = [word.text for word in command.args]
    if program in CHECKSUM_TOOLS or program == "shasum":
        if any(
            a in ("-c", "--check")
            or (a.startswith("-") and not a.startswith(("--", "-a")) and "c" in a[1:])
            for a in argv
        ):
            return Verification(program, "checksum", program in WEAK_CHECKSUM_TOOLS)
        return None
    signed = False
    if program in ("gpg", "gpg2"):
        signed = any(a in ("--verify", "--verify-files") for a in argv)
    elif program in ("gpgv", "gpgv2"):
        signed = True
    elif program == "cosign":
        signed = bool(argv) and argv[0].startswith("verify")
    elif program == "minisign":
        signed = any(a.startswith("-") and not a.startswith("--") and "V" in a for a in argv)
    elif program == "signify":
        signed = any(re.fullmatch(r"-[a-zA-Z]*[CV][a-zA-Z]*", a) for a in argv)
    elif program == "openssl":
        signed = bool(argv) and argv[0] == "dgst" and "-verify" in argv
    elif program in ("rpm", "rpmkeys"):
        signed = any(a in ("-K", "--checksig") for a in argv)
    elif program in ("slsa-verifier", "gh"):
        signed = any("verify" in a for a in argv)
    return Verification(program, "signature") if signed else None


def verifies(command: Command, *, weak: bool = True) -> bool:
    """The command verifies a download (see `verification`); with `weak=False` a weak check
    (`md5sum -c`) does not count."""
    found = verification(command)
    return found is not None and (weak or not found.weak)


EXTRACTORS = frozenset({"tar", "bsdtar", "unzip", "gunzip", "xz", "unxz", "cpio", "zcat",
                        "bunzip2", "bzip2", "zstd", "unzstd", "7z", "gzip", "busybox"})  # fmt: skip


def extracts(command: Command) -> bool:
    """The command unpacks an archive (reads data it will install)."""
    command = unwrap(command)
    program = command.program
    argv = [word.text for word in command.args]
    if program == "busybox" and argv:
        inner = dataclasses.replace(command, name=command.args[0], args=command.args[1:])
        return extracts(inner)
    if program in ("tar", "bsdtar"):
        if not argv:
            return False
        first = argv[0]
        if not first.startswith("-") and "x" in first:
            return True  # old style: `tar xzf file`
        return any(
            a in ("--extract", "--get")
            or (a.startswith("-") and not a.startswith("--") and "x" in a[1:])
            for a in argv
        )
    if program in ("unzip", "gunzip", "unxz", "bunzip2", "unzstd", "zcat", "cpio"):
        return program != "cpio" or any(
            a in ("-i", "--extract") or (a.startswith("-") and "i" in a[1:] and a[1] != "-")
            for a in argv
        )
    if program in ("xz", "gzip", "bzip2", "zstd"):
        return any(
            a in ("-d", "--decompress") or (a.startswith("-") and a[1:2] != "-" and "d" in a)
            for a in argv
        )
    if program == "7z":
        return bool(argv) and argv[0] in ("x", "e")
    return False


TAR_SPEC = _spec(
    "fCTXbHKLNV",
    {"file", "directory", "files-from", "exclude-from", "blocking-factor", "format",
     "transform", "exclude", "strip-components", "owner", "group", "mode", "use-compress-program",
     "xform", "newer", "after-date", "label", "volno-file", "index-file"},
    {"f": "file", "C": "directory", "x": "extract", "c": "create", "t": "list", "z": "gzip",
     "j": "bzip2", "J": "xz", "v": "verbose", "T": "files-from", "X": "exclude-from",
     "I": "use-compress-program", "get": "extract"},
    subcommand=False,
)  # fmt: skip


def tar(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program not in ("tar", "bsdtar"):
        return None
    args = command.args
    if args and args[0].static and not args[0].text.startswith("-"):
        # old-style bundled letters `tar xzf file`: read them as `-xzf`
        first = args[0]
        bundled = Word(
            "-" + first.text, first.raw, first.span, True, offset=first.offset, origin=first.origin
        )
        return read(command, command.program, TAR_SPEC, [bundled, *args[1:]])
    return read(command, command.program, TAR_SPEC)


GIT_SPEC = _spec(
    "Cbcoj",
    {"branch", "depth", "config", "origin", "reference", "reference-if-able", "filter",
     "jobs", "separate-git-dir", "template", "shallow-since", "shallow-exclude", "upload-pack",
     "git-dir", "work-tree", "namespace", "server-option", "bundle-uri", "revision",
     "exec-path"},
    {"b": "branch", "o": "origin", "j": "jobs", "c": "config", "C": "C", "q": "quiet",
     "n": "no-checkout"},
)  # fmt: skip


def git(command: Command) -> Invocation | None:
    """git with its subcommand; global options (`-C dir`, `-c k=v`) are read as options."""
    command = unwrap(command)
    if command.program != "git":
        return None
    return read(command, "git", GIT_SPEC)


def pip_git_ref(spec: str) -> str | None:
    """The ref of a pip git requirement (`git+https://h/r.git@v1#egg=x` -> "v1", also after
    `name @ `); "" when it names none (the default branch); None when `spec` is not one."""
    index = spec.find("git+")
    if index < 0:
        return None
    return _vcs_ref(spec[index + 4 :]) or ""


_NPM_HOSTED = re.compile(r"(github|gitlab|bitbucket|gist):", re.IGNORECASE)
_NPM_SHORTHAND = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+(#.*)?")


def npm_git_ref(spec: str) -> str | None:
    """The ref of an npm/yarn/pnpm git dependency (`github:o/r#v1`, `o/r#abc123`,
    `git+https://h/r.git#main`); "" when it names none; None when `spec` is not one. A
    `#semver:` range is returned as "semver:<range>" unless it is one exact version."""
    if spec.startswith(("-", ".", "/", "@", "~")) or spec.endswith((".tgz", ".tar.gz")):
        return None
    is_git = (
        _NPM_HOSTED.match(spec) is not None
        or spec.startswith(("git+", "git://"))
        or re.match(r"https?://[^#]*\.git(#|$)", spec) is not None
        or (_NPM_SHORTHAND.fullmatch(spec) is not None and ":" not in spec)
    )
    if not is_git:
        return None
    ref = spec.partition("#")[2]
    if ref.startswith("semver:"):
        version = ref[len("semver:") :]
        return version if re.fullmatch(r"v?\d+(\.\d+)*", version) else f"semver:{version}"
    return ref
