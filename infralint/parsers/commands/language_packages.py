"""Language package managers: pip, npm/yarn/pnpm, gem/bundle, go, cargo, composer and uv."""

from __future__ import annotations

import re

from infralint.parsers.commands.options import (
    Invocation,
    Option,
    Package,
    _dynamic,
    _is_path,
    _is_url,
    _spec,
    read,
)
from infralint.parsers.commands.wrappers import unwrap
from infralint.parsers.shell import Command, Word

# -- pip ------------------------------------------------------------------------------------

PIP_SPEC = _spec(
    "rceiftbC",
    {"requirement", "constraint", "editable", "index-url", "extra-index-url", "find-links",
     "target", "prefix", "root", "src", "platform", "python-version", "implementation", "abi",
     "no-binary", "only-binary", "progress-bar", "proxy", "trusted-host", "upgrade-strategy",
     "root-user-action", "python", "build", "cache-dir", "log", "log-file", "timeout",
     "retries", "cert", "client-cert", "exists-action", "global-option", "install-option",
     "config-settings", "report", "use-feature", "use-deprecated", "keyring-provider",
     "group", "hash", "build-option", "extra", "index", "default-index", "constraints",
     "requirements", "overrides", "python-platform"},
    {"r": "requirement", "c": "constraint", "e": "editable", "i": "index-url",
     "f": "find-links", "t": "target", "b": "build", "C": "config-settings",
     "U": "upgrade", "q": "quiet", "v": "verbose", "I": "ignore-installed",
     "requirements": "requirement", "constraints": "constraint"},
)  # fmt: skip
_PIP_NAME = re.compile(r"^pip(\d+(\.\d+)*)?$")
_PYTHON_NAME = re.compile(r"^python(\d+(\.\d+)*)?$")
VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+", "git://")
PIP_OPERATORS = ("===", "==", ">=", "<=", "!=", "~=", ">", "<")


def pip(command: Command) -> Invocation | None:
    """pip, pip3, pip3.12, `python3 -m pip`, `uv pip` (`tool` is "pip" or "uv pip");
    pipx and pipenv are other tools."""
    command = unwrap(command)
    program = command.program
    words: list[Word] | None = None
    tool = "pip"
    if program.startswith("pip") and _PIP_NAME.match(program):
        words = command.args
    elif program.startswith("python") and _PYTHON_NAME.match(program):
        words = _python_module_args(command.args, "pip")
    elif program == "uv" and command.args and command.args[0].text == "pip":
        words, tool = command.args[1:], "uv pip"
    if words is None:
        return None
    call = read(command, tool, PIP_SPEC, words)
    if call.subcommand == "install":
        call.packages = [_pip_package(word) for word in call.operands]
        call.packages += [
            Package(option.value_word or option.word, option.value or "", kind="path")
            for option in call.options
            if option.name == "editable"
        ]
    return call


PIPX_SPEC = _spec(
    "",
    {"python", "suffix", "pip-args", "index-url", "spec", "preinstall", "backend", "fetch-python"},
)  # fmt: skip


def pipx(command: Command) -> Invocation | None:
    """`pipx install PKG…` and `pipx inject VENV PKG…`: packages as pip reads them (tool
    "pipx"); `pipx run` runs a package without installing it into the image."""
    command = unwrap(command)
    if command.program != "pipx":
        return None
    call = read(command, "pipx", PIPX_SPEC)
    if call.subcommand == "install":
        call.packages = [_pip_package(word) for word in call.operands]
    elif call.subcommand == "inject" and call.operands:
        call.packages = [_pip_package(word) for word in call.operands[1:]]
        call.subcommand = "install"  # what pins them is the same
    return call


def _python_module_args(args: list[Word], module: str) -> list[Word] | None:
    """The arguments after `-m <module>` of a python command line."""
    for index, word in enumerate(args):
        text = word.text
        if text == "-m" and index + 1 < len(args):
            return args[index + 2 :] if args[index + 1].text == module else None
        if text == f"-m{module}":
            return args[index + 1 :]
        if not text.startswith("-"):
            return None  # a script: `python setup.py …`
    return None


