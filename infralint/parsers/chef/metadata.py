"""metadata.rb, Berksfile, Policyfile and client config: dependencies, settings, lock state."""

from __future__ import annotations

import os
import re
from pathlib import Path

from infralint.parsers.chef.calls import _args_values, _method_name
from infralint.parsers.chef.model import ChefDocument, Dependency, Setting
from infralint.parsers.ruby import RubyNode, RubyTree, parse_ruby
from infralint.source import SourceFile

# --------------------------------------------------------------------------- other files


def _top_calls(tree: RubyTree) -> list[RubyNode]:
    """Receiver-less calls anywhere outside ERROR regions (Berksfile `group` blocks included)."""
    assert tree.root is not None
    found = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR":
            continue
        bare_word = (
            node.type == "identifier"
            and node.parent is not None
            and node.parent.type in ("program", "body_statement", "block_body")
        )
        if bare_word or (node.type == "call" and node.child("receiver") is None):
            found.append(node)
        stack.extend(reversed(node.children))
    return found


def _read_cookbook_file(tree: RubyTree, doc: ChefDocument) -> None:
    for call in _top_calls(tree):
        name = call.text if call.type == "identifier" else _method_name(call)
        args = _args_values(call, {}) if call.type == "call" else []
        if doc.kind == "metadata" and name == "depends" and args and args[0].string:
            constraint = args[1].string if len(args) > 1 else None
            doc.dependencies.append(Dependency(name, args[0].string, constraint, {}, call.span))
        elif doc.kind in ("berksfile", "policyfile") and name == "cookbook" and args:
            cookbook = args[0].string or args[0].source
            constraint = next((a.string for a in args[1:] if a.kind == "string"), None)
            options = dict(args[-1].literal) if args[-1].kind == "hash" else {}
            doc.dependencies.append(Dependency(name, cookbook, constraint, options, call.span))
        elif doc.kind == "policyfile" and name in ("run_list", "named_run_list"):
            for value in args[1:] if name == "named_run_list" else args:
                shown = value.text.text if value.text is not None else value.source
                doc.run_list.extend(value.strings() or [shown])
        elif doc.kind == "config" and call.type == "call":
            doc.settings.append(Setting(name, args[0] if args else None, call.span))


def _lockfile_state(doc: ChefDocument) -> None:
    path = doc.source.path
    if doc.kind == "berksfile":
        lock = path.with_name("Berksfile.lock")
    elif doc.kind == "policyfile":
        lock = path.with_name(path.name[: -len(".rb")] + ".lock.json")
    else:
        return
    doc.lockfile = lock.name
    doc.lockfile_present = _exists(lock)
    doc.library_reason = _library_reason(doc, lock)


def _exists(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


TEST_COOKBOOK = re.compile(r"(^|[_-])(test|tests|fixture|fixtures)([_-]|$)")


def _run_list_is_test_only(run_list: list[str]) -> bool:
    cookbooks = []
    for entry in run_list:
        item = entry.strip()
        match = re.fullmatch(r"(?:recipe|role)\[(.+)\]", item)
        item = match.group(1) if match else item
        cookbooks.append(item.split("::", 1)[0].split("@", 1)[0])
    return bool(cookbooks) and all(TEST_COOKBOOK.search(name) for name in cookbooks)


def _library_reason(doc: ChefDocument, lock: Path) -> str | None:
    policyfile: ChefDocument | None = doc if doc.kind == "policyfile" else None
    sibling = lock.with_name("Policyfile.rb")
    if policyfile is None and _exists(sibling):
        text = _read_beside(sibling) or ""
        policyfile = ChefDocument(
            SourceFile(sibling, sibling.name, text, "chef"), kind="policyfile"
        )
        _read_cookbook_file(parse_ruby(text), policyfile)
    if policyfile is not None and _run_list_is_test_only(policyfile.run_list):
        return "its Policyfile run list only names test cookbooks"
    ignored_by = _gitignored(lock)
    if ignored_by is not None:
        return f"{ignored_by} ignores {lock.name}"
    return None


MAX_BESIDE_BYTES = 1_000_000  # a Policyfile.rb or .gitignore read beside a lock file


def _read_beside(path: Path) -> str | None:
    """A regular file in its own directory, never through a symbolic link (which could lead out
    of the scanned tree, or to /dev/zero), within MAX_BESIDE_BYTES; None when refused."""
    from infralint import reader

    roots = (os.path.realpath(path.parent),)
    return reader.read_text_or_none(path, roots, MAX_BESIDE_BYTES, follow_links=False)


def _gitignored(path: Path) -> str | None:
    """The .gitignore (in the file's folder or above, up to the repository root) that ignores
    `path`, if any."""
    from infralint.gitignore import gitignore_spec

    folder = path.parent
    for _ in range(12):
        ignore = folder / ".gitignore"
        if _exists(ignore):
            spec = gitignore_spec((_read_beside(ignore) or "").splitlines())
            try:
                relative = path.relative_to(folder).as_posix()
            except ValueError:
                relative = path.name
            if spec.match_file(relative):
                return (
                    str(ignore.relative_to(path.parent))
                    if ignore.parent == path.parent
                    else ".gitignore"
                )
        if (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
    return None
