"""Scripts a Dockerfile copies into the image (or bind-mounts) and runs: judged like RUN.

    COPY install.sh /tmp/                       RUN --mount=type=bind,source=scripts,target=/s \\
    RUN chmod +x /tmp/install.sh && /tmp/install.sh     bash /s/install.sh

`curl | sh`, unpinned installs and downloads without checksums in such a script are what the
RUN does, so the Dockerfile rules that judge RUN commands (SCRIPT_RULES) judge the script too,
with the same shell model. A finding is located where the problem is written: the script's own
path and line, and its message names the RUN that runs it. It is suppressed by a comment in the
script (same syntax as in a Dockerfile) or a baseline entry. A script run by several
Dockerfiles is reported once, by the first of them in path order.

A script is followed when the RUN names it as the program (`/tmp/install.sh`, `./install.sh`,
after the stage's WORKDIR) or as the script of `sh`/`bash`/`dash`/`ash`/`zsh`/`.`/`source`, and
it comes from the build context: an earlier `COPY`/`ADD` of the stage (no `--from`, no URL, no
glob) or a bind mount of the RUN without `from=`. The build context is the compose `build:`
context when a compose file of the run builds the Dockerfile, else the Dockerfile's directory.
Only Dockerfiles that mention a `.sh`/`.bash` file or a `./` path are searched (a script named
otherwise and run by its absolute path is not followed).
The link stage (`read_run_scripts`) reads the scripts through the reader, inside the scanned
tree, up to MAX_SCRIPT_BYTES each; checks read them from Project.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.project import Project
from infralint.reader import read_text_or_none

# The rules that judge what a RUN's commands do (not where the RUN sits in the file).
SCRIPT_RULES = frozenset(
    {"DF104", "DF105", "DF106", "DF107", "DF108", "DF109", "DF110", "DF111", "DF112", "DF113"}
)
MAX_SCRIPT_BYTES = 1_000_000
MAX_SCRIPTS_PER_FILE = 50
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", ".", "source"})
_GLOB = frozenset("*?[")


# A Dockerfile that names no `.sh`/`.bash` file and no `./` path is not parsed again to look
# for scripts: most are not, and the link stage would parse every Dockerfile twice.
_MAY_RUN_A_SCRIPT = re.compile(r"\.(?:sh|bash)\b|(?:^|[\s;&|(=])\./", re.MULTILINE)


def may_run_a_script(text: str) -> bool:
    return _MAY_RUN_A_SCRIPT.search(text) is not None


class ScriptRun(NamedTuple):
    script: Path  # absolute, in the build context
    run: Instruction  # the RUN that runs it


def build_contexts(document: DockerfileDocument, project: Project | None) -> list[Path]:
    """Where `COPY` sources are read from: compose build contexts, else the file's directory."""
    path = document.source.path
    if not path.is_absolute():
        return []
    linked = project.links_to(path) if project is not None else []
    contexts = sorted({link.context for link in linked})
    return contexts or [path.parent]


def scripts_run(document: DockerfileDocument, project: Project | None) -> list[ScriptRun]:
    """The scripts from the build context that the document's RUNs execute."""
    found: list[ScriptRun] = []
    for context in build_contexts(document, project):
        for stage in document.stages:
            copied: dict[str, str] = {}  # path in the image -> path in the context
            workdir = "/"
            for instruction in stage.instructions:
                keyword = instruction.keyword
                if keyword == "WORKDIR":
                    value = (instruction.value or "").strip().strip('"')
                    # A variable makes every later relative path unknown: follow none of them.
                    workdir = "/\0" if "$" in value else _join(workdir, value)
                elif keyword in ("COPY", "ADD") and instruction.flag("from") is None:
                    copied.update(_copies(instruction, workdir))
                elif keyword == "RUN":
                    mounts = _bind_mounts(instruction, workdir)
                    text = instruction.value or ""
                    if not mounts and not any(posixpath.basename(p) in text for p in copied):
                        continue  # names nothing copied in: its shell is not parsed here
                    for image_path in _executed(instruction, workdir):
                        source = copied.get(image_path) or _mounted_source(image_path, mounts)
                        if source is not None and len(found) < MAX_SCRIPTS_PER_FILE:
                            script = Path(posixpath.normpath(str(context / source)))
                            found.append(ScriptRun(script, instruction))
    return list({(item.script, id(item.run)): item for item in found}.values())