def _pip_package(word: Word) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.startswith(VCS_PREFIXES):
        return Package(word, text, _vcs_ref(text), "@", "vcs")
    if " @ " in text or re.match(r"^[A-Za-z0-9._-]+(\[[^\]]*\])?@\s*\S+://", text):
        name, _, url = text.partition("@")
        url = url.strip()
        if url.startswith(VCS_PREFIXES):
            return Package(word, name.strip(), _vcs_ref(url), "@", "vcs")
        return Package(word, name.strip(), url, "@", "url")
    if _is_url(text):
        return Package(word, text, kind="url")
    if text.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")):
        return Package(word, text, kind="file")
    if _is_path(text) or "/" in text:
        return Package(word, text, kind="path")
    match = re.search(r"(===|==|>=|<=|!=|~=|>|<)", text)
    if match:
        name = text[: match.start()].strip()
        return Package(word, _strip_extras(name), text[match.end() :].strip(), match.group(1))
    return Package(word, _strip_extras(text.split(";")[0].strip()))


def _strip_extras(name: str) -> str:
    return name.split("[", 1)[0]


def _vcs_ref(url: str) -> str | None:
    """The `@ref` of a VCS URL (`git+https://host/x.git@v1.0#egg=x` -> v1.0), ignoring `user@`."""
    url = url.split("#", 1)[0]
    rest = url.split("://", 1)[1] if "://" in url else url
    path = rest.split("/", 1)[1] if "/" in rest else ""
    if "@" in path:
        return path.rsplit("@", 1)[1] or None
    return None


# -- npm / yarn / pnpm ----------------------------------------------------------------------

NODE_SPEC = _spec(
    "wC",
    {"registry", "loglevel", "prefix", "workspace", "omit", "include", "tag", "cache",
     "userconfig", "globalconfig", "only", "before", "proxy", "https-proxy", "install-strategy",
     "network-timeout", "modules-folder", "cwd", "mutex", "cache-folder", "dir", "filter",
     "reporter", "store-dir", "virtual-store-dir", "lockfile-dir", "mode"},
    {"g": "global", "D": "save-dev", "P": "save-prod", "E": "save-exact", "O": "save-optional",
     "S": "save", "w": "workspace", "C": "cwd"},
)  # fmt: skip
NPM_INSTALLS = frozenset(
    {"install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
     "isntall"}
)  # fmt: skip
NODE_TOOLS = frozenset({"npm", "yarn", "pnpm"})


def npm(command: Command) -> Invocation | None:
    """npm, yarn, pnpm. Package arguments are read for `npm install/i/add`, `yarn add`,
    `yarn global add`, `pnpm add`/`pnpm install <pkg>`; `subcommand` "install" for `npm i`."""
    command = unwrap(command)
    program = command.program
    if program not in NODE_TOOLS:
        return None
    call = read(command, program, NODE_SPEC)
    if program == "yarn" and call.subcommand == "global" and call.operands:
        call.subcommand = call.operands[0].text
        call.operands = call.operands[1:]
        call.options.append(Option("global", None, call.subcommand_word or command.args[0]))
    if program == "npm" and call.subcommand in NPM_INSTALLS:
        call.subcommand = "install"
    if program == "pnpm" and call.subcommand == "i":
        call.subcommand = "install"
    if call.subcommand in ("install", "add"):
        call.packages = [_node_package(word) for word in call.operands]
    return call


def _node_package(word: Word) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.startswith(("git:", "git+", "github:", "gitlab:", "bitbucket:", "gist:")) or (
        re.match(r"^[\w.-]+/[\w.-]+(#.*)?$", text) is not None and not text.startswith("@")
    ):
        ref = text.split("#", 1)[1] if "#" in text else None
        return Package(word, text.split("#", 1)[0], ref, "#", "vcs")
    if text.endswith((".tgz", ".tar.gz", ".tar")):
        return Package(word, text, kind="file")
    if _is_path(text) or text.startswith("file:"):
        return Package(word, text, kind="path")
    if _is_url(text):
        return Package(word, text, kind="url")
    scope = ""
    rest = text
    if text.startswith("@") and "/" in text:
        scope, _, rest = text.partition("/")
        scope += "/"
    name, at, version = rest.partition("@")
    if name.startswith("npm:"):
        name = name[4:]
    return Package(word, scope + name, version if at else None, "@" if at else None)


# -- gem / bundle ---------------------------------------------------------------------------

GEM_SPEC = _spec(
    "vinsPgB",
    {"version", "install-dir", "bindir", "source", "trust-policy", "platform", "file",
     "build-root", "document", "target-rbconfig", "config-file", "env-shebang-path"},
    {"v": "version", "i": "install-dir", "n": "bindir", "s": "source", "P": "trust-policy",
     "g": "file", "N": "no-document", "E": "env-shebang", "f": "force", "w": "wrappers"},
)  # fmt: skip
# `--document` takes its list only with `=`; as a bare word it is a flag.
GEM_SPEC = GEM_SPEC._replace(value_long=GEM_SPEC.value_long - {"document"})


