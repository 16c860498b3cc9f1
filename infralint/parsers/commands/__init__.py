"""What a command line means to the tool it runs: the one place that reads package-manager and
download-tool arguments. Every rule that asks "which packages does this install?" asks here.

    unwrap(command) -> Command            strips sudo/env/command/xargs/nice/time/exec/nohup/…
    invocation(command) -> Invocation     the command read against its tool's option table
    apt_get / apk / yum / zypper / rpm / pip / npm / gem / bundle / go / cargo / composer / uv /
    curl / wget / git / tar (command) -> Invocation | None   (None when it is another program)
    download(command) -> Download | None  what curl/wget fetch and where the bytes go
    verification(command) -> Verification | None   sha256sum -c, gpg --verify, cosign verify…;
                                          `weak` for md5sum -c
    verifies(command, weak=True) -> bool  the same as a yes/no
    extracts(command) -> bool             tar x, unzip, gunzip, xz -d, bsdtar, cpio -i
    pip_git_ref / npm_git_ref(spec) -> str | None   the ref of a git+/github: package spec
    parse_args(words, …) -> ParsedArgs    generic GNU option reading (chmod, ln, useradd, tail …);
                                          arguments(command) with the tool's value options
    written_paths(command) -> list[Word]  files a command writes (redirects, cp/mv, tee, sed -i …)
    sed_in_place(command) -> bool         `sed -i`/`--in-place`: sed edits its files
    removed_paths(command) -> list[Word]  the paths `rm` deletes
    mode_setting(command) -> ModeSetting | None   the mode chmod / mkdir -m / install -m set
    unwrap_start(command) -> Command      unwrap, plus tini/dumb-init/gosu/su-exec/chpst
    reads_program_from_stdin(command) -> bool   `sh`, `bash -s`, `python3 -`: runs piped code
    service_control(command) -> ServiceControl | None   systemctl/service/init.d/…: manager,
                                          action and service
    keeps_alive(command) -> Word | None   `tail -f`, `sleep infinity`: a dummy foreground process

Options are normalised to their long name without dashes (`-y`, `--yes`, `--assume-yes` are all
`yes` for apt-get); short clusters are split (`-qqy` is quiet, quiet, yes), and options that take
a value consume it (`-o Dpkg::Options::=x`, `-t bookworm-backports`), so a value is never taken
for a package. Package words are split into name and version the way each tool reads them.

Modules: `options` (the records and option reading), `wrappers` (sudo/env unwrapping),
`system_packages`, `language_packages`, `packages` (expanding package variables), `downloads`
(curl/wget, checksums, extraction, git), `files`, `processes`, `dispatch` (`invocation`). This
module only re-exports their public names, so importers keep using `infralint.parsers.commands`;
the modules import one another directly, never through this package (that would be a cycle).
"""

from __future__ import annotations