def _join(base: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(base, path)) if path else base


def _copies(instruction: Instruction, workdir: str) -> Iterator[tuple[str, str]]:
    from infralint.checks.dockerfile._common import copy_sources_and_dest

    sources, dest = copy_sources_and_dest(instruction)
    if dest is None or not sources:
        return
    target = _join(workdir, dest.text)
    into_directory = dest.text.endswith("/") or len(sources) > 1
    for source in sources:
        text = source.text
        if "://" in text or "$" in text or _GLOB & set(text) or text.startswith("<<"):
            continue
        relative = posixpath.normpath(text.lstrip("/"))
        if relative.startswith(".."):
            continue  # outside the context: the builder refuses it
        name = posixpath.basename(relative)
        yield (posixpath.join(target, name) if into_directory else target), relative


class _Mount(NamedTuple):
    target: str  # in the image
    source: str  # in the context


def _bind_mounts(instruction: Instruction, workdir: str) -> list[_Mount]:
    mounts = []
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        fields = dict(part.partition("=")[::2] for part in flag.value.split(",") if "=" in part)
        kind = fields.get("type", "bind")
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if kind != "bind" or "from" in fields or not target:
            continue
        source = posixpath.normpath((fields.get("source") or fields.get("src") or ".").lstrip("/"))
        if not source.startswith(".."):
            mounts.append(_Mount(_join(workdir, target), source))
    return mounts


def _mounted_source(image_path: str, mounts: list[_Mount]) -> str | None:
    for mount in mounts:
        if image_path == mount.target:
            return mount.source
        if image_path.startswith(mount.target.rstrip("/") + "/"):
            rest = image_path[len(mount.target.rstrip("/")) + 1 :]
            return posixpath.normpath(posixpath.join(mount.source, rest))
    return None


def _executed(instruction: Instruction, workdir: str) -> Iterator[str]:
    """Image paths of the files a RUN executes as programs or shell scripts."""
    from infralint.checks.dockerfile._packages import script_commands

    for command in script_commands(instruction.scripts()):
        if command.name is None:
            continue
        words = [command.name, *command.args]
        if command.program in SHELLS:
            operand = next((w for w in words[1:] if not w.text.startswith("-")), None)
            if operand is None or any(w.text == "-c" for w in words[1:]):
                continue
            chosen = operand
        elif "/" in command.name.text:
            chosen = command.name
        else:
            continue
        if chosen.static and chosen.text and "$" not in chosen.text:
            yield _join(workdir, chosen.text)


def read_run_scripts(project: Project, runs: list[tuple[str, list[Path]]]) -> None:
    """Read the scripts the Dockerfiles run (the link stage), and which Dockerfile reports each:
    `runs` holds each Dockerfile's path and the scripts `scripts_run` found in it (the parsed
    documents themselves are not kept: thousands of them were most of a large run's memory)."""
    for dockerfile, scripts in sorted(runs, key=lambda run: run[0]):
        for script in scripts:
            key = str(script)
            if key not in project.run_scripts:
                text = read_text_or_none(script, project.roots, MAX_SCRIPT_BYTES)
                project.run_scripts[key] = text
                project.script_reporters[key] = dockerfile


def heredoc_wrapped(script: str, from_line: str) -> tuple[str, int]:
    """A Dockerfile whose one RUN is the script as a bare heredoc, and how many lines come
    before the script's first line: the rules read it exactly as they read a RUN."""
    delimiter = "INFRALINT_SCRIPT_END"
    lines = script.split("\n")
    while delimiter in (line.strip() for line in lines):
        delimiter += "_"
    body = script if script.endswith("\n") else script + "\n"
    return f"{from_line}\nRUN <<'{delimiter}'\n{body}{delimiter}\n", 2