def gem(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "gem":
        return None
    call = read(command, "gem", GEM_SPEC)
    if call.subcommand == "i":
        call.subcommand = "install"
    if call.subcommand == "install":
        version = call.value("version")
        call.packages = [_gem_package(word, version) for word in _before_build_args(call)]
    return call


def _before_build_args(call: Invocation) -> list[Word]:
    """The operands before `--`: what follows goes to the gems' native build, not to gem."""
    words = [word.text for word in call.words]
    if "--" not in words:
        return call.operands
    end = call.words[words.index("--")]
    return [word for word in call.operands if word.span < end.span]


def _gem_package(word: Word, version: str | None) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.endswith(".gem") or _is_path(text):
        return Package(word, text, kind="file")
    name, colon, pin = text.partition(":")
    if colon:
        return Package(word, name, pin, ":")
    if version is not None:
        return Package(word, text, version, "-v")
    return Package(word, text)


BUNDLE_SPEC = _spec(
    "j",
    {"path", "without", "with", "gemfile", "jobs", "retry", "binstubs", "shebang", "standalone",
     "trust-policy", "target-rbconfig"},
    {"j": "jobs"},
)  # fmt: skip


def bundle(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program not in ("bundle", "bundler"):
        return None
    return read(command, "bundle", BUNDLE_SPEC)


# -- go / cargo / composer / uv -------------------------------------------------------------

GO_SPEC = _spec(
    "",
    {"o", "p", "tags", "ldflags", "gcflags", "asmflags", "mod", "modfile", "C", "pkgdir",
     "toolexec", "buildmode", "compiler", "overlay", "pgo", "gccgoflags", "installsuffix",
     "exec", "coverpkg", "covermode", "run", "bench", "count", "timeout"},
    single_dash_long=True,
)  # fmt: skip
GO_META_PACKAGES = frozenset({"tool", "all", "std", "cmd"})
GO_MOVING = frozenset({"latest", "upgrade", "patch", "master", "main", "HEAD"})


def go(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "go":
        return None
    call = read(command, "go", GO_SPEC)
    if call.subcommand in ("install", "get"):
        call.packages = [_go_package(word) for word in call.operands]
    elif call.subcommand == "run" and call.operands:
        # `go run PKG[@version] ARGS…`: only the first operand is a package (the rest are the
        # program's arguments); .go files are local code.
        first = call.operands[0]
        if not first.text.endswith(".go"):
            call.packages = [_go_package(first)]
    return call


def _go_package(word: Word) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if _is_path(text) or text.startswith(".") or text in GO_META_PACKAGES:
        return Package(word, text, kind="path")  # local code, or go.mod's own tools
    name, at, version = text.partition("@")
    return Package(word, name, version if at else None, "@" if at else None)


CARGO_SPEC = _spec(
    "jFpZ",
    {"version", "vers", "git", "branch", "tag", "rev", "path", "root", "index", "registry",
     "features", "jobs", "target", "target-dir", "profile", "bin", "example", "config",
     "color", "manifest-path", "package", "lockfile-path", "message-format"},
    {"vers": "version", "F": "features", "j": "jobs", "p": "package", "f": "force",
     "q": "quiet", "v": "verbose"},
)  # fmt: skip


def cargo(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "cargo":
        return None
    call = read(command, "cargo", CARGO_SPEC)
    if call.subcommand == "install":
        version = call.value("version")
        pinned_source = call.has("path") or (call.has("git") and call.has("tag", "rev"))
        packages = []
        for word in call.operands:
            name, at, pin = word.text.partition("@")
            if _dynamic(word):
                packages.append(Package(word, word.text, kind="dynamic"))
            elif pinned_source:
                packages.append(Package(word, name, kind="path"))
            elif at:
                packages.append(Package(word, name, pin, "@"))
            else:
                packages.append(Package(word, name, version, "--version" if version else None))
        call.packages = packages
    return call


COMPOSER_SPEC = _spec("d", {"working-dir"}, {"d": "working-dir", "n": "no-interaction"})


def composer(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program not in ("composer", "composer.phar"):
        return None
    return read(command, "composer", COMPOSER_SPEC)


UV_SPEC = _spec(
    "p",
    {"python", "directory", "project", "extra", "group", "only-group", "index", "index-url",
     "default-index", "extra-index-url", "find-links", "package", "cache-dir", "config-file"},
    {"p": "python"},
)  # fmt: skip


def uv(command: Command) -> Invocation | None:
    """uv itself (`uv sync`, `uv tool install`); `uv pip …` is read by `pip`."""
    command = unwrap(command)
    if command.program != "uv":
        return None
    return read(command, "uv", UV_SPEC)