from infralint.parsers.commands.dispatch import invocation
from infralint.parsers.commands.downloads import (
    CHECKSUM_TOOLS,
    CURL_SPEC,
    DISCARD_FILES,
    EXTRACTORS,
    GIT_SPEC,
    STDOUT_FILES,
    TAR_SPEC,
    WEAK_CHECKSUM_TOOLS,
    WGET_SPEC,
    Download,
    Verification,
    curl,
    download,
    extracts,
    git,
    npm_git_ref,
    pip_git_ref,
    tar,
    url_name,
    verification,
    verifies,
    wget,
)
from infralint.parsers.commands.files import (
    WRITERS,
    WRITES_AFTER_FIRST,
    WRITES_ALL,
    WRITES_LAST,
    ModeSetting,
    mode_setting,
    removed_paths,
    sed_in_place,
    written_paths,
)
from infralint.parsers.commands.language_packages import (
    BUNDLE_SPEC,
    CARGO_SPEC,
    COMPOSER_SPEC,
    GEM_SPEC,
    GO_META_PACKAGES,
    GO_MOVING,
    GO_SPEC,
    NODE_SPEC,
    NODE_TOOLS,
    NPM_INSTALLS,
    PIP_OPERATORS,
    PIP_SPEC,
    UV_SPEC,
    VCS_PREFIXES,
    bundle,
    cargo,
    composer,
    gem,
    go,
    npm,
    pip,
    pipx,
    uv,
)
from infralint.parsers.commands.options import (
    LONG_VALUES,
    SHORT_VALUES,
    Invocation,
    Option,
    Package,
    ParsedArgs,
    Spec,
    arguments,
    parse_args,
    read,
)
from infralint.parsers.commands.packages import expand_packages
from infralint.parsers.commands.processes import (
    INIT_SCRIPT_DIRS,
    INTERPRETER_VALUES,
    INTERPRETERS,
    SERVICE_MANAGERS,
    SHELL_NAMES,
    START_WRAPPERS,
    STDIN_NAMES,
    ServiceControl,
    keeps_alive,
    reads_program_from_stdin,
    service_control,
    unwrap_start,
)
from infralint.parsers.commands.system_packages import (
    APK_SPEC,
    APT_INSTALLS,
    APT_SPEC,
    APT_TOOLS,
    RPM_FAMILY,
    RPM_INSTALLS,
    RPM_SPEC,
    YUM_SPEC,
    ZYPPER_ALIASES,
    ZYPPER_SPEC,
    apk,
    apt_get,
    rpm,
    yum,
    zypper,
)
from infralint.parsers.commands.wrappers import WRAPPERS, unwrap

__all__ = [
    "APK_SPEC",
    "APT_INSTALLS",
    "APT_SPEC",
    "APT_TOOLS",
    "BUNDLE_SPEC",
    "CARGO_SPEC",
    "CHECKSUM_TOOLS",
    "COMPOSER_SPEC",
    "CURL_SPEC",
    "DISCARD_FILES",
    "EXTRACTORS",
    "GEM_SPEC",
    "GIT_SPEC",
    "GO_META_PACKAGES",
    "GO_MOVING",
    "GO_SPEC",
    "INIT_SCRIPT_DIRS",
    "INTERPRETERS",
    "INTERPRETER_VALUES",
    "LONG_VALUES",
    "NODE_SPEC",
    "NODE_TOOLS",
    "NPM_INSTALLS",
    "PIP_OPERATORS",
    "PIP_SPEC",
    "RPM_FAMILY",
    "RPM_INSTALLS",
    "RPM_SPEC",
    "SERVICE_MANAGERS",
    "SHELL_NAMES",
    "SHORT_VALUES",
    "START_WRAPPERS",
    "STDIN_NAMES",
    "STDOUT_FILES",
    "TAR_SPEC",
    "UV_SPEC",
    "VCS_PREFIXES",
    "WEAK_CHECKSUM_TOOLS",
    "WGET_SPEC",
    "WRAPPERS",
    "WRITERS",
    "WRITES_AFTER_FIRST",
    "WRITES_ALL",
    "WRITES_LAST",
    "YUM_SPEC",
    "ZYPPER_ALIASES",
    "ZYPPER_SPEC",
    "Download",
    "Invocation",
    "ModeSetting",
    "Option",
    "Package",
    "ParsedArgs",
    "ServiceControl",
    "Spec",
    "Verification",
    "apk",
    "apt_get",
    "arguments",
    "bundle",
    "cargo",
    "composer",
    "curl",
    "download",
    "expand_packages",
    "extracts",
    "gem",
    "git",
    "go",
    "invocation",
    "keeps_alive",
    "mode_setting",
    "npm",
    "npm_git_ref",
    "parse_args",
    "pip",
    "pip_git_ref",
    "pipx",
    "read",
    "reads_program_from_stdin",
    "removed_paths",
    "rpm",
    "sed_in_place",
    "service_control",
    "tar",
    "unwrap",
    "unwrap_start",
    "url_name",
    "uv",
    "verification",
    "verifies",
    "wget",
    "written_paths",
    "yum",
    "zypper",
]
